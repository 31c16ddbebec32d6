#pragma once
#include <optional>
#include <string>
#include <vector>

#include "harness/nginx/tls_library.hpp"
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
  // What each stage of the phase took, in the order they ran: "run_dir" (made), "sandbox" (the
  // network namespace and network, resolver files), "upstreams" (bound), "nginx_t" (config
  // rendered and tested), "start" (fakes and nginx), "exercise" (requests, traffic, timeline),
  // "stop" (nginx and the fakes stopped, logs read), "verdict", "cleanup" (namespaces, run
  // directory removed). A stage that did not run is absent. Where a phase's fixed cost goes.
  std::vector<std::pair<std::string, Micros>> stages;
  std::string run_dir;  // when kept

  bool passed() const;
  // "502×2", "200,502", "error": what the summary table shows.
  std::string summary() const;
};

// timeout: the scenario overran its time limit (run --timeout) and was stopped. skipped: not run
// (the scenario's `skip`, `only` on others, or --fail-fast), which fails nothing.
enum class Verdict { pass, fail, error, timeout, skipped };

// The scenario as its file writes it, for reports that explain it (the HTML report): set by the
// runner from the loaded Scenario (run/about.hpp), empty in results made without one.
struct ScenarioAbout {
  std::string description;      // what it reproduces
  std::string teaches;          // the error-log line it teaches to recognise
  std::string directive;        // the directive that matters
  std::string fix_description;  // empty without a fix
  // One nginx setting either phase has ("nginx.location", "nginx.config"): as the broken and the
  // fixed phase have it, "" where a phase has none (a fix that adds a snippet).
  struct ConfigPart {
    std::string field;
    std::string broken;
    std::string fixed;
  };
  std::vector<ConfigPart> config;
  struct Fake {
    std::string phase;  // "broken", or "fixed" for one the fix replaces or adds
    std::string name;
    std::string protocol;   // "http", "fastcgi", "dns"
    std::string behaviour;  // "ok", "refuse", ...; a DNS fake's "dns"
    std::string listen;     // as the scenario places it: "127.0.0.1 (port: the kernel's)", ...
    std::vector<std::pair<std::string, std::string>> params;  // values as TOML writes them
  };
  std::vector<Fake> fakes;
};
std::string_view to_string(Verdict v);

struct ScenarioResult {
  std::string name;
  std::string cause;
  std::string file;
  std::string target;  // column title: the launcher's label, unique among the run's nginx
  std::string nginx_version;
  TlsLibrary tls_library;  // what that nginx runs with (`nginx -V`)
  // Planned but not (completely) run before the run was interrupted: only the names above and
  // has_fix are set; reports mark it, the summary table leaves it out.
  bool interrupted = false;
  bool has_fix = false;  // the scenario has a fix phase (also set when it ran)
  int repetition = 0;    // 1..N with run --repeat N > 1; 0 when each scenario runs once
  // Not run, and why; like `interrupted`, only the names above are set. Reports show it.
  std::optional<std::string> skipped;
  PhaseResult broken;
  std::optional<PhaseResult> fixed;
  Millis duration{0};
  ScenarioAbout about;

  Verdict verdict() const;
};

// The scenario as reports name it: "upstream-refused", or "upstream-refused #2" for the second
// of run --repeat N (so that testcase names stay unique and CI keeps every repetition).
std::string display_name(const ScenarioResult& r);

// A result's name, unique in a run: "upstream-refused [nginx 1.22.1 (local)]" (scenario and
// column; "upstream-refused #2 [...]" with --repeat). Reports key results by it.
std::string result_id(const ScenarioResult& r);

}  // namespace badgateway
