#pragma once
// Renders the nginx.conf a run uses: the scenario's snippets inside a frame that keeps every
// path (pid, logs, temp files) inside the run directory and logs what verdicts need.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fakes/core/address.hpp"
#include "harness/nginx/launcher.hpp"
#include "harness/scenario/model.hpp"

namespace badgateway {

using PlaceholderLookup = std::function<std::optional<std::string>(const std::string&)>;

struct RenderInput {
  const NginxSpec* spec = nullptr;
  std::filesystem::path run_dir;
  fakes::Address listen;
  PlaceholderLookup lookup;
  std::string title;  // "upstream-refused (broken)"
};

// Access-log fields, '|'-separated; the request id ties a line to the client's request.
inline constexpr const char* kAccessLogFormat =
    "$http_x_badgateway_request|$status|$upstream_status|$upstream_addr|$request_time|$body_bytes_"
    "sent";

// Where a line of the rendered config comes from: line `line` (1-based) of the scenario's
// `snippet` ("http", "server", "location"), or the harness's own frame (snippet empty).
struct RenderedLine {
  std::string snippet;
  int line = 0;
};

// Throws std::invalid_argument on an unknown placeholder. With `origins`, fills it with one entry
// per rendered line (origins[i] is line i + 1).
std::string render_nginx_config(const RenderInput& in,
                                std::vector<RenderedLine>* origins = nullptr);

// nginx's arguments after the program name, for `nginx -t` (`test`) or the foreground run: the
// rendered config with the run dir as prefix, or an own config at /etc/nginx with nginx's
// compiled-in prefix (as in production) and the harness's error log added with -g.
std::vector<std::string> nginx_arguments(const LaunchPaths& paths, bool test);

}  // namespace badgateway
