#include "harness/report/junit_report.hpp"

#include <map>

#include <fmt/format.h>

#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

// "upstream-refused (broken) [nginx 1.22.1 (local)]": scenario, phase and column, so every
// testcase is unique across columns (GitLab and Jenkins key test history by classname + name).
std::string case_open(const ScenarioResult& r, std::string_view phase, double seconds) {
  return fmt::format(
      "    <testcase classname=\"badgateway.{}\" name=\"{} ({}) [{}]\" time=\"{:.3f}\">\n",
      xml_escape(r.cause), xml_escape(display_name(r)), xml_escape(phase), xml_escape(r.target),
      seconds);
}

std::string testcase(const ScenarioResult& r, const PhaseResult& p) {
  std::string out = case_open(r, p.phase, static_cast<double>(p.duration.count()) / 1000.0);
  if (p.harness_error) {
    out += fmt::format("      <error message=\"{}\"/>\n", xml_escape(*p.harness_error));
  } else if (p.timed_out) {
    out += fmt::format("      <failure message=\"{}\"/>\n",
                       xml_escape("stopped at the scenario's time limit (run --timeout)"));
  } else {
    std::string details;
    std::string first;
    for (const auto& c : p.checks) {
      if (c.passed) continue;
      std::string line = fmt::format("{}: expected {}, got {}", c.subject, c.expected, c.actual);
      if (first.empty()) first = line;
      details += line + "\n";
    }
    if (!first.empty()) {
      out += fmt::format("      <failure message=\"{}\">{}</failure>\n", xml_escape(first),
                         xml_escape(details));
    }
  }
  std::string log;
  for (const auto& l : p.observed.error_log) log += l + "\n";
  if (!log.empty()) out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(log));
  out += "    </testcase>\n";
  return out;
}

// A phase that never ran: skipped, which CI shows as not run (neither passed nor failed). Either
// the run was stopped (the interrupted job itself is what fails) or it was skipped on purpose.
std::string skipped_testcase(const ScenarioResult& r, std::string_view phase) {
  const std::string why =
      r.skipped ? *r.skipped : "interrupted: badgateway was stopped before this ran";
  return case_open(r, phase, 0) +
         fmt::format("      <skipped message=\"{}\"/>\n", xml_escape(why)) + "    </testcase>\n";
}

}  // namespace

std::string junit_report(const std::vector<ScenarioResult>& results) {
  std::map<std::string, std::vector<const ScenarioResult*>> by_target;
  for (const auto& r : results) by_target[r.target].push_back(&r);
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"badgateway\">\n";
  for (const auto& [target, rs] : by_target) {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
    std::string cases;
    for (const auto* r : rs) {
      if (r->interrupted || r->skipped) {
        for (std::string_view phase : {"broken", "fixed"}) {
          if (phase == "fixed" && !r->has_fix) continue;
          ++tests;
          ++skipped;
          cases += skipped_testcase(*r, phase);
        }
        continue;
      }
      for (const PhaseResult* p : {&r->broken, r->fixed ? &*r->fixed : nullptr}) {
        if (!p) continue;
        ++tests;
        if (p->harness_error)
          ++errors;
        else if (!p->passed())
          ++failures;
        time += static_cast<double>(p->duration.count()) / 1000.0;
        cases += testcase(*r, *p);
      }
    }
    out += fmt::format(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
        "time=\"{:.3f}\">\n",
        xml_escape(target), tests, failures, errors, skipped, time);
    out += cases;
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace badgateway
