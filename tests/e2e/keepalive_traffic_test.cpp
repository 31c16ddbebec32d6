// Keep-alive [[traffic]] against the real nginx: the client reuses its connections to nginx, and
// nginx its upstream connections (keepalive in upstream {}), so the fake counts fewer connections
// than requests; a request mix and the window's latency checks go through the whole run.
#include <doctest/doctest.h>

#include "harness/nginx/local_launcher.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

std::string failed_checks(const PhaseResult& p) {
  std::string out;
  for (const auto& c : p.checks) {
    if (!c.passed) out += c.subject + ": expected " + c.expected + ", got " + c.actual + "\n";
  }
  return out + p.harness_error.value_or("");
}

TEST_CASE("keep-alive traffic: connections reused end to end, a mix, latency percentiles") {
  Scenario s = load_scenario_string(R"(
name = "t-keepalive"
description = "d"
cause = "high_load"
teaches = "t"
[fakes.app]
behaviour = "ok"
[nginx]
http = "upstream backend { server {{fakes.app}}; keepalive 16; }"
location = """
proxy_pass http://backend;
proxy_http_version 1.1;
proxy_set_header Connection "";
"""
[[traffic]]
clients = 2
keepalive = true
duration = "500ms"
mix = [ { path = "/a", weight = 3 }, { method = "POST", path = "/b", body_size = "4k" } ]
[expect]
[[expect.window]]
responses = { min = 8 }
count.failure = 0
latency.p99 = { max = "10s" }
latency.p50 = { max = "10s" }
)",
                                    "inline.toml");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(s, nginx, {});
  INFO(failed_checks(r.broken));
  CHECK(r.verdict() == Verdict::pass);
  const Observation& seen = r.broken.observed;
  REQUIRE(seen.traffic.size() >= 8);
  std::size_t connected = 0, posts = 0;
  for (const auto& resp : seen.traffic) {
    CHECK(resp.status == 200);
    REQUIRE(resp.mix_entry);
    CHECK(resp.path == (*resp.mix_entry == 0 ? "/a" : "/b"));
    posts += resp.method == "POST" ? 1 : 0;
    connected += resp.connected ? 1 : 0;
  }
  // Two clients, two connections to nginx, each reused until nginx closes it after
  // keepalive_requests (1000 by default): a client reconnects at most once per 1000 requests.
  const std::size_t n = seen.traffic.size();
  CHECK(connected >= 2);
  CHECK(connected <= 2 + n / 1000);
  CHECK(posts >= 1);
  // nginx kept its upstream connections too: the fake saw fewer connections than requests.
  const auto& app = seen.fakes.at("app");
  REQUIRE(app.connections);
  CHECK(app.requests == seen.traffic.size());
  CHECK(*app.connections < app.requests);
  // nginx's upstream connections end after keepalive_requests too (1000 by default, 1.19.10+).
  CHECK(*app.connections <= 4 + n / 1000);
  bool latency_checked = false;
  for (const auto& c : r.broken.checks) {
    if (c.subject.find("latency p99") != std::string::npos) latency_checked = c.passed;
  }
  CHECK(latency_checked);
}

}  // namespace
}  // namespace badgateway
