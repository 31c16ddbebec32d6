#include "harness/nginx/config.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "harness/scenario/placeholders.hpp"

namespace badgateway {
namespace {

std::string indent(const std::string& text, int spaces) {
  std::string pad(static_cast<std::size_t>(spaces), ' ');
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty()) out += pad + std::string(line) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string render_nginx_config(const RenderInput& in) {
  auto expand = [&](const std::optional<std::string>& s) {
    return s ? expand_placeholders(*s, in.lookup) : std::string();
  };
  const std::string dir = in.run_dir.string();
  std::string out;
  out += fmt::format("# rendered by badgateway: {}\n", in.title);
  out += "daemon off;\nmaster_process on;\nworker_processes 1;\n";
  // As root, workers would run as nobody and could not use the 0700 run directory.
  if (in.spec->user) {
    out += fmt::format("user {};\n", *in.spec->user);
  } else if (::geteuid() == 0) {
    out += "user root root;\n";
  }
  out += fmt::format("pid {}/nginx.pid;\nerror_log {}/logs/error.log info;\n", dir, dir);
  out += "events {\n    worker_connections 1024;\n}\n";
  out += "http {\n";
  out += fmt::format("    log_format badgateway '{}';\n", kAccessLogFormat);
  out += fmt::format("    access_log {}/{} badgateway;\n", dir, kOtherServersAccessLog);
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    out += fmt::format("    {}_temp_path {}/tmp/{};\n", kind, dir, kind);
  }
  out += indent(expand(in.spec->http), 4);
  out += "    server {\n";
  out += fmt::format("        listen {};\n", in.listen.to_string());
  out += "        server_name badgateway;\n";
  out += fmt::format("        access_log {}/logs/access.log badgateway;\n", dir);
  out += indent(expand(in.spec->server), 8);
  if (in.spec->location) {
    out += "        location / {\n";
    out += indent(expand(in.spec->location), 12);
    out += "        }\n";
  }
  out += "    }\n}\n";
  return out;
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
