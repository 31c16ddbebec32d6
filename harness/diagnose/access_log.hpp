#pragma once
// A production access log read beside the error log: what the clients got (statuses over time)
// and, when the log_format has nginx's upstream variables, who made each 5xx and which upstream
// answered how. The format is nginx's own log_format syntax (ngx_http_log_module.c): literal text
// and variables ($name or ${name}), so a user passes the same string their config has.
#include <cstddef>
#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/diagnose/rate.hpp"
#include "harness/regex/regex.hpp"

namespace badgateway {

// nginx's predefined format (ngx_http_log_module.c, ngx_http_combined_fmt).
inline constexpr std::string_view kCombinedLogFormat =
    R"($remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent )"
    R"("$http_referer" "$http_user_agent")";

// A log_format compiled to a pattern: each variable is a lazy group, the text between is literal.
class AccessLogFormat {
 public:
  // Throws std::invalid_argument for a format without any variable or with an empty `${}`.
  explicit AccessLogFormat(std::string_view format);
  // Variable name -> value for a line in this format, or false for a line in another format.
  bool parse(std::string_view line, std::map<std::string, std::string>& out) const;
  bool has(std::string_view variable) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> variables_;  // in order of appearance
  Regex regex_;
};

struct PeerAttempts {
  std::size_t attempts = 0;
  std::size_t failed = 0;  // the attempt's $upstream_status was 5xx (nginx's own 502/504 included)
};

struct AccessSummary {
  std::string format;                 // the log_format text used
  std::size_t lines = 0;              // non-empty lines read
  std::size_t parsed = 0;             // lines in the format
  std::vector<std::string> unparsed;  // the first few lines not in the format
  std::map<int, std::size_t> by_status;
  // Which variables the format has: what the summary can tell.
  bool has_upstream_status = false, has_upstream_addr = false, has_header_time = false;
  std::size_t server_errors = 0;  // responses with a 5xx $status
  // Of those, by who made them (only with $upstream_status; with $upstream_header_time for the
  // first two): nginx itself, after its last attempt got no response header ("-"), the upstream
  // (nginx passed its 5xx on), or no upstream at all ($upstream_status "-" or empty: limit_req,
  // a config error, a request that never reached an upstream).
  std::size_t made_by_nginx = 0, made_by_upstream = 0, no_upstream = 0;
  std::size_t retried = 0;                    // requests with more than one upstream attempt
  std::size_t rescued = 0;                    // ...whose final status was not a 5xx
  std::map<std::string, PeerAttempts> peers;  // $upstream_addr entry -> its attempts
  PerMinute server_errors_per_minute;         // from $time_local or $time_iso8601
  std::int64_t first_minute = 0, last_minute = 0;
  bool timed = false;  // whether any line had a time
};

// Reads `log` line by line in bounded memory.
AccessSummary summarize_access_log(std::istream& log, const AccessLogFormat& format);

// "30/Nov/2026:04:59:41 +0000" ($time_local) or "2026-11-30T04:59:41+00:00" ($time_iso8601) as
// seconds since 1970 in the log's own zone (the offset ignored: only differences matter).
std::optional<std::int64_t> access_log_time_seconds(std::string_view time);

std::string render_access_summary(const AccessSummary& s, std::string_view log_name);

}  // namespace badgateway
