#pragma once
// Renders the nginx.conf a run uses: the scenario's snippets inside a frame that keeps every
// path (pid, logs, temp files) inside the run directory and logs what verdicts need.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/base/address.hpp"
#include "harness/input/placeholders.hpp"
#include "harness/nginx/launcher.hpp"
#include "harness/nginx/spec.hpp"

namespace badgateway {

struct RenderInput {
  const NginxSpec* spec = nullptr;
  std::filesystem::path run_dir;
  fakes::Address listen;
  PlaceholderLookup lookup;
  std::string title;  // "upstream-refused (broken)"
  // Set: a server of its own answering GET /stub_status there (live metrics), not logged.
  std::optional<fakes::Address> stub_status = std::nullopt;
};

// Access-log fields, '|'-separated; the request id ties a line to the client's request. The
// $upstream_*_time fields are lists, one entry per attempt, like $upstream_status.
inline constexpr const char* kAccessLogFormat =
    "$http_x_badgateway_request|$status|$upstream_status|$upstream_addr|$request_time|$body_bytes_"
    "sent|$upstream_connect_time|$upstream_header_time|$upstream_response_time";

// Only the harness's own server {} logs to logs/access.log; any other server a scenario defines
// (an inner server nginx proxies to itself) logs here, so its line for the same request id
// cannot replace the one of the request the client made.
inline constexpr const char* kOtherServersAccessLog = "logs/access-other-servers.log";

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

// nginx -t's message `what` names the rendered `config` (a file in the run directory, gone after
// the run) and a line of it. Returns it naming instead the scenario line that line came from
// ("FILE:LINE:COLUMN: nginx.location: MESSAGE (line N of the rendered config, kept as PATH)"),
// found through `origins` (from render_nginx_config) and `spec`'s snippet positions; a line of
// the harness's own frame, or no line, is "SCENARIO_FILE: nginx: MESSAGE (...)".
std::string explain_config_rejection(const std::string& what, const std::filesystem::path& config,
                                     const std::vector<RenderedLine>& origins,
                                     const NginxSpec& spec, const std::string& scenario_file);

// `text` as one nginx config token: in double quotes, with '"' and '\\' escaped the way
// ngx_conf_read_token undoes it. '$' stays special where a directive takes variables.
std::string nginx_quote(std::string_view text);

// A snippet (nginx.http/server/location) with its placeholders expanded; a word whose expansion
// holds characters nginx would split it at (' ', ';', ...) becomes one quoted token. Throws
// std::invalid_argument for an unknown placeholder, as expand_placeholders() does.
std::string expand_nginx_snippet(std::string_view text, const PlaceholderLookup& lookup);

// nginx's arguments after the program name, for `nginx -t` (`test`) or the foreground run: the
// rendered config with the run dir as prefix, or an own config at /etc/nginx with nginx's
// compiled-in prefix (as in production) and the harness's error log added with -g.
std::vector<std::string> nginx_arguments(const LaunchPaths& paths, bool test);

}  // namespace badgateway
