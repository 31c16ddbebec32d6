#pragma once
#include <optional>
#include <string>
#include <vector>

#include "harness/observe/observation.hpp"
#include "harness/verdict/verdict.hpp"

namespace badgateway {

struct PhaseResult {
  std::string phase;  // "broken" | "fixed"
  bool ran = false;
  std::optional<std::string> harness_error;  // environment or config problem, not a verdict
  bool timed_out = false;                    // stopped at the scenario's time limit
  std::vector<Check> checks;
  Observation observed;
  Millis duration{0};
  std::string run_dir;  // when kept

  bool passed() const;
  // "502×2", "200,502", "error": what the summary table shows.
  std::string summary() const;
};

// timeout: the scenario overran its time limit (run --timeout) and was stopped.
enum class Verdict { pass, fail, error, timeout };
std::string_view to_string(Verdict v);

struct ScenarioResult {
  std::string name;
  std::string cause;
  std::string file;
  std::string target;  // launcher label
  std::string nginx_version;
  PhaseResult broken;
  std::optional<PhaseResult> fixed;
  Millis duration{0};

  Verdict verdict() const;
};

}  // namespace badgateway
