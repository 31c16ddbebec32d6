#pragma once
// A scenario in time (issue 13): its [[timeline]] of actions, and the [[expect.window]] checks
// that judge the responses by when they were sent. Plain data, validated by timeline_reader.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/units.hpp"
#include "fakes/core/behaviour.hpp"
#include "fakes/core/params.hpp"
#include "fakes/dns/zone.hpp"
#include "harness/input/source_pos.hpp"
#include "harness/net/network.hpp"
#include "harness/nginx/spec.hpp"

namespace badgateway {

// What a [[timeline]] entry does; what each means depends on what it acts on (TimelineTarget).
enum class TimelineActionKind {
  stop,               // a fake stops listening: new connects are refused; a PHP-FPM pool or
                      // nginx: a graceful stop (SIGQUIT), in-flight requests finish
  start,              // it listens again on the same address; a pool or nginx starts again
  close_connections,  // a fake closes every connection it has open (FIN)
  reset_connections,  // a fake resets every connection it has open (RST), as a crash would
  behave,             // a fake serves new connections with another behaviour
  reload,             // nginx: SIGHUP, optionally with changed snippets; a pool: SIGUSR2
  kill,               // a PHP-FPM pool: SIGKILL of the whole pool, its master or its workers
  restart,            // nginx or a pool: a graceful stop, then a start
  firewall,           // the run's network: the timeline's firewall rules are replaced
  answer,             // a DNS fake: a name answers something else from now on
  move,               // a fake stops listening where it is and listens on another address
};

// What a timeline action acts on.
enum class TimelineTarget { fake, php_fpm, nginx, network, dns };
std::string_view to_string(TimelineActionKind kind);

// A timeline action's default deadline: past it, the action failed (a check of its own).
inline constexpr Millis kDefaultActionDeadline{5000};

struct TimelineAction {
  Millis at{0};  // offset from the start of traffic
  TimelineActionKind kind = TimelineActionKind::stop;
  TimelineTarget target = TimelineTarget::fake;
  std::string fake;  // the fake (or PHP-FPM pool) acted on; empty for nginx's actions
  // How windows name it: `name` when the entry has one, else "FAKE stops", "FAKE starts",
  // "FAKE closes connections", "FAKE behaves", "FAKE reloads", "FAKE is killed", "nginx stops",
  // "nginx restarts", ...
  std::string label;
  Millis deadline = kDefaultActionDeadline;
  // behave: the behaviour and its parameters (checked at load time, built at run time).
  std::string behaviour;
  fakes::Protocol protocol = fakes::Protocol::http;  // the fake's
  std::map<std::string, fakes::ParamValue, std::less<>> params;
  // nginx's reload: snippets replacing the phase's (origins for nginx's messages); unset: none
  // changes.
  NginxSpec snippets;
  // kill: which of the pool's processes, "all" (default), "master", "workers" or "worker".
  std::string process;
  // firewall: the rules from now on (replacing those of the timeline's earlier firewall actions;
  // [network]'s own stay); empty: none.
  std::vector<FirewallRule> firewall;
  // answer: the name (canonical) and what it answers from now on (complete: what the keys given
  // did not say is as the zone wrote the name).
  std::string dns_name;
  fakes::dns::NameAnswer dns_answer;
  // move: where the fake listens from now on (loopback; port 0: the port it has now).
  fakes::Address move_to;
  SourcePos pos;
};

// A point in time of a window: an offset from the start of traffic, or from when a timeline
// action happened ("app stops + 200ms"), as written in `text`.
struct TimeMark {
  std::optional<std::string> action;  // the label of a timeline action
  Millis offset{0};
  std::string text;
};

struct CountBound {
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};

struct DurationBound {
  std::optional<Millis> min;
  std::optional<Millis> max;
};

struct ShareBound {
  std::optional<double> min;  // fractions, 0 to 1
  std::optional<double> max;
};

// One [[expect.window]]: the responses whose requests were sent in [from, until), and what must
// hold of them. A response is a success when it completed with a status from 200 to 399, a
// failure otherwise (a 5xx, a 4xx, no status, cut short).
struct WindowSpec {
  std::string name;               // as written, else "FROM..UNTIL"
  std::optional<TimeMark> from;   // unset: the start of traffic
  std::optional<TimeMark> until;  // unset: the end of the phase
  // Only the responses this fake served (the last attempt of the access log's $upstream_addr
  // is its address); unset: every response.
  std::optional<std::string> upstream;
  CountBound responses;  // default min 1: an empty window proves nothing
  // Keys: a status ("502", "0" for none), a class ("5xx"), "success" or "failure".
  std::map<std::string, CountBound> count;
  std::map<std::string, ShareBound> share;
  std::optional<std::int64_t> max_failure_run;  // longest run of consecutive failures
  // From the window's start to the send time of its first success, and of the first success
  // after its last failure (from then on every response succeeded).
  std::optional<DurationBound> first_success;
  std::optional<DurationBound> sustained_success;
  // Latency percentiles of the window's responses ("p50", "p90", "p99", "p99.9", "max"), as
  // latency_histogram.hpp measures them: from the intended send time to the end.
  std::map<std::string, DurationBound> latency;
  SourcePos pos;
};

}  // namespace badgateway
