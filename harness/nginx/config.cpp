#include "harness/nginx/config.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "harness/scenario/placeholders.hpp"

namespace badgateway {
namespace {

// Builds the config line by line, remembering which snippet line each rendered line came from.
class Rendered {
 public:
  explicit Rendered(std::vector<RenderedLine>* origins) : origins_(origins) {}

  void frame(std::string_view text) {
    out_ += text;
    if (origins_) {
      for (char c : text) {
        if (c == '\n') origins_->push_back({});
      }
    }
  }
  // Each non-empty line of `text`, indented; empty lines are left out.
  void snippet(const std::string& name, const std::string& text, int spaces) {
    const std::string pad(static_cast<std::size_t>(spaces), ' ');
    std::size_t start = 0;
    for (int number = 1; start <= text.size(); ++number) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + start, end - start);
      if (!line.empty()) {
        out_ += pad + std::string(line) + "\n";
        if (origins_) origins_->push_back({name, number});
      }
      start = end + 1;
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::vector<RenderedLine>* origins_;
};

}  // namespace

std::string render_nginx_config(const RenderInput& in, std::vector<RenderedLine>* origins) {
  auto expand = [&](const std::optional<std::string>& s) {
    return s ? expand_placeholders(*s, in.lookup) : std::string();
  };
  if (origins) origins->clear();
  const std::string dir = in.run_dir.string();
  Rendered out(origins);
  out.frame(fmt::format("# rendered by badgateway: {}\n", in.title));
  out.frame("daemon off;\nmaster_process on;\nworker_processes 1;\n");
  // As root, workers would run as nobody and could not use the 0700 run directory.
  if (in.spec->user) {
    out.frame(fmt::format("user {};\n", *in.spec->user));
  } else if (::geteuid() == 0) {
    out.frame("user root root;\n");
  }
  out.frame(fmt::format("pid {}/nginx.pid;\nerror_log {}/logs/error.log info;\n", dir, dir));
  out.frame("events {\n    worker_connections 1024;\n}\n");
  out.frame("http {\n");
  out.frame(fmt::format("    log_format badgateway '{}';\n", kAccessLogFormat));
  out.frame(fmt::format("    access_log {}/logs/access.log badgateway;\n", dir));
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    out.frame(fmt::format("    {}_temp_path {}/tmp/{};\n", kind, dir, kind));
  }
  out.snippet("http", expand(in.spec->http), 4);
  out.frame("    server {\n");
  out.frame(fmt::format("        listen {};\n", in.listen.to_string()));
  out.frame("        server_name badgateway;\n");
  out.snippet("server", expand(in.spec->server), 8);
  if (in.spec->location) {
    out.frame("        location / {\n");
    out.snippet("location", expand(in.spec->location), 12);
    out.frame("        }\n");
  }
  out.frame("    }\n}\n");
  return out.take();
}

std::vector<std::string> nginx_arguments(const LaunchPaths& paths, bool test) {
  std::vector<std::string> args;
  if (test) args.insert(args.end(), {"-t", "-q"});
  std::filesystem::path startup_log = test ? paths.run_dir / "logs/nginx-t.log" : paths.error_log;
  if (paths.own) {
    args.insert(args.end(), {"-c", kOwnConfigFile, "-e", startup_log.string(), "-g",
                             paths.own->global_directives(paths.error_log)});
  } else {
    args.insert(args.end(), {"-p", paths.run_dir.string() + "/", "-c", paths.config.string(), "-e",
                             startup_log.string()});
  }
  return args;
}

}  // namespace badgateway
