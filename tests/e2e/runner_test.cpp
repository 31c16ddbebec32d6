// The runner end to end on scenarios written inline: verdicts come from what nginx really did.
#include <doctest/doctest.h>

#include "harness/nginx/local_launcher.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

constexpr const char* kRefused = R"(
name = "t-refused"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.app]
behaviour = "refuse"
[nginx]
location = "proxy_pass http://{{fakes.app}};"
[expect]
status = STATUS
generated_by = "nginx"
error_log = 'Connection refused'
[fix]
description = "f"
fakes.app.behaviour = "ok"
expect.fakes.app.requests = 1
)";

Scenario with_status(const std::string& status) {
  std::string text = kRefused;
  text.replace(text.find("STATUS"), 6, status);
  return load_scenario_string(text, "inline.toml");
}

TEST_CASE("runner: a matching scenario passes both phases") {
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(with_status("502"), nginx, {});
  CHECK(r.verdict() == Verdict::pass);
  REQUIRE(r.fixed);
  CHECK(r.broken.summary() == "502");
  CHECK(r.fixed->summary() == "200");
  CHECK(r.fixed->observed.fakes.at("app").requests == 1);
}

TEST_CASE("runner: a wrong expectation fails with expected and actual values") {
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(with_status("504"), nginx, {});
  CHECK(r.verdict() == Verdict::fail);
  bool found = false;
  for (const auto& c : r.broken.checks) {
    if (c.kind == CheckKind::status) {
      found = true;
      CHECK_FALSE(c.passed);
      CHECK(c.expected == "504");
      CHECK(c.actual == "502");
    }
  }
  CHECK(found);
  CHECK(r.fixed->passed());
}

TEST_CASE("runner: a config nginx rejects is a harness error, not a failure") {
  std::string text = kRefused;
  text.replace(text.find("STATUS"), 6, "502");
  text.replace(text.find("proxy_pass http"), 10, "proxy_passs");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(load_scenario_string(text, "inline.toml"), nginx, {});
  CHECK(r.verdict() == Verdict::error);
  REQUIRE(r.broken.harness_error);
  CHECK(r.broken.harness_error->find("unknown directive") != std::string::npos);
}

}  // namespace
}  // namespace badgateway
