#pragma once
// nginx's upstream error messages, as its source writes them (src/http/ngx_http_upstream.c,
// ngx_http_proxy_module.c, ngx_http_fastcgi_module.c, src/event/ngx_event_connect.c,
// ngx_event_openssl.c, src/core/ngx_connection.c), each with its cause in plain words and the
// directives that matter. The wording of 1.22 and of the newest versions both match.
#include <span>
#include <string_view>

#include "harness/diagnose/error_log_line.hpp"

namespace badgateway {

struct Signature {
  std::string_view id;          // "upstream-timed-out"
  std::string_view pattern;     // PCRE2, searched in ErrorLogLine::message
  std::string_view cause;       // plain words
  std::string_view directives;  // "proxy_read_timeout, fastcgi_read_timeout"
};

// Every known signature, most specific first.
std::span<const Signature> signatures();

// The first signature whose pattern matches `line.message`, or nullptr.
const Signature* classify(const ErrorLogLine& line);

// What nginx was doing, in plain words, for an action ("reading response header from
// upstream"); "" for one that is not about an upstream.
std::string_view describe_action(std::string_view action);

}  // namespace badgateway
