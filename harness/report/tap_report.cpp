#include "harness/report/tap_report.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

// A test point's description or a directive's reason: one line, and a '#' that would start a
// directive escaped as TAP says ("\#").
std::string tap_text(std::string_view s) {
  std::string out;
  for (char c : printable_utf8(s)) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '#' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

// A YAML scalar: a JSON string is a YAML double-quoted scalar.
std::string yaml(std::string_view s) {
  return nlohmann::json(printable_utf8(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The YAML diagnostic of a run that did not pass: what went wrong in each phase.
std::string diagnostic(const ScenarioResult& r) {
  std::string out = "  ---\n";
  out += fmt::format("  verdict: {}\n", yaml(to_string(r.verdict())));
  out += fmt::format("  file: {}\n", yaml(r.file));
  std::string failed;
  for (const PhaseResult* p : {&r.broken, r.fixed ? &*r.fixed : nullptr}) {
    if (!p) continue;
    if (p->harness_error) {
      out += fmt::format("  {}_error: {}\n", p->phase, yaml(*p->harness_error));
    }
    if (p->timed_out) {
      out += fmt::format("  {}_timeout: {}\n", p->phase,
                         yaml("stopped at the scenario's time limit (run --timeout)"));
    }
    for (const auto& c : p->checks) {
      if (c.passed) continue;
      failed +=
          fmt::format("    - phase: {}\n      check: {}\n      expected: {}\n      seen: {}\n",
                      yaml(p->phase), yaml(c.subject), yaml(c.expected), yaml(c.actual));
    }
  }
  if (!failed.empty()) out += "  failed:\n" + failed;
  out += "  ...\n";
  return out;
}

}  // namespace

std::string tap_report(const std::vector<ScenarioResult>& results) {
  std::string out = fmt::format("TAP version 13\n1..{}\n", results.size());
  std::size_t n = 0;
  for (const auto& r : results) {
    ++n;
    const std::string name = tap_text(result_id(r));
    if (r.interrupted || r.skipped) {
      const std::string why =
          r.skipped ? *r.skipped : "interrupted: badgateway was stopped before this ran";
      out += fmt::format("ok {} - {} # SKIP {}\n", n, name, tap_text(why));
      continue;
    }
    if (r.verdict() == Verdict::pass) {
      out += fmt::format("ok {} - {}\n", n, name);
    } else {
      out += fmt::format("not ok {} - {}\n", n, name);
      out += diagnostic(r);
    }
  }
  return out;
}

}  // namespace badgateway
