#pragma once
// Everything seen during one run phase: plain data for the verdicts.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/client/driver.hpp"

namespace badgateway {

// One line of the rendered config's access log (see kAccessLogFormat).
struct AccessRecord {
  std::string request_id;
  int status = 0;
  std::string upstream_status;  // "502, 200" — one entry per attempt
  std::string upstream_addr;
  double request_time = 0;  // seconds, millisecond resolution ($request_time)
  std::uint64_t body_bytes = 0;
  // "0.001, 0.000": seconds per attempt, "-" for an attempt that did not get so far; empty in
  // lines of the older six-field format.
  std::string upstream_connect_time;
  std::string upstream_header_time;
  std::string upstream_response_time;
  int attempts() const;
};

std::optional<AccessRecord> parse_access_line(const std::string& line);

// What one upstream of the phase counted over its life. A count it cannot make is nullopt
// (unknown), never a guess.
struct UpstreamCounts {
  std::optional<std::uint64_t> connections;
  std::uint64_t requests = 0;
};

// What became of nginx in a phase: it ran (and served the requests), `nginx -t` rejected the
// config, or nginx accepted it at `nginx -t` and then failed to start (a bind() or open() only
// the real start makes). A scenario may expect either of the last two (expect.nginx).
enum class NginxOutcome { runs, rejected, fails_to_start };
std::string_view to_string(NginxOutcome outcome);
std::optional<NginxOutcome> parse_nginx_outcome(std::string_view text);
inline constexpr std::string_view kNginxOutcomeNames = R"("runs", "rejected", "fails_to_start")";

struct Observation {
  NginxOutcome nginx = NginxOutcome::runs;
  std::vector<Response> responses;
  std::map<std::string, AccessRecord> access;  // by request id
  // nginx's error log (for a rejected config or a failed start: what `nginx -t` or the start
  // printed, then the error log's lines)
  std::vector<std::string> error_log;
  std::map<std::string, UpstreamCounts> fakes;  // by fake name
  std::optional<std::string> nginx_exit;        // set when nginx was not running at the end
};

}  // namespace badgateway
