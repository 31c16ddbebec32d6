#pragma once
// Expectations against observations, as typed checks carrying expected and actual values.
#include <string>
#include <vector>

#include "harness/observe/observation.hpp"
#include "harness/scenario/model.hpp"

namespace badgateway {

// What a check compares. Reports write a kind as to_string(), its enumerator's name: the JSON
// report's `kind`, whose values docs/json-report.md and docs/json-report.schema.json list, so a
// new kind goes there too (report validation rejects a kind it does not list).
enum class CheckKind {
  status,             // subjects "status", "status_counts", "status_in" and "interim"
  generated_by,       // who answered: "nginx", "upstream", or "none" (status 0)
  outcome,            // Response::outcome
  error_log,          // a pattern that must match a line of the error log
  no_error_log,       // a pattern that must match no line (always \[alert\] and \[emerg\])
  elapsed,            // the client's elapsed time against a TimeBound
  request_time,       // nginx's $request_time (access log) against a TimeBound
  fake_count,         // connections or requests a fake saw
  upstream_attempts,  // entries in $upstream_status
  nginx_crashed,      // nginx still running once the requests were done
  nginx,              // what became of nginx (expect.nginx): runs, rejected, fails_to_start
  timeline,           // a timeline action happened (windows.hpp)
  window              // an [[expect.window]] check over the responses sent in a window
};

std::string_view to_string(CheckKind kind);

// How early, at most, an nginx timeout can end as the client's kernel-timestamped elapsed time
// sees it (excluded): nginx's cached millisecond clock. `elapsed.min` is checked less this.
inline constexpr Micros kNginxTimerGranularity{1000};

// One expectation against what was seen. `expected` and `actual` are text for people (printed as
// "SUBJECT: expected EXPECTED, got ACTUAL"), not values to parse back.
struct Check {
  CheckKind kind;
  std::string subject;  // "status", "error_log /upstream timed out/", "fakes.app.requests"
  std::string expected;
  std::string actual;
  bool passed = false;
};

// Compares one phase's observations with its expectations; pure (reads nothing but its
// arguments). `expect` is already resolved for the nginx version (ExpectationSet::for_version);
// each per-response list in it (status, outcome, generated_by, upstream_attempts) holds one value
// for every response or exactly one per response, as the loader guarantees, in the order of
// `seen.responses` (send_requests() returns every planned request, sent or not).
//
// Returns the checks in this order, one per expectation that is set, plus those always made:
//   nginx              "nginx": when expect.nginx is set or nginx did not run: the outcome
//                      expected ("runs" when unset) against seen.nginx. When either is not
//                      "runs", only fake_count, error_log and no_error_log follow (no request
//                      was sent, or none was meant to be);
//   nginx_crashed      first when nginx ran: "nginx running", expected "running until stopped",
//   actual
//                      "running" or seen.nginx_exit ("exited with code 1", "killed by signal
//                      11 (...)"); passes when nginx_exit is unset (also when no nginx was
//                      started).
//   status             "status": each response's status (0 = no status line) equals its value;
//                      "status_counts": the count of each status equals the map (order-free;
//                      written "200x1, 502x3"); "status_in": every status is in the set;
//   outcome            "outcome": each Response::outcome equals its value;
//   status             "interim": every response had exactly these 1xx statuses, in order;
//   generated_by       "nginx" (no fake signature header), "upstream", "none" (status 0);
//   upstream_attempts  entries in the access log's $upstream_status (',' and ':' separate them;
//                      0 for "-", -1 when the request has no access-log line);
//   elapsed            every Response::elapsed in (min - kNginxTimerGranularity, max], written
//                      "200ms-1ms..1s" ("0" / "inf" for a bound not set);
//   request_time       every $request_time, rounded to whole ms, within [min - 1ms, max]; a
//                      response without an access-log line fails it;
//   fake_count         "fakes.NAME.connections" / ".requests": exactly the count the fake saw
//                      (a fake missing from seen.fakes counts 0); a count the upstream could not
//                      make fails, actual "unknown (this upstream does not count them)";
//   error_log          "error_log /P/": some line of seen.error_log matches P (PCRE2, anywhere in
//                      the line); actual is the first match or "no match in N lines";
//   no_error_log       "no_error_log /P/" for \[alert\], \[emerg\] and each expected pattern:
//                      no line matches; actual "none" or the first matching line. The two
//                      default bans spare the lines an error_log pattern matches.
// Per-response checks write `expected` once when it is the same for every response, and
// `actual` for every response, ", "-separated.
//
// Throws nothing but std::bad_alloc: a pattern that hits a PCRE2 match limit (patterns were
// compiled at load time) fails its check with PCRE2's message as `actual`.
std::vector<Check> judge(const Expectation& expect, const Observation& seen);

}  // namespace badgateway
