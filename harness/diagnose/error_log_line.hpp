#pragma once
// One line of an nginx error log, in the format every version writes (ngx_log_error_core in
// src/core/ngx_log.c, the context by ngx_http_log_error in src/http/ngx_http_request.c):
//   2026/11/30 04:59:41 [error] 3#3: *2 MESSAGE while ACTION, client: C, server: S,
//   request: "R", upstream: "U", host: "H"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace badgateway {

struct ErrorLogLine {
  std::string time;      // "2026/11/30 04:59:41", as written
  std::string level;     // "error", "crit", "alert", ...
  std::string message;   // what happened: "upstream timed out (110: Connection timed out)"
  std::string action;    // what nginx was doing: "reading response header from upstream", or ""
  std::string upstream;  // the upstream: field ("http://10.0.0.5:8080/api"), or ""
  std::string request;   // the request: field ("GET /api HTTP/1.1"), or ""
  std::string server;    // the server: field (the server{}'s name), or ""
  std::string host;      // the host: field (the request's Host header), or ""
};

// Splits "MESSAGE while ACTION" at its last " while " (a message may hold the word itself, as in
// a script's stderr); the action is "" when there is none.
std::pair<std::string, std::string> split_action(std::string_view text);

// Seconds since 1970-01-01 of a time as nginx writes it in error logs ("2026/11/30 04:59:41", the
// server's local time, taken as UTC: only differences matter), or nullopt for another text.
std::optional<std::int64_t> error_log_time_seconds(std::string_view time);

// nullopt for a line not in nginx's format (a stack trace, a PHP message's continuation).
std::optional<ErrorLogLine> parse_error_log_line(std::string_view line);

}  // namespace badgateway
