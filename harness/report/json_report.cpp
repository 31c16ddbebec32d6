#include "harness/report/json_report.hpp"

#include <fmt/format.h>

#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

std::string q(std::string_view s) {
  return fmt::format("\"{}\"", json_escape(s));
}

std::string phase_json(const PhaseResult& p) {
  std::string out =
      fmt::format("{{\"phase\":{},\"passed\":{},\"duration_ms\":{},\"summary\":{}", q(p.phase),
                  p.passed() ? "true" : "false", p.duration.count(), q(p.summary()));
  if (p.harness_error) out += fmt::format(",\"harness_error\":{}", q(*p.harness_error));
  if (p.timed_out) out += ",\"timed_out\":true";
  if (!p.run_dir.empty()) out += fmt::format(",\"run_dir\":{}", q(p.run_dir));
  out += ",\"responses\":[";
  for (std::size_t i = 0; i < p.observed.responses.size(); ++i) {
    const auto& r = p.observed.responses[i];
    auto acc = p.observed.access.find(r.request_id);
    out += fmt::format(
        "{}{{\"request\":{},\"status\":{},\"outcome\":{},\"generated_by\":{},\"elapsed_ms\":{},"
        "\"elapsed_clock\":{},\"body_bytes\":{},\"upstream_status\":{},\"request_time_ms\":{}}}",
        i ? "," : "", q(r.method + " " + r.path), r.status, q(r.outcome),
        q(r.fake.empty() ? "nginx" : "upstream"), static_cast<double>(r.elapsed.count()) / 1000.0,
        q(r.clock), r.body_bytes,
        q(acc == p.observed.access.end() ? "" : acc->second.upstream_status),
        acc == p.observed.access.end() ? std::string("null")
                                       : fmt::format("{}", acc->second.request_time * 1000.0));
  }
  out += "],\"checks\":[";
  for (std::size_t i = 0; i < p.checks.size(); ++i) {
    const auto& c = p.checks[i];
    out +=
        fmt::format("{}{{\"kind\":{},\"subject\":{},\"expected\":{},\"actual\":{},\"passed\":{}}}",
                    i ? "," : "", q(to_string(c.kind)), q(c.subject), q(c.expected), q(c.actual),
                    c.passed ? "true" : "false");
  }
  out += "],\"error_log\":[";
  for (std::size_t i = 0; i < p.observed.error_log.size(); ++i) {
    out += (i ? "," : "") + q(p.observed.error_log[i]);
  }
  out += "]}";
  return out;
}

}  // namespace

std::string json_report(const std::vector<ScenarioResult>& results, Millis wall_time) {
  std::size_t passed = 0;
  for (const auto& r : results) passed += r.verdict() == Verdict::pass;
  std::string out = fmt::format(
      "{{\"tool\":\"badgateway\",\"version\":{},\"wall_time_ms\":{},\"total\":{},"
      "\"passed\":{},\"scenarios\":[",
      q(BADGATEWAY_VERSION), wall_time.count(), results.size(), passed);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    out += fmt::format(
        "{}{{\"name\":{},\"cause\":{},\"file\":{},\"nginx\":{},\"nginx_version\":{},"
        "\"verdict\":{},\"duration_ms\":{},\"broken\":{}",
        i ? "," : "", q(r.name), q(r.cause), q(r.file), q(r.target), q(r.nginx_version),
        q(to_string(r.verdict())), r.duration.count(), phase_json(r.broken));
    if (r.fixed) out += ",\"fixed\":" + phase_json(*r.fixed);
    out += "}";
  }
  out += "]}\n";
  return out;
}

}  // namespace badgateway
