// `badgateway load URL`: the [[traffic]] generator on its own, at full speed, for measuring
// nginx (and for bench/load_vs_wrk.sh, which puts it beside wrk). Responses are counted as they
// end, never kept: constant memory however long it runs.
#include <chrono>
#include <cstdio>
#include <deque>
#include <vector>

#include <fmt/format.h>

#include "fakes/base/address.hpp"
#include "harness/cli/commands.hpp"
#include "harness/client/exchange.hpp"
#include "harness/client/traffic.hpp"
#include "harness/client/traffic_summary.hpp"
#include "harness/error.hpp"

namespace badgateway {
namespace {

using Clock = std::chrono::steady_clock;

struct Target {
  fakes::Address address;
  std::string path;
};

// http://127.0.0.1:8080/path, http://[::1]:8080/, http://127.0.0.1/ (port 80).
Target parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    throw UsageError(fmt::format("URL {}: expected http://LOOPBACK-IP:PORT/PATH", url));
  }
  std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Target t;
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const bool bracketed = authority.starts_with("[");
  const auto close = authority.find(']');
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos || (bracketed && colon < close)) authority += ":80";
  std::string error;
  auto a = fakes::Address::parse(authority, &error);
  if (!a) {
    throw UsageError(fmt::format(
        "URL {}: {} (load sends to a loopback IP address only: test traffic stays here)", url,
        error));
  }
  t.address = *a;
  return t;
}

// Counts each response as it ends and hands its slot out again.
struct CountingSink : TrafficSink {
  Clock::time_point start;
  TrafficSummary summary;
  std::deque<Response> slots;
  std::vector<Response*> free;
  std::uint64_t next_id = 0;
  std::string last_error;

  Response& begin() override {
    Response* r;
    if (free.empty()) {
      r = &slots.emplace_back();
    } else {
      r = free.back();
      free.pop_back();
      *r = Response{};
    }
    r->index = next_id++;
    r->request_id = std::to_string(r->index);
    return *r;
  }
  void done(Response& r) override {
    summary.add(r, start);
    if (!r.error.empty()) last_error = r.error;
    free.push_back(&r);
  }
};

std::string counts_line(const auto& counts) {
  std::vector<std::string> parts;
  for (const auto& [key, n] : counts) parts.push_back(fmt::format("{} x{}", key, n));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

int command_load(const LoadArgs& args) {
  const Target target = parse_url(args.url);
  TrafficSpec spec;
  if (args.rate) {
    spec.loop = TrafficSpec::Loop::open;
    spec.rate = *args.rate;
  } else {
    spec.loop = TrafficSpec::Loop::closed;
    spec.clients = args.connections;
  }
  spec.duration = args.duration;
  spec.keepalive = args.keepalive;
  spec.request.method = args.method;
  spec.request.path = target.path;
  spec.request.timeout = args.timeout;
  CountingSink sink;
  sink.start = Clock::now();
  // The last requests may run past the duration by their timeout, not more.
  const auto deadline = sink.start + args.duration + args.timeout + Millis(1000);
  bool overran = false;
  run_streams_stamped(target.address, {spec}, sink, sink.start, deadline, &overran, false);
  const auto ran = std::chrono::duration<double>(Clock::now() - sink.start).count();
  const TrafficSummary& s = sink.summary;
  const LatencySummary l = summarize(s.latency);
  const std::uint64_t complete =
      s.total.outcome.contains("complete") ? s.total.outcome.find("complete")->second : 0;
  fmt::print("{} {}: {}, {}, {}\n", args.method, args.url,
             args.rate ? fmt::format("open loop at {}/s", *args.rate)
                       : fmt::format("closed loop, {} connection{}", args.connections,
                                     args.connections == 1 ? "" : "s"),
             args.keepalive ? "keep-alive" : "a new connection per request",
             format_duration(args.duration));
  fmt::print("  requests     {} in {:.2f}s: {:.1f} requests/s ({:.1f} complete/s)\n",
             s.total.requests, ran, static_cast<double>(s.total.requests) / ran,
             static_cast<double>(complete) / ran);
  fmt::print("  connections  {}\n", s.connections);
  fmt::print("  status       {}\n", counts_line(s.total.status));
  fmt::print("  outcome      {}\n", counts_line(s.total.outcome));
  fmt::print("  latency      p50 {} p90 {} p99 {} p99.9 {} max {}{}\n", format_duration(l.p50),
             format_duration(l.p90), format_duration(l.p99), format_duration(l.p999),
             format_duration(l.max), args.rate ? " (from each intended send time)" : "");
  if (!sink.last_error.empty()) fmt::print("  last error   {}\n", sink.last_error);
  if (overran) fmt::print("  stopped at the deadline with requests still open\n");
  return complete == s.total.requests && !overran ? kExitOk : kExitFailed;
}

}  // namespace badgateway
