#pragma once
// Everything seen during one run phase: plain data for the verdicts.
#include <chrono>
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

// One query a DNS fake got.
struct DnsQuery {
  std::string name;  // canonical: lower case, no trailing dot
  std::string type;  // "A", "AAAA", ...
  bool tcp = false;
  std::chrono::steady_clock::time_point at;  // when it arrived
};

// What one upstream of the phase counted over its life. A count it cannot make is nullopt
// (unknown), never a guess.
struct UpstreamCounts {
  std::optional<std::uint64_t> connections;
  std::uint64_t requests = 0;
  bool dns = false;                 // a DNS fake: it counts queries
  std::vector<DnsQuery> queries{};  // a DNS fake's, in the order they came
};

// What became of nginx in a phase: it ran (and served the requests), `nginx -t` rejected the
// config, or nginx accepted it at `nginx -t` and then failed to start (a bind() or open() only
// the real start makes). A scenario may expect either of the last two (expect.nginx).
enum class NginxOutcome { runs, rejected, fails_to_start };
std::string_view to_string(NginxOutcome outcome);
std::optional<NginxOutcome> parse_nginx_outcome(std::string_view text);
inline constexpr std::string_view kNginxOutcomeNames = R"("runs", "rejected", "fails_to_start")";

// One timeline action as it was played: offsets from the start of traffic, on the steady clock
// the responses' sent_at and ended_at use.
struct TimelineEvent {
  std::string label;   // "app stops", or the entry's name
  std::string action;  // "stop", "start", "close_connections", "behave", "reload"
  std::string target;  // the fake's name, or "nginx"
  Micros scheduled{0};
  // When it took effect (a fake: on its I/O thread; nginx: when SIGHUP went out). Unset: it
  // failed, or never ran (the phase ended first); `error` says which.
  std::optional<Micros> happened;
  std::optional<Micros> done;  // when it was complete (a reload: the new workers ran)
  std::string error;
};

struct Observation {
  NginxOutcome nginx = NginxOutcome::runs;
  std::vector<Response> responses;
  // [[traffic]]'s responses, in the order their requests started, and the timeline's actions;
  // both measured from `traffic_start` (set when the phase had traffic or a timeline).
  std::vector<Response> traffic;
  std::vector<TimelineEvent> timeline;
  std::optional<std::chrono::steady_clock::time_point> traffic_start;
  std::map<std::string, AccessRecord> access;  // by request id
  // nginx's error log (for a rejected config or a failed start: what `nginx -t` or the start
  // printed, then the error log's lines)
  std::vector<std::string> error_log;
  std::map<std::string, UpstreamCounts> fakes;  // by fake name
  // Where nginx reached each upstream, as $upstream_addr writes it ("127.0.0.1:8080",
  // "[::1]:8080", "unix:/path"): fake name -> its addresses, the first where it was bound, then
  // each a timeline `move` gave it.
  std::map<std::string, std::vector<std::string>> upstream_addresses;
  std::optional<std::string> nginx_exit;  // set when nginx was not running at the end
};

}  // namespace badgateway
