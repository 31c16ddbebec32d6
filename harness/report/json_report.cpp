#include "harness/report/json_report.hpp"

#include <nlohmann/json.hpp>

#include <map>

#include "harness/client/traffic_summary.hpp"
#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

// Keys in the order written, so the report reads like the summary: name first, details last.
using Json = nlohmann::ordered_json;

// Every string that reaches the document: bytes from outside (logs, fakes) may be anything.
std::string text(std::string_view s) {
  return printable_utf8(s);
}

// A response's place in time, from the start of traffic (phases with a timeline or traffic).
void add_times(Json& out, const Response& r, const Observation& seen) {
  if (!seen.traffic_start) return;
  auto ms = [&](std::chrono::steady_clock::time_point t) {
    return static_cast<double>(
               std::chrono::duration_cast<Micros>(t - *seen.traffic_start).count()) /
           1000.0;
  };
  if (r.scheduled_at) out["scheduled_ms"] = ms(*r.scheduled_at);
  if (r.sent_at) out["sent_ms"] = ms(*r.sent_at);
  if (r.ended_at) out["ended_ms"] = ms(*r.ended_at);
}

Json response_json(const Response& r, const Observation& seen) {
  auto acc = seen.access.find(r.request_id);
  const bool logged = acc != seen.access.end();
  Json out = {
      {"request", text(r.method + " " + r.path)},
      {"status", r.status},
      {"outcome", to_string(r.outcome)},
      // No `none` here, unlike the check: docs/json-report.md.
      {"generated_by", to_string(r.fake.empty() ? GeneratedBy::nginx : GeneratedBy::upstream)},
      {"elapsed_ms", static_cast<double>(r.elapsed.count()) / 1000.0},
      {"elapsed_clock", text(r.clock)},
      {"body_bytes", r.body_bytes},
      {"upstream_status", text(logged ? acc->second.upstream_status : "")},
      {"request_time_ms", logged ? Json(acc->second.request_time * 1000.0) : Json(nullptr)}};
  if (!r.interim.empty()) out["interim"] = r.interim;
  add_times(out, r, seen);
  if (seen.traffic_start && logged && !acc->second.upstream_addr.empty()) {
    out["upstream_addr"] = text(acc->second.upstream_addr);
  }
  return out;
}

Json timeline_json(const Observation& seen) {
  auto ms = [](Micros t) { return static_cast<double>(t.count()) / 1000.0; };
  Json out = Json::array();
  for (const auto& e : seen.timeline) {
    Json j = {{"label", text(e.label)},
              {"action", text(e.action)},
              {"target", text(e.target)},
              {"scheduled_ms", ms(e.scheduled)},
              {"happened_ms", e.happened ? Json(ms(*e.happened)) : Json(nullptr)},
              {"done_ms", e.done ? Json(ms(*e.done)) : Json(nullptr)}};
    if (!e.error.empty()) j["error"] = text(e.error);
    out.push_back(std::move(j));
  }
  return out;
}

// Each DNS fake's queries: counts by name and type, and (with a start of traffic to measure
// from) each query with its time, the first kDnsQueriesListed.
constexpr std::size_t kDnsQueriesListed = 1000;

Json dns_json(const Observation& seen) {
  Json out = Json::object();
  for (const auto& [fake, counts] : seen.fakes) {
    if (!counts.dns) continue;
    std::map<std::string, std::map<std::string, std::uint64_t>> by_name;
    for (const auto& q : counts.queries) ++by_name[q.name][q.type];
    Json names = Json::object();
    for (const auto& [name, types] : by_name) {
      Json t = Json::object();
      for (const auto& [type, n] : types) t[text(type)] = n;
      names[text(name)] = std::move(t);
    }
    Json entry = {{"counts", std::move(names)}};
    if (seen.traffic_start) {
      Json list = Json::array();
      for (const auto& q : counts.queries) {
        if (list.size() == kDnsQueriesListed) break;
        list.push_back(
            {{"name", text(q.name)},
             {"type", text(q.type)},
             {"transport", q.tcp ? "tcp" : "udp"},
             {"at_ms", static_cast<double>(
                           std::chrono::duration_cast<Micros>(q.at - *seen.traffic_start).count()) /
                           1000.0}});
      }
      entry["queries"] = std::move(list);
      if (counts.queries.size() > kDnsQueriesListed)
        entry["queries_left_out"] = counts.queries.size() - kDnsQueriesListed;
    }
    out[text(fake)] = std::move(entry);
  }
  return out;
}

Json counts_json(const TrafficCounts& c) {
  Json status = Json::object();
  for (const auto& [code, n] : c.status) status[std::to_string(code)] = n;
  Json outcome = Json::object();
  for (const auto& [name, n] : c.outcome) outcome[name] = n;
  return {{"requests", c.requests}, {"status", std::move(status)}, {"outcome", std::move(outcome)}};
}

// [[traffic]] as a whole: latency percentiles, counts, and the counts per second.
Json traffic_summary_json(const TrafficSummary& s) {
  auto ms = [](Micros t) { return static_cast<double>(t.count()) / 1000.0; };
  const LatencySummary l = summarize(s.latency);
  Json out = counts_json(s.total);
  out["connections"] = s.connections;
  out["latency_ms"] = {{"count", l.count}, {"p50", ms(l.p50)},    {"p90", ms(l.p90)},
                       {"p99", ms(l.p99)}, {"p99.9", ms(l.p999)}, {"max", ms(l.max)}};
  Json seconds = Json::array();
  for (std::size_t k = 0; k < s.per_second.size(); ++k) {
    Json one = {{"second", k}};
    one.update(counts_json(s.per_second[k]));
    seconds.push_back(std::move(one));
  }
  out["per_second"] = std::move(seconds);
  return out;
}

Json phase_json(const PhaseResult& p) {
  Json out = {{"phase", text(p.phase)},
              {"passed", p.passed()},
              {"duration_ms", p.duration.count()},
              {"summary", text(p.summary())}};
  if (p.harness_error) out["harness_error"] = text(*p.harness_error);
  if (p.timed_out) out["timed_out"] = true;
  if (!p.run_dir.empty()) out["run_dir"] = text(p.run_dir);
  if (!p.stages.empty()) {
    Json stages = Json::object();
    for (const auto& [name, took] : p.stages) stages[name] = took.count();
    out["stages_us"] = std::move(stages);
  }
  Json responses = Json::array();
  for (const auto& r : p.observed.responses) responses.push_back(response_json(r, p.observed));
  out["responses"] = std::move(responses);
  if (p.observed.traffic_start) {
    Json traffic = Json::array();
    for (const auto& r : p.observed.traffic) {
      Json j = response_json(r, p.observed);
      if (r.mix_entry) j["mix_entry"] = *r.mix_entry;
      j["new_connection"] = r.connected;
      traffic.push_back(std::move(j));
    }
    out["traffic"] = std::move(traffic);
    if (!p.observed.traffic.empty()) {
      out["traffic_summary"] =
          traffic_summary_json(summarize_traffic(p.observed.traffic, *p.observed.traffic_start));
    }
    out["timeline"] = timeline_json(p.observed);
  }
  if (Json dns = dns_json(p.observed); !dns.empty()) out["dns"] = std::move(dns);
  Json checks = Json::array();
  for (const auto& c : p.checks) {
    checks.push_back({{"kind", text(to_string(c.kind))},
                      {"subject", text(c.subject)},
                      {"expected", text(c.expected)},
                      {"actual", text(c.actual)},
                      {"passed", c.passed}});
  }
  out["checks"] = std::move(checks);
  Json log = Json::array();
  for (const auto& line : p.observed.error_log) log.push_back(text(line));
  out["error_log"] = std::move(log);
  return out;
}

}  // namespace

std::string json_report(const std::vector<ScenarioResult>& results, Millis wall_time,
                        const RunInfo& run) {
  std::size_t passed = 0, finished = 0, skipped = 0;
  for (const auto& r : results) {
    if (r.interrupted) continue;
    if (r.skipped) {
      ++skipped;
      continue;
    }
    ++finished;
    passed += r.verdict() == Verdict::pass;
  }
  Json scenarios = Json::array();
  for (const auto& r : results) {
    Json s = {{"id", text(result_id(r))}, {"name", text(r.name)},
              {"cause", text(r.cause)},   {"file", text(r.file)},
              {"nginx", text(r.target)},  {"nginx_version", text(r.nginx_version)}};
    if (!r.tls_library.text.empty()) s["tls_library"] = text(r.tls_library.text);
    if (r.tls_library.openssl) s["openssl_version"] = r.tls_library.openssl->str();
    if (r.repetition > 0) s["repetition"] = r.repetition;
    s["status"] = r.interrupted ? "interrupted" : r.skipped ? "skipped" : "finished";
    if (r.skipped) {
      s["skip_reason"] = text(*r.skipped);
    } else if (!r.interrupted) {
      s["verdict"] = text(to_string(r.verdict()));
      s["duration_ms"] = r.duration.count();
      s["broken"] = phase_json(r.broken);
      if (r.fixed) s["fixed"] = phase_json(*r.fixed);
    }
    scenarios.push_back(std::move(s));
  }
  Json report = {{"tool", "badgateway"},
                 {"version", BADGATEWAY_VERSION},
                 {"wall_time_ms", wall_time.count()},
                 {"total", results.size()},
                 {"finished", finished},
                 {"interrupted", results.size() - finished - skipped},
                 {"skipped", skipped},
                 {"passed", passed}};
  if (run.seed) report["seed"] = *run.seed;
  if (run.shard) report["shard"] = text(*run.shard);
  if (run.repeat > 1) report["repeat"] = run.repeat;
  if (run.fail_fast) report["fail_fast"] = true;
  report["scenarios"] = std::move(scenarios);
  // Every string went through text(); `replace` is the safety net that keeps a report from ever
  // failing half-way (U+FFFD rather than an exception).
  return report.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace badgateway
