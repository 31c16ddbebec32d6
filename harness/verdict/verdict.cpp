#include "harness/verdict/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "harness/regex/regex.hpp"

namespace badgateway {
namespace {

// A value for all responses, or one per response.
template <typename T>
const T& nth(const std::vector<T>& values, std::size_t i) {
  return values.size() == 1 ? values[0] : values[i];
}

template <typename T, typename Get>
Check per_response(CheckKind kind, std::string subject, const std::vector<T>& expected,
                   const std::vector<Response>& responses, Get get) {
  Check c{kind, std::move(subject), {}, {}, true};
  std::vector<std::string> want, got;
  for (std::size_t i = 0; i < responses.size(); ++i) {
    auto e = fmt::format("{}", nth(expected, i));
    auto a = fmt::format("{}", get(responses[i]));
    if (e != a) c.passed = false;
    want.push_back(e);
    got.push_back(a);
  }
  bool uniform_want =
      std::adjacent_find(want.begin(), want.end(), std::not_equal_to<>()) == want.end();
  c.expected = uniform_want && !want.empty() ? want[0] : fmt::format("{}", fmt::join(want, ", "));
  c.actual = fmt::format("{}", fmt::join(got, ", "));
  return c;
}

std::string_view origin_of(const Response& r) {
  if (r.status == 0) return to_string(GeneratedBy::none);
  return to_string(r.fake.empty() ? GeneratedBy::nginx : GeneratedBy::upstream);
}

template <typename Enum>
std::vector<std::string_view> names(const std::vector<Enum>& values) {
  std::vector<std::string_view> out;
  for (Enum v : values) out.push_back(to_string(v));
  return out;
}

void check_log(const Expectation& e, const Observation& seen, std::vector<Check>& out) {
  // The first line the pattern matches, or why matching failed (a PCRE2 limit: the pattern
  // backtracks too much on some line). Patterns were compiled once at load time already.
  struct Found {
    const std::string* line = nullptr;
    std::optional<std::string> error;
  };
  auto first_match = [&](const std::string& pattern) -> Found {
    try {
      Regex re(pattern);
      for (const auto& line : seen.error_log) {
        if (re.search(line)) return {&line, std::nullopt};
      }
    } catch (const RegexError& err) {
      return {nullptr, std::string(err.what())};
    }
    return {};
  };
  for (const auto& pattern : e.error_log.value_or(std::vector<std::string>{})) {
    Found f = first_match(pattern);
    out.push_back({CheckKind::error_log, fmt::format("error_log /{}/", pattern), "a matching line",
                   f.error  ? *f.error
                   : f.line ? *f.line
                            : fmt::format("no match in {} lines", seen.error_log.size()),
                   f.line != nullptr});
  }
  // The default bans ([alert], [emerg]) spare the lines an expected error_log pattern names: a
  // scenario may expect "[alert] ... worker_connections are not enough", or the [emerg] of a
  // config nginx rejects, and only that line.
  std::vector<std::unique_ptr<Regex>> expected;
  for (const auto& p : e.error_log.value_or(std::vector<std::string>{})) {
    try {
      expected.push_back(std::make_unique<Regex>(p));
    } catch (const RegexError&) {  // its own error_log check has failed already
    }
  }
  auto named = [&](const std::string& line) {
    return std::any_of(expected.begin(), expected.end(), [&](const auto& re) {
      try {
        return re->search(line);
      } catch (const RegexError&) {
        return false;
      }
    });
  };
  auto first_unnamed_match = [&](const std::string& pattern) -> Found {
    try {
      Regex re(pattern);
      for (const auto& line : seen.error_log) {
        if (re.search(line) && !named(line)) return {&line, std::nullopt};
      }
    } catch (const RegexError& err) {
      return {nullptr, std::string(err.what())};
    }
    return {};
  };
  std::vector<std::string> forbidden = kDefaultNoErrorLog;
  for (const auto& p : e.no_error_log.value_or(std::vector<std::string>{})) forbidden.push_back(p);
  for (std::size_t i = 0; i < forbidden.size(); ++i) {
    const std::string& pattern = forbidden[i];
    Found f = i < kDefaultNoErrorLog.size() ? first_unnamed_match(pattern) : first_match(pattern);
    out.push_back({CheckKind::no_error_log, fmt::format("no_error_log /{}/", pattern),
                   "no matching line",
                   f.error  ? *f.error
                   : f.line ? *f.line
                            : "none",
                   f.line == nullptr && !f.error});
  }
}

}  // namespace

std::string_view to_string(CheckKind kind) {
  switch (kind) {
    case CheckKind::status:
      return "status";
    case CheckKind::generated_by:
      return "generated_by";
    case CheckKind::outcome:
      return "outcome";
    case CheckKind::error_log:
      return "error_log";
    case CheckKind::no_error_log:
      return "no_error_log";
    case CheckKind::elapsed:
      return "elapsed";
    case CheckKind::request_time:
      return "request_time";
    case CheckKind::fake_count:
      return "fake_count";
    case CheckKind::upstream_attempts:
      return "upstream_attempts";
    case CheckKind::nginx:
      return "nginx";
    case CheckKind::nginx_crashed:
      return "nginx_crashed";
    case CheckKind::timeline:
      return "timeline";
    case CheckKind::window:
      return "window";
  }
  return "?";
}

namespace {

// status, status_counts, status_in and interim: what the client got.
void check_status(const Expectation& e, const Observation& seen, std::vector<Check>& out) {
  const auto& rs = seen.responses;
  if (e.status) {
    out.push_back(per_response(CheckKind::status, "status", *e.status, rs,
                               [](const Response& r) { return r.status; }));
  }
  if (e.status_counts) {
    std::map<int, int> got;
    for (const auto& r : rs) ++got[r.status];
    auto show = [](const std::map<int, int>& m) {
      std::vector<std::string> parts;
      for (const auto& [code, n] : m) {
        if (n) parts.push_back(fmt::format("{}x{}", code, n));
      }
      return fmt::format("{}", fmt::join(parts, ", "));
    };
    out.push_back({CheckKind::status, "status_counts", show(*e.status_counts), show(got),
                   show(*e.status_counts) == show(got)});
  }
  if (e.status_in) {
    std::vector<std::string> got;
    bool ok = true;
    for (const auto& r : rs) {
      ok =
          ok && std::find(e.status_in->begin(), e.status_in->end(), r.status) != e.status_in->end();
      got.push_back(std::to_string(r.status));
    }
    out.push_back({CheckKind::status, "status_in",
                   fmt::format("each in {{{}}}", fmt::join(*e.status_in, ", ")),
                   fmt::format("{}", fmt::join(got, ", ")), ok});
  }
  if (e.interim) {
    const std::string want = fmt::format("[{}]", fmt::join(*e.interim, ", "));
    std::vector<std::string> got;
    bool ok = true;
    for (const auto& r : rs) {
      got.push_back(fmt::format("[{}]", fmt::join(r.interim, ", ")));
      ok = ok && got.back() == want;
    }
    out.push_back({CheckKind::status, "interim", fmt::format("each {}", want),
                   fmt::format("{}", fmt::join(got, ", ")), ok});
  }
}

// outcome, generated_by and upstream_attempts, each per response or one for all.
void check_per_response(const Expectation& e, const Observation& seen, std::vector<Check>& out) {
  const auto& rs = seen.responses;
  if (e.outcome) {
    out.push_back(per_response(CheckKind::outcome, "outcome", names(*e.outcome), rs,
                               [](const Response& r) { return to_string(r.outcome); }));
  }
  if (e.generated_by) {
    out.push_back(per_response(CheckKind::generated_by, "generated_by", names(*e.generated_by), rs,
                               origin_of));
  }
  if (e.upstream_attempts) {
    out.push_back(per_response(CheckKind::upstream_attempts, "upstream_attempts",
                               *e.upstream_attempts, rs, [&](const Response& r) {
                                 auto it = seen.access.find(r.request_id);
                                 return it == seen.access.end() ? -1 : it->second.attempts();
                               }));
  }
}

void check_elapsed(const Expectation& e, const Observation& seen, std::vector<Check>& out) {
  const auto& rs = seen.responses;
  if (e.elapsed) {
    // nginx arms timers on its cached clock, truncated to whole milliseconds and taken when the
    // event loop woke, no earlier than the request's first byte arrived: a timeout can end up to
    // (not including) 1 ms before the client's clock says it is due. A lower bound allows that.
    Check c{CheckKind::elapsed, "elapsed", {}, {}, true};
    c.expected =
        fmt::format("{}..{}", e.elapsed->min ? format_duration(*e.elapsed->min) + "-1ms" : "0",
                    e.elapsed->max ? format_duration(*e.elapsed->max) : "inf");
    std::vector<std::string> got;
    for (const auto& r : rs) {
      if ((e.elapsed->min && r.elapsed <= *e.elapsed->min - kNginxTimerGranularity) ||
          (e.elapsed->max && r.elapsed > *e.elapsed->max)) {
        c.passed = false;
      }
      got.push_back(format_duration(r.elapsed));
    }
    c.actual = fmt::format("{}", fmt::join(got, ", "));
    out.push_back(c);
  }
}

void check_request_time(const Expectation& e, const Observation& seen, std::vector<Check>& out) {
  const auto& rs = seen.responses;
  if (e.request_time) {
    // $request_time is taken from nginx's cached wall-clock milliseconds, its timers from the
    // cached monotonic milliseconds: each is truncated on its own, so a 200 ms timeout can log
    // 0.199 (seen under load in CI). Lower bounds allow that 1 ms, as the elapsed check does.
    Check c{CheckKind::request_time, "request_time", {}, {}, true};
    c.expected = fmt::format(
        "{}..{}", e.request_time->min ? format_duration(*e.request_time->min) + "-1ms" : "0",
        e.request_time->max ? format_duration(*e.request_time->max) : "inf");
    std::vector<std::string> got;
    for (const auto& r : rs) {
      auto it = seen.access.find(r.request_id);
      if (it == seen.access.end()) {
        c.passed = false;
        got.push_back("no access-log line");
        continue;
      }
      auto t = Millis(std::llround(it->second.request_time * 1000.0));
      if ((e.request_time->min && t < *e.request_time->min - Millis(1)) ||
          (e.request_time->max && t > *e.request_time->max)) {
        c.passed = false;
      }
      got.push_back(format_duration(t));
    }
    c.actual = fmt::format("{}", fmt::join(got, ", "));
    out.push_back(c);
  }
}

std::string count_bound_text(const CountBound& b) {
  if (b.min && b.max && *b.min == *b.max) return fmt::format("{}", *b.min);
  return fmt::format("{}..{}", b.min ? fmt::format("{}", *b.min) : "0",
                     b.max ? fmt::format("{}", *b.max) : "");
}

// expect.fakes.NAME.queries: a DNS fake's queries for a name ("app.test") or a name and type
// ("app.test AAAA"). With traffic, `actual` also says when they came (from the start of
// traffic), which is what tells "asked again after valid=" from "asked once".
void check_query_counts(const std::string& fake, const FakeCounts& counts,
                        const UpstreamCounts& stats, const Observation& seen,
                        std::vector<Check>& out) {
  constexpr std::size_t kTimesShown = 8;
  for (const auto& entry : counts.queries) {
    const std::string& key = entry.first;
    const CountBound& bound = entry.second;
    const std::size_t space = key.find(' ');
    const std::string name = key.substr(0, space);
    const std::string type = space == key.npos ? "" : key.substr(space + 1);
    std::int64_t n = 0;
    std::vector<std::string> times;
    for (const DnsQuery& q : stats.queries) {
      if (q.name != name || (!type.empty() && q.type != type)) continue;
      ++n;
      if (seen.traffic_start && times.size() < kTimesShown) {
        times.push_back(
            format_duration(std::chrono::duration_cast<Millis>(q.at - *seen.traffic_start)));
      }
    }
    std::string actual = fmt::format("{}", n);
    if (!times.empty()) {
      actual += fmt::format(" (at {}{} from the start of traffic)", fmt::join(times, ", "),
                            n > static_cast<std::int64_t>(times.size()) ? ", ..." : "");
    }
    out.push_back({CheckKind::fake_count, fmt::format("fakes.{}.queries.\"{}\"", fake, key),
                   count_bound_text(bound), std::move(actual),
                   (!bound.min || n >= *bound.min) && (!bound.max || n <= *bound.max)});
  }
}

// expect.fakes.NAME.connections and .requests against the endpoints' counters.
void check_fake_counts(const Expectation& e, const Observation& seen, std::vector<Check>& out) {
  // Not a structured binding: clang 14 (the sanitizer and fuzz builds) cannot capture one.
  for (const auto& entry : e.fakes) {
    const std::string& name = entry.first;
    const FakeCounts& counts = entry.second;
    auto it = seen.fakes.find(name);
    UpstreamCounts stats{0, 0};
    if (it != seen.fakes.end()) stats = it->second;
    auto add = [&](const char* what, std::optional<std::int64_t> want,
                   std::optional<std::uint64_t> got) {
      if (!want) return;
      // Unknown is no number that happens to differ: the check fails and says so.
      out.push_back({CheckKind::fake_count, fmt::format("fakes.{}.{}", name, what),
                     fmt::format("{}", *want),
                     got ? fmt::format("{}", *got) : "unknown (this upstream does not count them)",
                     got && static_cast<std::uint64_t>(*want) == *got});
    };
    add("connections", counts.connections, stats.connections);
    if (const auto& b = counts.connections_range) {
      const auto got = stats.connections;
      const auto n = got ? static_cast<std::int64_t>(*got) : 0;
      out.push_back({CheckKind::fake_count, fmt::format("fakes.{}.connections", name),
                     count_bound_text(*b),
                     got ? fmt::format("{}", *got) : "unknown (this upstream does not count them)",
                     got && (!b->min || n >= *b->min) && (!b->max || n <= *b->max)});
    }
    add("requests", counts.requests, stats.requests);
    check_query_counts(name, counts, stats, seen, out);
  }
}

}  // namespace

std::vector<Check> judge(const Expectation& e, const Observation& seen) {
  std::vector<Check> out;
  const NginxOutcome expected = e.nginx.value_or(NginxOutcome::runs);
  if (e.nginx || seen.nginx != NginxOutcome::runs) {
    out.push_back({CheckKind::nginx, "nginx", std::string(to_string(expected)),
                   std::string(to_string(seen.nginx)), expected == seen.nginx});
  }
  if (seen.nginx != NginxOutcome::runs || expected != NginxOutcome::runs) {
    // No requests went out (or none were meant to): what nginx printed is what there is to judge.
    check_fake_counts(e, seen, out);
    check_log(e, seen, out);
    return out;
  }
  out.push_back({CheckKind::nginx_crashed, "nginx running", "running until stopped",
                 seen.nginx_exit.value_or("running"), !seen.nginx_exit});
  check_status(e, seen, out);
  check_per_response(e, seen, out);
  check_elapsed(e, seen, out);
  check_request_time(e, seen, out);
  check_fake_counts(e, seen, out);
  check_log(e, seen, out);
  return out;
}

}  // namespace badgateway
