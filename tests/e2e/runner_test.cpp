// The runner end to end on scenarios written inline: verdicts come from what nginx really did.
#include <doctest/doctest.h>

#include <filesystem>

#include "harness/nginx/local_launcher.hpp"
#include "harness/php/php_fpm.hpp"
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

// A rejected config keeps its run directory (for the report): tests remove what they caused.
void remove_kept(const ScenarioResult& r) {
  if (!r.broken.run_dir.empty()) std::filesystem::remove_all(r.broken.run_dir);
  if (r.fixed && !r.fixed->run_dir.empty()) std::filesystem::remove_all(r.fixed->run_dir);
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

// PHP-FPM's access log counts requests; nothing it writes counts connections, so the runner
// says unknown instead of a figure (once it reported connections = requests).
TEST_CASE("runner: a real PHP-FPM upstream counts requests, its connections are unknown") {
  if (PhpFpm::find_binary().empty()) {
    MESSAGE("php-fpm not installed: not checked");
    return;
  }
  LocalLauncher nginx;
  Scenario s = load_scenario_string(R"(
name = "t-php-counts"
description = "d"
cause = "php_fpm_not_running"
teaches = "t"
[fakes.php]
protocol = "fastcgi"
behaviour = "php_fpm"
listen = "unix"
[nginx]
location = """
include {{nginx.conf_dir}}/fastcgi_params;
fastcgi_param SCRIPT_FILENAME {{run_dir}}/www/index.php;
fastcgi_pass {{fakes.php}};
"""
[[requests]]
count = 2
[expect]
status = 200
generated_by = "upstream"
fakes.php.requests = 2
)",
                                    "inline.toml");
  ScenarioResult r = run_scenario(s, nginx, {});
  INFO(r.broken.harness_error.value_or(""));
  CHECK(r.verdict() == Verdict::pass);
  CHECK(r.broken.observed.fakes.at("php").requests == 2);
  CHECK_FALSE(r.broken.observed.fakes.at("php").connections.has_value());
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
  REQUIRE_FALSE(r.broken.run_dir.empty());
  remove_kept(r);
}

// Regression (issue 10, bug 6): the message named the rendered config (already deleted) and a
// line of it. It names the scenario file's line and keeps the rendered config.
TEST_CASE("runner: a config nginx rejects is reported at the scenario's line, config kept") {
  SUBCASE("a one-line snippet: the string's position") {
    std::string text = kRefused;
    text.replace(text.find("STATUS"), 6, "502");
    text.replace(text.find("proxy_pass http"), 10, "proxy_passs");
    LocalLauncher nginx;
    ScenarioResult r = run_scenario(load_scenario_string(text, "inline.toml"), nginx, {});
    REQUIRE(r.broken.harness_error);
    const std::string& message = *r.broken.harness_error;
    INFO(message);
    CHECK(message.starts_with("inline.toml:9:12: nginx.location: nginx -t rejected the config: "));
    CHECK(message.find("unknown directive \"proxy_passs\"") != std::string::npos);
    REQUIRE_FALSE(r.broken.run_dir.empty());
    const auto kept = std::filesystem::path(r.broken.run_dir) / "nginx.conf";
    CHECK(message.find("kept as " + kept.string()) != std::string::npos);
    CHECK(std::filesystem::is_regular_file(kept));
    remove_kept(r);
  }
  SUBCASE("a multi-line snippet: the snippet's own line") {
    std::string text = kRefused;
    text.replace(text.find("STATUS"), 6, "502");
    const std::string one_line = "location = \"proxy_pass http://{{fakes.app}};\"";
    text.replace(text.find(one_line), one_line.size(),
                 "location = \"\"\"\nproxy_set_header X-A 1;\n\n  proxy_passs "
                 "http://{{fakes.app}};\n\"\"\"");
    LocalLauncher nginx;
    ScenarioResult r = run_scenario(load_scenario_string(text, "inline.toml"), nginx, {});
    REQUIRE(r.broken.harness_error);
    INFO(*r.broken.harness_error);
    CHECK(r.broken.harness_error->starts_with("inline.toml:12:3: nginx.location: "));
    REQUIRE_FALSE(r.broken.run_dir.empty());
    remove_kept(r);
  }
}

// Regression (issue 10, bug 8): the error-log excerpt of a failed check started with nginx's
// line about the launcher's readiness probe ("client closed connection while waiting for
// request"), which is the harness's traffic, not the scenario's.
TEST_CASE("runner: the readiness probe's error-log lines are left out") {
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(with_status("504"), nginx, {});
  CHECK(r.verdict() == Verdict::fail);
  bool refused = false;
  for (const auto& line : r.broken.observed.error_log) {
    INFO(line);
    CHECK(line.find("while waiting for request") == std::string::npos);
    CHECK_FALSE(is_probe_log_line(line));
    refused = refused || line.find("Connection refused") != std::string::npos;
  }
  CHECK(refused);  // the scenario's own lines are all still there
}

// Regression (issue 10, bug 1): nginx answers `Expect: 100-continue` with an interim 100 before
// the final response; the client took the 100 as final (and nginx logged 499).
TEST_CASE("runner: an interim 100 Continue is recorded and the final response is the status") {
  std::string text = kRefused;
  text.replace(text.find("STATUS"), 6, "502");
  text.replace(text.find("[nginx]"), 7, R"([[requests]]
method = "POST"
headers = { Expect = "100-continue" }
body = "hello"
[nginx])");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(load_scenario_string(text, "inline.toml"), nginx, {});
  REQUIRE(r.fixed);
  CHECK(r.fixed->summary() == "200");
  REQUIRE(r.fixed->observed.responses.size() == 1);
  const Response& response = r.fixed->observed.responses[0];
  CHECK(response.status == 200);
  CHECK(response.outcome == Outcome::complete);
  CHECK(response.interim == std::vector<int>{100});
  REQUIRE(r.fixed->observed.access.count(response.request_id) == 1);
  CHECK(r.fixed->observed.access.at(response.request_id).status == 200);
}

// An outer server proxying to an inner one of the same nginx: both log the same request id.
constexpr const char* kSelfProxy = R"(
name = "t-self-proxy"
description = "d"
cause = "server_unavailable"
teaches = "t"
[nginx]
http = """
server {
    listen unix:{{run_dir}}/inner.sock;
    location / { return 502; }
}
"""
location = "proxy_pass http://unix:{{run_dir}}/inner.sock:;"
[expect]
status = 502
generated_by = "nginx"
upstream_attempts = 1
[fix]
description = "f"
nginx.http = """
server {
    listen unix:{{run_dir}}/inner.sock;
    location / { return 200 "ok"; }
}
"""
expect.generated_by = "nginx"
expect.upstream_attempts = 1
)";

TEST_CASE("runner: an nginx proxying to itself: only the harness's own server's log line counts") {
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(load_scenario_string(kSelfProxy, "inline.toml"), nginx, {});
  CHECK(r.verdict() == Verdict::pass);
  for (const PhaseResult* p : {&r.broken, &*r.fixed}) {
    REQUIRE(p->observed.responses.size() == 1);
    auto it = p->observed.access.find(p->observed.responses[0].request_id);
    REQUIRE(it != p->observed.access.end());
    // The inner server answered itself: its line says "-"; the outer one made one attempt.
    CHECK(it->second.upstream_status == (p == &r.broken ? "502" : "200"));
    CHECK(it->second.upstream_addr.starts_with("unix:"));
    CHECK(it->second.attempts() == 1);
  }
}

TEST_CASE("runner: elapsed time is kernel-timestamped, and not shorter than nginx's timeout") {
  constexpr const char* kStall = R"(
name = "t-stall"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.app]
behaviour = "stall"
[nginx]
location = "proxy_pass http://{{fakes.app}}; proxy_read_timeout 200ms;"
[expect]
status = 504
generated_by = "nginx"
elapsed = { min = "200ms" }
request_time = { min = "200ms" }
[fix]
description = "f"
fakes.app.behaviour = "ok"
)";
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(load_scenario_string(kStall, "inline.toml"), nginx, {});
  CHECK(r.verdict() == Verdict::pass);
  REQUIRE(r.broken.observed.responses.size() == 1);
  const Response& resp = r.broken.observed.responses[0];
  CHECK(resp.clock == "kernel");
  CHECK(resp.elapsed > Micros(199'000));
  auto it = r.broken.observed.access.find(resp.request_id);
  REQUIRE(it != r.broken.observed.access.end());
  CHECK(it->second.request_time >= 0.200);
  CHECK(it->second.upstream_header_time == "-");  // no header before the timeout
}

}  // namespace
}  // namespace badgateway
