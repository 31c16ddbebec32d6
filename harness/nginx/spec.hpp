#pragma once
// What a scenario says about nginx: the snippets rendered into the harness's frame, or the user's
// own config. Here rather than in the scenario model because rendering a config needs it and
// nginx/ sits below scenario/.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "harness/input/source_pos.hpp"

namespace badgateway {

// Where a config snippet (nginx.http, .server, .location) comes from, so that a line nginx
// rejects can be reported as a line of the scenario file.
struct SnippetOrigin {
  std::string field;   // "nginx.location", "fix.nginx.server"
  SourcePos value;     // the string value (its opening quote)
  int first_line = 0;  // the file line of the snippet's first line; 0: a one-line string, whose
                       // lines (\n escapes) are all reported at `value`
};

// The snippets a rendered config takes, outermost first: the main context, events {}, http {},
// the generated server {} and its location / {}.
inline constexpr const char* kSnippetKeys[] = {"main", "events", "http", "server", "location"};

// Directives of the main and events contexts that the rendered frame owns: badgateway runs nginx
// in the foreground, writes its pid and reads its error log where it put them, and sets the user
// with nginx.user. A snippet setting one is a load error.
inline constexpr const char* kFrameMainDirectives[] = {"daemon", "master_process", "pid",
                                                       "user",   "events",         "http"};

struct NginxSpec {
  // The main context (worker_processes, worker_rlimit_nofile, ...): it replaces the frame's
  // `worker_processes 1;` when it sets worker_processes itself.
  std::optional<std::string> main;
  // Inside events {} (worker_connections, ...): it replaces the frame's `worker_connections
  // 1024;` when it sets worker_connections itself.
  std::optional<std::string> events;
  std::optional<std::string> http;               // inside http {}
  std::optional<std::string> server;             // inside the generated server {}
  std::optional<std::string> location;           // inside the generated location / {}
  std::map<std::string, SnippetOrigin> origins;  // by snippet: one of kSnippetKeys
  std::optional<std::string>
      user;                   // the worker user ("nobody nogroup"); default root when run as root
  std::optional<bool> start;  // false: nginx is not started at all (the "nginx is down" cause)
  // The user's own nginx.conf or config directory (absolute), tested unchanged instead of the
  // rendered frame; the snippets and user do not apply then.
  std::optional<std::string> config;
  std::optional<std::uint16_t> port;  // with config: where requests go (default: its first listen)
  // With config: the run's certificate files placed where the config names them, path as nginx
  // sees it (absolute) -> a name of kTlsFiles ("ca", "client_certificate", ...), as
  // `nginx.tls_files` says. Each is bind-mounted read-only over that path for nginx only.
  std::optional<std::map<std::string, std::string>> tls_files;

  // Makes this the fixed phase's spec: what `fix` sets replaces what this one has (a snippet with
  // its origin, for the positions of nginx -t's errors). A new config drops the old port, which
  // was that config's (the loader resolves the new one).
  void overlay(const NginxSpec& fix);
};

}  // namespace badgateway
