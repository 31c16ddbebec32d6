#include "harness/scenario/loader.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <variant>

namespace bg = badgateway;
using namespace std::chrono_literals;

namespace {

// The message of the ScenarioError `text` raises, or a marker when it loads.
std::string load_error(const std::string& text) {
  try {
    bg::load_scenario_string(text, "t.toml");
  } catch (const bg::ScenarioError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

// Every error starts "file:line:column: field: ". Comparing the prefix as a string shows both
// sides when it does not match.
void check_error(const std::string& text, const std::string& where, const std::string& what = "") {
  std::string message = load_error(text);
  INFO("message: " << message);
  CHECK(message.substr(0, where.size() + 2) == where + ": ");
  if (!what.empty()) CHECK(message.find(what) != std::string::npos);
}

// Lines 1-4 of most test files.
const std::string kHead =
    "name = \"t\"\n"
    "description = \"d\"\n"
    "cause = \"server_unavailable\"\n"
    "teaches = \"x\"\n";

// kHead plus lines 5-8: one fake and a location using it. Test text appended starts at line 9.
const std::string kBase = kHead +
                          "[fakes.app]\n"
                          "behaviour = \"ok\"\n"
                          "[nginx]\n"
                          "location = \"proxy_pass http://{{fakes.app}};\"\n";

const char* kFull = R"toml(name = "full-example"
description = "every field set"
cause = "server_unavailable"
teaches = "connect() failed"
directive = "proxy_pass"

[fakes.app]
behaviour = "ok"
latency = "250ms"
body_size = 128

[fakes.spare]
protocol = "http"
listen = "unix"
behaviour = "status"
code = 503

[nginx]
http = "upstream u { server {{fakes.app}}; }"
location = """
proxy_pass http://u;
"""

[[requests]]
method = "POST"
path = "/submit"
headers = { X-Test = "1" }
body = "hello"
count = 2
concurrency = 2
delay = "300ms"
timeout = "2s"

[[requests]]
path = "/second"

[expect]
status = [502, 502, 504]
generated_by = "nginx"
outcome = "complete"
error_log = 'connect\(\) failed'
no_error_log = ["upstream timed out", "no live upstreams"]
elapsed = { min = "100ms", max = "1.5s" }
request_time = { min = "90ms" }
upstream_attempts = [1, 1, 2]
fakes.app.connections = 3
fakes.spare.requests = 0

[[expect.versions]]
nginx = ">=1.23, <1.29.7"
status = 504
error_log = ["a", "b"]

[fix]
description = "bring it back"
fakes.app.behaviour = "ok"
nginx.location = "proxy_pass http://{{fakes.app}};"
expect.fakes.app.requests = 3
)toml";

bg::NginxVersion version(const char* text) {
  auto v = bg::NginxVersion::parse(text);
  REQUIRE(v.has_value());
  return *v;
}

}  // namespace

TEST_SUITE("loader") {
  TEST_CASE("a complete scenario loads with every field") {
    bg::Scenario s = bg::load_scenario_string(kFull, "full.toml");
    CHECK(s.origin.file == "full.toml");
    CHECK(s.name == "full-example");
    CHECK(s.description == "every field set");
    CHECK(s.cause == "server_unavailable");
    CHECK(s.teaches == "connect() failed");
    CHECK(s.directive == "proxy_pass");

    SUBCASE("fakes and their parameters") {
      REQUIRE(s.fakes.size() == 2);
      const bg::FakeSpec& app = s.fakes.at("app");
      CHECK(app.name == "app");
      CHECK(app.behaviour == "ok");
      CHECK(app.protocol == bg::fakes::Protocol::http);
      CHECK_FALSE(app.unix_socket);
      CHECK(app.pos.line == 7);
      REQUIRE(app.params.size() == 2);
      CHECK(std::get<std::string>(app.params.at("latency")) == "250ms");
      CHECK(std::get<std::int64_t>(app.params.at("body_size")) == 128);
      const bg::FakeSpec& spare = s.fakes.at("spare");
      CHECK(spare.behaviour == "status");
      CHECK(spare.unix_socket);
      REQUIRE(spare.params.size() == 1);
      CHECK(std::get<std::int64_t>(spare.params.at("code")) == 503);
    }

    SUBCASE("nginx snippets keep their placeholders") {
      CHECK(s.nginx.http == "upstream u { server {{fakes.app}}; }");
      CHECK_FALSE(s.nginx.server.has_value());
      CHECK(s.nginx.location == "proxy_pass http://u;\n");
    }

    SUBCASE("requests with count, concurrency, delay and timeout") {
      REQUIRE(s.requests.size() == 2);
      const bg::RequestSpec& first = s.requests[0];
      CHECK(first.method == "POST");
      CHECK(first.path == "/submit");
      REQUIRE(first.headers.size() == 1);
      CHECK(first.headers[0].first == "X-Test");
      CHECK(first.headers[0].second == "1");
      CHECK(first.body == "hello");
      CHECK(first.count == 2);
      CHECK(first.concurrency == 2);
      CHECK(first.delay == 300ms);
      CHECK(first.timeout == 2000ms);
      const bg::RequestSpec& second = s.requests[1];
      CHECK(second.method == "GET");
      CHECK(second.path == "/second");
      CHECK(second.count == 1);
      CHECK(second.concurrency == 1);
      CHECK(second.delay == 0ms);
      CHECK(second.timeout == 5000ms);
      CHECK(s.response_count() == 3);
    }

    SUBCASE("expectations") {
      const bg::Expectation& e = s.expect.base;
      CHECK(e.status == std::vector<int>{502, 502, 504});
      CHECK(e.generated_by == std::vector<bg::GeneratedBy>{bg::GeneratedBy::nginx});
      CHECK(e.outcome == std::vector<bg::Outcome>{bg::Outcome::complete});
      CHECK(e.error_log == std::vector<std::string>{R"(connect\(\) failed)"});
      CHECK(e.no_error_log == std::vector<std::string>{"upstream timed out", "no live upstreams"});
      REQUIRE(e.elapsed.has_value());
      CHECK(e.elapsed->min == 100ms);
      CHECK(e.elapsed->max == 1500ms);
      REQUIRE(e.request_time.has_value());
      CHECK(e.request_time->min == 90ms);
      CHECK_FALSE(e.request_time->max.has_value());
      CHECK(e.upstream_attempts == std::vector<int>{1, 1, 2});
      REQUIRE(e.fakes.size() == 2);
      CHECK(e.fakes.at("app").connections == 3);
      CHECK_FALSE(e.fakes.at("app").requests.has_value());
      CHECK(e.fakes.at("spare").requests == 0);
      CHECK_FALSE(e.fakes.at("spare").connections.has_value());
    }

    SUBCASE("[[expect.versions]] patches only the versions in range") {
      REQUIRE(s.expect.by_version.size() == 1);
      CHECK(s.expect.by_version[0].range.text() == ">=1.23, <1.29.7");
      bg::Expectation in_range = s.expect.for_version(version("1.25.3"));
      CHECK(in_range.status == std::vector<int>{504});
      CHECK(in_range.error_log == std::vector<std::string>{"a", "b"});
      CHECK(in_range.generated_by ==
            std::vector<bg::GeneratedBy>{bg::GeneratedBy::nginx});  // not patched
      CHECK(in_range.upstream_attempts == std::vector<int>{1, 1, 2});
      bg::Expectation older = s.expect.for_version(version("1.22.1"));
      CHECK(older.status == std::vector<int>{502, 502, 504});
      CHECK(older.error_log == std::vector<std::string>{R"(connect\(\) failed)"});
      bg::Expectation newer = s.expect.for_version(version("1.29.7"));
      CHECK(newer.status == std::vector<int>{502, 502, 504});
    }

    SUBCASE("the fix replaces fakes and snippets and defaults to 200 from the upstream") {
      REQUIRE(s.fix.has_value());
      const bg::FixSpec& f = *s.fix;
      CHECK(f.description == "bring it back");
      REQUIRE(f.fakes.size() == 1);
      CHECK(f.fakes.at("app").behaviour == "ok");
      CHECK(f.fakes.at("app").params.empty());
      CHECK(f.nginx.location == "proxy_pass http://{{fakes.app}};");
      CHECK_FALSE(f.nginx.http.has_value());
      CHECK(f.expect.base.status == std::vector<int>{200});
      CHECK(f.expect.base.generated_by == std::vector<bg::GeneratedBy>{bg::GeneratedBy::upstream});
      CHECK_FALSE(f.expect.base.error_log.has_value());
      REQUIRE(f.expect.base.fakes.count("app") == 1);
      CHECK(f.expect.base.fakes.at("app").requests == 3);
      CHECK(f.expect.by_version.empty());
    }

    SUBCASE("the loader resolves both phases' plans: the fixed one has the fix merged in") {
      CHECK(s.broken.phase == "broken");
      CHECK(s.broken.fakes.at("app").params.size() == 2);
      CHECK(s.broken.nginx.location == "proxy_pass http://u;\n");
      CHECK(s.broken.expect.base.status == std::vector<int>{502, 502, 504});
      REQUIRE(s.fixed.has_value());
      CHECK(s.fixed->phase == "fixed");
      CHECK(s.fixed->fakes.size() == 2);
      CHECK(s.fixed->fakes.at("app").params.empty());           // replaced: the fix's has none
      CHECK(s.fixed->fakes.at("spare").behaviour == "status");  // kept
      CHECK(s.fixed->nginx.location == "proxy_pass http://{{fakes.app}};");
      CHECK(s.fixed->nginx.origins.at("location").field == "fix.nginx.location");
      CHECK(s.fixed->nginx.http == "upstream u { server {{fakes.app}}; }");  // not replaced
      CHECK(s.fixed->expect.base.status == std::vector<int>{200});
    }
  }

  TEST_CASE("single values and defaults") {
    bg::Scenario s = bg::load_scenario_string(kBase + R"toml([expect]
status = 502
error_log = "one pattern"
)toml",
                                              "t.toml");
    CHECK(s.expect.base.status == std::vector<int>{502});
    CHECK(s.expect.base.error_log == std::vector<std::string>{"one pattern"});
    CHECK_FALSE(s.expect.base.generated_by.has_value());
    CHECK_FALSE(s.expect.base.outcome.has_value());
    CHECK_FALSE(s.expect.base.elapsed.has_value());
    CHECK(s.expect.base.fakes.empty());
    CHECK(s.directive.empty());
    CHECK_FALSE(s.fix.has_value());
    // No [[requests]]: one GET /.
    REQUIRE(s.requests.size() == 1);
    CHECK(s.requests[0].method == "GET");
    CHECK(s.requests[0].path == "/");
    CHECK(s.response_count() == 1);
    CHECK(s.fakes.at("app").params.empty());
    CHECK(s.nginx.location == "proxy_pass http://{{fakes.app}};");
  }

  TEST_CASE("fix.expect overrides the defaults it names") {
    bg::Scenario s = bg::load_scenario_string(kBase + R"toml([expect]
status = 502
[fix]
description = "x"
nginx.location = "return 404;"
expect.status = 404
expect.generated_by = "nginx"
)toml",
                                              "t.toml");
    REQUIRE(s.fix.has_value());
    CHECK(s.fix->fakes.empty());
    CHECK(s.fix->nginx.location == "return 404;");
    CHECK(s.fix->expect.base.status == std::vector<int>{404});
    CHECK(s.fix->expect.base.generated_by == std::vector<bg::GeneratedBy>{bg::GeneratedBy::nginx});
  }

  TEST_CASE("every scenario of the catalogue loads") {
    namespace fs = std::filesystem;
    int loaded = 0;
    for (const auto& entry :
         fs::recursive_directory_iterator(fs::path(BADGATEWAY_SOURCE_DIR) / "scenarios")) {
      if (entry.path().extension() != ".toml") continue;
      INFO(entry.path().string());
      bg::Scenario s;
      CHECK_NOTHROW(s = bg::load_scenario_file(entry.path()));
      CHECK(s.name == entry.path().stem().string());
      ++loaded;
    }
    CHECK(loaded > 0);
  }

  TEST_CASE("a file that cannot be read is a ScenarioError naming it") {
    std::string message;
    try {
      bg::load_scenario_file("/nonexistent/dir/x.toml");
    } catch (const bg::ScenarioError& e) {
      message = e.what();
    }
    CHECK(message.starts_with("/nonexistent/dir/x.toml: cannot open"));
  }

  // Each kind of bad file: "t.toml:LINE:COLUMN: FIELD: what is wrong", pointing at the culprit.
  TEST_CASE("TOML syntax errors point at the offending character") {
    check_error("name = \"t\"\ndescription = = \"d\"\n", "t.toml:2:15: TOML syntax");
  }

  TEST_CASE("a duplicated fake is a TOML error at the second table") {
    check_error(kBase + "[fakes.app]\nbehaviour = \"refuse\"\n[expect]\nstatus = 502\n",
                "t.toml:9:1: TOML syntax", "fakes.app");
  }

  TEST_CASE("unknown keys point at the key") {
    SUBCASE("top level") {
      check_error(
          kHead +
              "colour = \"blue\"\n[nginx]\nlocation = \"return 200;\"\n[expect]\nstatus = 502\n",
          "t.toml:5:1: colour", "unknown key");
    }
    SUBCASE("in [expect]") {
      check_error(kBase + "[expect]\nstatus = 502\nstauts = 502\n", "t.toml:11:1: expect.stauts",
                  "unknown key");
    }
    SUBCASE("in an inline table inside [expect]") {
      check_error(kBase + "[expect]\nstatus = 502\nelapsed = { max = \"1s\", mx = \"2s\" }\n",
                  "t.toml:11:25: expect.elapsed.mx", "unknown key");
    }
    SUBCASE("in request_time") {
      check_error(kBase + "[expect]\nstatus = 502\nrequest_time = { min = \"1s\", max = \"2\" }\n",
                  "t.toml:11:36: expect.request_time.max", "");
    }
    SUBCASE("in the second [[requests]]") {
      check_error(kBase +
                      "[[requests]]\npath = \"/\"\n[[requests]]\npath = \"/x\"\nmethd = \"POST\"\n"
                      "[expect]\nstatus = 502\n",
                  "t.toml:13:1: requests.methd", "unknown key");
    }
    SUBCASE("in [fix]") {
      check_error(kBase +
                      "[expect]\nstatus = 502\n[fix]\ndescription = \"x\"\n"
                      "nginx.location = \"return 200;\"\ncolour = 1\n",
                  "t.toml:14:1: fix.colour", "unknown key");
    }
  }

  TEST_CASE("fakes: behaviour, parameters, name, protocol, listen") {
    SUBCASE("unknown behaviour points at its value and lists the known ones") {
      check_error(kBase + "[fakes.db]\nbehaviour = \"explode\"\n[expect]\nstatus = 502\n",
                  "t.toml:10:13: fakes.db.behaviour",
                  "unknown http behaviour \"explode\" (known: ok, refuse");
    }
    SUBCASE("missing behaviour points at the fake's table") {
      check_error(kHead +
                      "[fakes.app]\nlisten = \"unix\"\n[nginx]\nlocation = \"return 200;\"\n"
                      "[expect]\nstatus = 502\n",
                  "t.toml:5:1: fakes.app.behaviour", "is required");
    }
    SUBCASE("an unknown parameter points at its key") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\nlatncy = \"1s\"\n[nginx]\n"
                      "location = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 502\n",
                  "t.toml:7:1: fakes.app.latncy", "unknown parameter");
    }
    SUBCASE("an unknown parameter in an inline table points at its key") {
      check_error(kHead +
                      "fakes.app = { behaviour = \"ok\", latncy = \"1s\" }\n[nginx]\n"
                      "location = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 502\n",
                  "t.toml:5:33: fakes.app.latncy", "unknown parameter");
    }
    // Regression (issue 10, bug 7): an array under an unknown key was reported as a bad value.
    SUBCASE("an array under an unknown parameter is an unknown parameter, listing the valid ones") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\nlatncy = [\"1s\"]\n[nginx]\n"
                      "location = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 502\n",
                  "t.toml:7:1: fakes.app.latncy",
                  "unknown parameter for this behaviour (valid: status, body_size, body, latency, "
                  "latency_distribution, latency_jitter, latency_max, latency_p99, latency_seed)");
    }
    SUBCASE("an unknown parameter lists the valid ones") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\nlatncy = \"1s\"\n[nginx]\n"
                      "location = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 502\n",
                  "t.toml:7:1: fakes.app.latncy",
                  "unknown parameter for this behaviour (valid: status, body_size, body, latency, "
                  "latency_distribution, latency_jitter, latency_max, latency_p99, latency_seed)");
    }
    // The values a parameter allows ("at=accept|request|...") are not parameters themselves.
    SUBCASE("the valid ones are names only, not allowed values") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"reset\"\nrequest = [\"1s\"]\n[nginx]\n"
                      "location = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 502\n",
                  "t.toml:7:1: fakes.app.request",
                  "unknown parameter for this behaviour (valid: at, body_size, delay)");
    }
    SUBCASE("an array for a real parameter is a bad value") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\nlatency = [\"1s\"]\n[nginx]\n"
                      "location = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 502\n",
                  "t.toml:7:11: fakes.app.latency", "expected a string, number or boolean");
    }
    SUBCASE("a bad parameter value points at the value") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\nlatency = \"fast\"\n[nginx]\n"
                      "location = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 502\n",
                  "t.toml:7:11: fakes.app.latency", "\"fast\"");
    }
    SUBCASE("fake names are snake_case") {
      check_error(kHead +
                      "[fakes.App-1]\nbehaviour = \"ok\"\n[nginx]\nlocation = \"return 200;\"\n"
                      "[expect]\nstatus = 502\n",
                  "t.toml:5:1: fakes.App-1", "snake_case");
    }
    SUBCASE("protocol") {
      check_error(kHead +
                      "[fakes.app]\nprotocol = \"grpc\"\nbehaviour = \"ok\"\n[nginx]\n"
                      "location = \"return 200;\"\n[expect]\nstatus = 502\n",
                  "t.toml:6:12: fakes.app.protocol", "expected \"http\", \"fastcgi\" or \"dns\"");
    }
    SUBCASE("listen") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\nlisten = \"udp\"\n[nginx]\n"
                      "location = \"return 200;\"\n[expect]\nstatus = 502\n",
                  "t.toml:7:10: fakes.app.listen", "\"tcp\", \"unix\", or an address");
    }
  }

  TEST_CASE("[network]: upstream hosts, sysctls, firewall rules and routes; the fix replaces it") {
    bg::Scenario s = bg::load_scenario_string(kHead + R"(
[fakes.app]
behaviour = "ok"
listen = "192.0.2.10:8080"
[fakes.local]
behaviour = "ok"
listen = "[::1]"
[network]
sysctl = { "net.ipv4.ip_local_port_range" = "40000 40001", "net.core.somaxconn" = 16 }
firewall = [{ fake = "app", action = "conn_limit", limit = 2 },
            { address = "198.51.100.7", port = 81, action = "drop" }]
route = [{ to = "203.0.113.0/24", type = "prohibit" }]
[nginx]
location = "proxy_pass http://{{fakes.app}};"
[expect]
status = 502
[fix]
description = "open"
[fix.network]
[fix.fakes.app]
behaviour = "ok"
)",
                                              "t.toml");
    REQUIRE(s.fakes.at("app").listen_on);
    CHECK(s.fakes.at("app").listen_on->to_string() == "192.0.2.10:8080");
    CHECK(s.fakes.at("local").listen_on->to_string() == "[::1]:0");
    CHECK(s.network.sysctls.at("net.core.somaxconn") == "16");
    REQUIRE(s.network.firewall.size() == 2);
    CHECK(s.network.firewall[0].action == bg::FirewallAction::conn_limit);
    CHECK(s.network.firewall[0].limit == 2);
    CHECK(s.network.firewall[1].port == 81);
    CHECK(s.network.routes.at(0).type == bg::RouteType::prohibit);
    CHECK(s.broken.needs_network());
    REQUIRE(s.fixed);
    CHECK(s.fixed->network.empty());
    // The replaced fake stays on its host, so the fixed run needs a network too.
    CHECK(s.fixed->fakes.at("app").listen_on->host == "192.0.2.10");
    CHECK(s.fixed->needs_network());
  }

  TEST_CASE("top-level fields") {
    SUBCASE("unknown cause points at the value and lists the known ones") {
      check_error(
          "name = \"t\"\ndescription = \"d\"\ncause = \"gremlins\"\nteaches = \"x\"\n[nginx]\n"
          "location = \"return 200;\"\n[expect]\nstatus = 502\n",
          "t.toml:3:9: cause", "unknown cause \"gremlins\" (known: nginx_not_running");
    }
    SUBCASE("a missing name points at the start of the file") {
      check_error(
          "description = \"d\"\ncause = \"server_unavailable\"\nteaches = \"x\"\n[nginx]\n"
          "location = \"return 200;\"\n[expect]\nstatus = 502\n",
          "t.toml:1:1: name", "is required");
    }
    SUBCASE("an empty name points at the value") {
      check_error("name = \"\"\n", "t.toml:1:8: name", "must not be empty");
    }
    SUBCASE("a missing [expect] points at the start of the file") {
      check_error(kHead + "[nginx]\nlocation = \"return 200;\"\n", "t.toml:1:1: expect",
                  "is required");
    }
    SUBCASE("a missing expect.status points at the [expect] header") {
      check_error(kBase + "[expect]\ngenerated_by = \"nginx\"\n", "t.toml:9:1: expect.status",
                  "is required");
    }
    SUBCASE("a missing expect.status with a dotted expect key points at that key") {
      check_error(kHead + "expect.generated_by = \"nginx\"\n[nginx]\nlocation = \"return 200;\"\n",
                  "t.toml:5:1: expect.status", "is required");
    }
  }

  TEST_CASE("requests") {
    SUBCASE("a delay without unit") {
      check_error(kBase + "[[requests]]\ndelay = \"300\"\n[expect]\nstatus = 502\n",
                  "t.toml:10:9: requests.delay", "with a unit");
    }
  }

  TEST_CASE("expectations") {
    SUBCASE("status out of range") {
      check_error(kBase + "[expect]\nstatus = 1000\n", "t.toml:10:10: expect.status",
                  "1000 is out of range [0, 999]");
    }
    SUBCASE("status out of range inside an array points at the element") {
      check_error(kBase + "[[requests]]\ncount = 2\n[expect]\nstatus = [502, -1]\n",
                  "t.toml:12:16: expect.status", "-1 is out of range");
    }
    SUBCASE("status as a string") {
      check_error(kBase + "[expect]\nstatus = \"502\"\n", "t.toml:10:10: expect.status",
                  "expected an integer");
    }
    SUBCASE("a status list that does not match the request count") {
      check_error(kBase +
                      "[[requests]]\ncount = 2\n[[requests]]\npath = \"/b\"\n[expect]\n"
                      "status = [502, 502]\n",
                  "t.toml:14:10: expect.status", "has 2 values but the scenario sends 3 requests");
    }
    SUBCASE("one status per response is accepted") {
      CHECK(load_error(kBase + "[[requests]]\ncount = 2\n[expect]\nstatus = [502, 200]\n") ==
            "(loaded without error)");
    }
    SUBCASE("generated_by") {
      check_error(kBase + "[expect]\nstatus = 502\ngenerated_by = \"varnish\"\n",
                  "t.toml:11:16: expect.generated_by", "\"nginx\", \"upstream\" or \"none\"");
    }
    SUBCASE("outcome") {
      check_error(kBase + "[expect]\nstatus = 502\noutcome = \"exploded\"\n",
                  "t.toml:11:11: expect.outcome", "\"exploded\" is not one of");
    }
    SUBCASE("an invalid regular expression in error_log") {
      check_error(kBase + "[expect]\nstatus = 502\nerror_log = 'connect\\(\\) failed ('\n",
                  "t.toml:11:13: expect.error_log", "invalid regular expression");
    }
    SUBCASE("an invalid regular expression in no_error_log") {
      check_error(kBase + "[expect]\nstatus = 502\nno_error_log = ['[alert']\n",
                  "t.toml:11:16: expect.no_error_log", "invalid regular expression");
    }
    SUBCASE("counts for a fake that does not exist point at its key") {
      check_error(kBase + "[expect]\nstatus = 502\nfakes.ghost.requests = 1\n",
                  "t.toml:11:7: expect.fakes.ghost", "no fake named \"ghost\"");
    }
    SUBCASE("a bad version range") {
      check_error(kBase +
                      "[expect]\nstatus = 502\n[[expect.versions]]\nnginx = \">=1.23\"\n"
                      "status = 200\n[[expect.versions]]\nnginx = \"~1.2\"\nstatus = 502\n",
                  "t.toml:15:9: expect.versions.nginx", "\"~1.2\"");
    }
    SUBCASE("a version patch with counts for a fake that does not exist") {
      check_error(kBase +
                      "[expect]\nstatus = 502\n[[expect.versions]]\nnginx = \">=1.23\"\n"
                      "fakes.ghost.requests = 1\n",
                  "t.toml:13:7: expect.versions.fakes.ghost", "no fake named \"ghost\"");
    }
    SUBCASE("a version patch whose status list does not match the request count") {
      check_error(kBase +
                      "[[requests]]\ncount = 3\n[expect]\nstatus = 502\n[[expect.versions]]\n"
                      "nginx = \">=1.23\"\nstatus = [502, 200]\n",
                  "t.toml:15:10: expect.versions.status",
                  "has 2 values but the scenario sends 3 requests");
    }
  }

  TEST_CASE("placeholders in nginx snippets") {
    SUBCASE("unknown fake, on the first line of a multi-line string") {
      check_error(kBase.substr(0, kBase.rfind("[nginx]")) +  // lines 1-6
                      "[nginx]\n"
                      "location = \"\"\"\n"
                      "proxy_pass http://{{fakes.nope}};\n"  // line 9, "{{" in column 19
                      "\"\"\"\n[expect]\nstatus = 502\n",
                  "t.toml:9:19: nginx.location", "no fake named \"nope\"");
    }
    SUBCASE("unknown fake, further down a multi-line string") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\n"
                      "[nginx]\n"
                      "location = \"\"\"\n"  // line 8
                      "proxy_connect_timeout 1s;\n"
                      "  proxy_read_timeout 1s;\n"
                      "  proxy_pass http://{{fakes.nope}};\n"  // line 11, column 21
                      "\"\"\"\n[expect]\nstatus = 502\n",
                  "t.toml:11:21: nginx.location", "{{fakes.nope}}");
    }
    SUBCASE("multi-line string without a newline after the opening quotes") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\n"
                      "[nginx]\n"
                      "location = \"\"\"proxy_read_timeout 1s;\n"  // line 8
                      "proxy_pass http://{{fakes.nope}};\"\"\"\n"  // line 9, column 19
                      "[expect]\nstatus = 502\n",
                  "t.toml:9:19: nginx.location", "{{fakes.nope}}");
    }
    SUBCASE("the second placeholder of a snippet is the one reported") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\n"
                      "[nginx]\n"
                      "http = \"\"\"\n"
                      "upstream u {\n"
                      "    server {{fakes.app}};\n"
                      "    server {{ fakes.gone }} backup;\n"  // line 11, column 12
                      "}\n\"\"\"\n"
                      "location = \"proxy_pass http://u;\"\n[expect]\nstatus = 502\n",
                  "t.toml:11:12: nginx.http", "{{fakes.gone}}");
    }
    SUBCASE("unknown attribute, in a one-line string") {
      check_error(
          kHead +
              "[fakes.app]\nbehaviour = \"ok\"\n[nginx]\n"
              "location = \"proxy_pass http://{{fakes.app.bogus}};\"\n"  // line 8, column 31
              "[expect]\nstatus = 502\n",
          "t.toml:8:31: nginx.location", "\"bogus\" is not host, port or path");
    }
    SUBCASE("escapes before the placeholder do not shift the column") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\n[nginx]\n"
                      "location = \"add_header X \\\"y\\\"; proxy_pass http://{{fakes.nope}};\"\n"
                      "[expect]\nstatus = 502\n",
                  "t.toml:8:51: nginx.location", "{{fakes.nope}}");
    }
    SUBCASE("no closing braces") {
      check_error(kHead +
                      "[fakes.app]\nbehaviour = \"ok\"\n[nginx]\n"
                      "location = 'proxy_pass http://{{fakes.app;'\n"  // line 8, column 31
                      "[expect]\nstatus = 502\n",
                  "t.toml:8:31: nginx.location", "unterminated placeholder");
    }
    SUBCASE("in the fix, naming a fake that exists in neither phase") {
      check_error(kBase +
                      "[expect]\nstatus = 502\n[fix]\ndescription = \"x\"\n"
                      "nginx.location = 'proxy_pass http://{{fakes.db.port}};'\n",  // line 13
                  "t.toml:13:37: fix.nginx.location", "no fake named \"db\"");
    }
    SUBCASE("in the fix, a fake the fix adds is known") {
      CHECK(load_error(kBase + "[expect]\nstatus = 502\n[fix]\ndescription = \"x\"\n"
                               "fakes.db.behaviour = \"ok\"\n"
                               "nginx.location = 'proxy_pass http://{{fakes.db.port}};'\n") ==
            "(loaded without error)");
    }
  }

  TEST_CASE("the fix") {
    SUBCASE("a fix that changes nothing points at [fix]") {
      check_error(
          kBase + "[expect]\nstatus = 502\n[fix]\ndescription = \"nothing\"\nexpect.status = 200\n",
          "t.toml:11:1: fix", "changes nothing");
    }
    SUBCASE("fix.expect counts for an unknown fake point at its key") {
      check_error(kBase +
                      "[expect]\nstatus = 502\n[fix]\ndescription = \"x\"\n"
                      "fakes.app.behaviour = \"refuse\"\n"
                      "expect.fakes.ghost.requests = 1\n",  // line 14, "ghost" in column 14
                  "t.toml:14:14: fix.expect.fakes.ghost", "no fake named \"ghost\"");
    }
    SUBCASE("a missing description points at [fix]") {
      check_error(kBase + "[expect]\nstatus = 502\n[fix]\nnginx.location = \"return 200;\"\n",
                  "t.toml:11:1: fix.description", "is required");
    }
  }

  TEST_CASE("only and skip") {
    const std::string tail =
        "[fakes.app]\nbehaviour = \"ok\"\n[nginx]\n"
        "location = \"proxy_pass http://{{fakes.app}};\"\n"
        "[expect]\nstatus = 200\n";
    SUBCASE("neither by default") {
      auto s = bg::load_scenario_string(kHead + tail, "t.toml");
      CHECK_FALSE(s.only);
      CHECK_FALSE(s.skip);
    }
    SUBCASE("set at the top level") {
      auto s = bg::load_scenario_string(kHead + "only = true\n" + tail, "t.toml");
      CHECK(s.only);
      s = bg::load_scenario_string(kHead + "skip = \"flaky on 1.22\"\n" + tail, "t.toml");
      CHECK(s.skip == "flaky on 1.22");
      CHECK_FALSE(s.only);
      CHECK_FALSE(bg::load_scenario_string(kHead + "only = false\n" + tail, "t.toml").only);
    }
    SUBCASE("bad values point at the key's value") {
      check_error(kHead + "only = 1\n" + tail, "t.toml:5:8: only", "expected true or false");
      check_error(kHead + "skip = \"\"\n" + tail, "t.toml:5:8: skip", "must not be empty");
      check_error(kHead + "skip = \"x\"\nonly = true\n" + tail, "t.toml:6:8: only",
                  "cannot be combined with skip");
    }
    SUBCASE("not inside another table") {
      check_error(kHead + tail + "only = true\n", "t.toml:11:1: expect.only", "unknown key");
    }
  }
}

TEST_CASE("format 2: placeholders in error_log patterns become the run's quoted values") {
  bg::Scenario s = bg::load_scenario_string("format = 2\n" + kBase + R"toml([expect]
status = 502
error_log = 'upstream: "http://{{fakes.app}}/" in {{run_dir}}'
no_error_log = "{{fakes.app.port}}"
)toml",
                                            "t.toml");
  CHECK(s.format == 2);
  auto lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "fakes.app") return "127.0.0.1:4321";
    if (name == "fakes.app.port") return "4321";
    if (name == "run_dir") return "/tmp/x.y";
    return std::nullopt;
  };
  bg::Expectation e = s.expect.base.with_placeholders(lookup);
  REQUIRE(e.error_log);
  CHECK(e.error_log->at(0) == R"(upstream: "http://\Q127.0.0.1:4321\E/" in \Q/tmp/x.y\E)");
  CHECK(e.no_error_log->at(0) == R"(\Q4321\E)");
  CHECK(bg::load_scenario_string(kBase + "[expect]\nstatus = 502\n", "t.toml").format == 1);
}

TEST_CASE("a near-miss behaviour or fake name gets a suggestion") {
  const std::string head = "name = \"t\"\ndescription = \"d\"\ncause = \"dns\"\nteaches = \"t\"\n";
  try {
    bg::load_scenario_string(head +
                                 "[fakes.app]\nbehaviour = \"stal\"\n[nginx]\nlocation = "
                                 "\"return 200;\"\n[expect]\nstatus = 200\n",
                             "t.toml");
    FAIL("accepted");
  } catch (const bg::ScenarioError& e) {
    CHECK(std::string(e.what()) ==
          "t.toml:6:13: fakes.app.behaviour: unknown http behaviour \"stal\" (did you mean "
          "\"stall\"?)");
  }
  try {
    bg::load_scenario_string(head +
                                 "[fakes.app]\nbehaviour = \"ok\"\n[nginx]\nlocation = "
                                 "\"proxy_pass http://{{fakes.ap}};\"\n[expect]\nstatus = 200\n",
                             "t.toml");
    FAIL("accepted");
  } catch (const bg::ScenarioError& e) {
    CHECK(std::string(e.what()).find("no fake named \"ap\" (did you mean \"app\"?)") !=
          std::string::npos);
  }
}

// expect.nginx: a config nginx -t rejects, or an nginx that fails to start, as the expected
// outcome of a phase: read, overlaid, and checked against the keys that need a response.
namespace {
const std::string kOutcomeBase =
    "name = \"t\"\n"
    "description = \"d\"\n"
    "cause = \"misconfiguration\"\n"
    "teaches = \"x\"\n"
    "[fakes.app]\n"
    "behaviour = \"ok\"\n"
    "[nginx]\n"
    "location = \"proxy_pass http://{{fakes.app}};\"\n";

}  // namespace

TEST_CASE("expect.nginx: rejected needs no status; the fix still expects a healthy 200") {
  bg::Scenario s = bg::load_scenario_string(kOutcomeBase + R"toml([expect]
nginx = "rejected"
error_log = 'emerg'
[fix]
description = "f"
nginx.location = "proxy_pass http://{{fakes.app}};"
)toml",
                                            "t.toml");
  CHECK(s.broken.expect.base.nginx == bg::NginxOutcome::rejected);
  CHECK_FALSE(s.broken.expect.base.status);
  REQUIRE(s.fixed);
  CHECK_FALSE(s.fixed->expect.base.nginx);
  CHECK(s.fixed->expect.base.status == std::vector<int>{200});
}

TEST_CASE("expect.nginx: a fix that nginx must refuse drops the default 200") {
  bg::Scenario s = bg::load_scenario_string(kOutcomeBase + R"toml([expect]
status = 502
[fix]
description = "f"
nginx.location = "proxy_pass http://{{fakes.app}};"
expect.nginx = "fails_to_start"
)toml",
                                            "t.toml");
  REQUIRE(s.fixed);
  CHECK(s.fixed->expect.base.nginx == bg::NginxOutcome::fails_to_start);
  CHECK_FALSE(s.fixed->expect.base.status);
  CHECK_FALSE(s.fixed->expect.base.generated_by);
}

TEST_CASE("expect.nginx: unknown values and response keys beside it are errors at their line") {
  CHECK(load_error(kOutcomeBase + "[expect]\nnginx = \"crashed\"\n") ==
        "t.toml:10:9: expect.nginx: \"crashed\" is not one of \"runs\", \"rejected\", "
        "\"fails_to_start\"");
  CHECK(load_error(kOutcomeBase + "[expect]\nnginx = \"rejected\"\nstatus = 502\n") ==
        "t.toml:11:10: expect.status: nginx = \"rejected\" sends no request: leave status out "
        "(expect the line nginx prints with error_log)");
  CHECK(load_error(kOutcomeBase +
                   "[expect]\nnginx = \"fails_to_start\"\nelapsed = { max = \"1s\" }\n")
            .starts_with("t.toml:11:11: expect.elapsed: nginx = \"fails_to_start\" sends no "
                         "request"));
  // Without an outcome that stops nginx, a status is still required.
  CHECK(load_error(kOutcomeBase + "[expect]\nnginx = \"runs\"\n")
            .find("expect.status: is required") != std::string::npos);
}

TEST_CASE("expect.nginx: in [[expect.versions]] the outcome is nginx_outcome") {
  bg::Scenario s = bg::load_scenario_string(kOutcomeBase + R"toml([expect]
status = 200
[[expect.versions]]
nginx = "<1.27.3"
nginx_outcome = "rejected"
error_log = 'invalid parameter "resolve"'
)toml",
                                            "t.toml");
  REQUIRE(s.broken.expect.by_version.size() == 1);
  CHECK(s.broken.expect.by_version[0].patch.nginx == bg::NginxOutcome::rejected);
  CHECK(s.broken.expect.for_version(bg::NginxVersion{1, 22, 1}).nginx ==
        bg::NginxOutcome::rejected);
  CHECK_FALSE(s.broken.expect.for_version(bg::NginxVersion{1, 28, 0}).nginx);
}

TEST_CASE("nginx.main may not take the frame's directives; nginx.events is read") {
  const std::string head =
      "name = \"t\"\ndescription = \"d\"\ncause = \"high_load\"\nteaches = \"x\"\n"
      "[fakes.app]\nbehaviour = \"ok\"\n[nginx]\nlocation = \"proxy_pass http://{{fakes.app}};\"\n";
  const std::string tail = "[expect]\nstatus = 200\n";
  CHECK(load_error(head + "main = \"pid /tmp/x.pid;\"\n" + tail) ==
        "t.toml:9:8: nginx.main: sets pid, which the frame badgateway renders needs as it is "
        "(nginx in the foreground, its pid and error log in the run directory)");
  CHECK(load_error(head + "main = \"worker_processes 1; daemon on;\"\n" + tail)
            .starts_with("t.toml:9:8: nginx.main: sets daemon"));
  CHECK(load_error(head + "main = \"user www-data;\"\n" + tail) ==
        "t.toml:9:8: nginx.main: sets user: set nginx.user instead (the frame writes it)");
  CHECK(load_error(head + "main = \"events { worker_connections 8; }\"\n" + tail)
            .starts_with("t.toml:9:8: nginx.main: has an events block: use nginx.events"));
  // A directive whose name only starts like one of them is the scenario's.
  bg::Scenario s = bg::load_scenario_string(
      head +
          "main = \"pcre_jit on;\\nworker_rlimit_nofile 64;\"\nevents = \"worker_connections "
          "8;\"\n" +
          tail + "[fix]\ndescription = \"f\"\nnginx.events = \"worker_connections 512;\"\n",
      "t.toml");
  CHECK(s.nginx.events == "worker_connections 8;");
  REQUIRE(s.fixed);
  CHECK(s.fixed->nginx.events == "worker_connections 512;");
  CHECK(s.fixed->nginx.main == "pcre_jit on;\nworker_rlimit_nofile 64;");
}

TEST_CASE("protocol = \"dns\": a zone of names with records, TTLs and faults") {
  bg::Scenario s = bg::load_scenario_string(R"toml(name = "t"
description = "d"
cause = "dns"
teaches = "x"
[fakes.ns]
protocol = "dns"
unknown = "refused"
names."App.Test." = { a = ["192.0.2.1", "192.0.2.2"], aaaa = "2001:db8::1", ttl = "5s" }
names."www.test" = { cname = "app.test" }
names."slow.test" = { fault = "truncated", delay = "250ms" }
[nginx]
location = "resolver {{fakes.ns}}; return 200;"
[expect]
status = 200
fakes.ns.requests = 1
)toml",
                                            "t.toml");
  const bg::FakeSpec& ns = s.fakes.at("ns");
  REQUIRE(ns.zone);
  CHECK(ns.behaviour == "dns");
  CHECK(ns.zone->unknown == bg::fakes::dns::Fault::refused);
  const auto* app = ns.zone->find("app.test");
  REQUIRE(app);
  CHECK(app->a == std::vector<std::string>{"192.0.2.1", "192.0.2.2"});
  CHECK(app->aaaa == std::vector<std::string>{"2001:db8::1"});
  CHECK(app->ttl == std::chrono::seconds{5});
  CHECK(ns.zone->find("WWW.test.")->cname == "app.test");
  CHECK(ns.zone->find("slow.test")->fault == bg::fakes::dns::Fault::truncated);
  CHECK(ns.zone->find("slow.test")->delay == bg::Millis{250});
}

// [[expect.versions]] openssl = "RANGE": the OpenSSL version nginx runs with, alone or together
// with an nginx range (both must hold).
TEST_CASE("expect.versions: openssl ranges bind to the OpenSSL nginx runs with") {
  bg::Scenario s = bg::load_scenario_string(kOutcomeBase + R"toml([expect]
status = 502
[[expect.versions]]
openssl = ">=3.2"
status = 503
[[expect.versions]]
nginx = ">=1.25"
openssl = "<3.0"
status = 504
)toml",
                                            "t.toml");
  const bg::ExpectationSet& set = s.broken.expect;
  REQUIRE(set.by_version.size() == 2);
  CHECK(set.by_version[0].range.text().empty());  // no nginx range: every nginx
  REQUIRE(set.by_version[0].openssl);
  CHECK(set.by_version[0].openssl->text() == ">=3.2");
  const bg::NginxVersion old_nginx{1, 22, 1}, new_nginx{1, 31, 4};
  const bg::NginxVersion openssl30{3, 0, 11}, openssl32{3, 2, 1}, openssl111{1, 1, 1};
  CHECK(set.for_version(old_nginx, openssl30).status == std::vector<int>{502});
  CHECK(set.for_version(old_nginx, openssl32).status == std::vector<int>{503});
  CHECK(set.for_version(new_nginx, openssl32).status == std::vector<int>{503});
  // Both ranges must hold: the nginx range alone is not enough, nor the OpenSSL one.
  CHECK(set.for_version(new_nginx, openssl111).status == std::vector<int>{504});
  CHECK(set.for_version(old_nginx, openssl111).status == std::vector<int>{502});
  CHECK(set.for_version(new_nginx, openssl30).status == std::vector<int>{502});
  // Without OpenSSL (none, LibreSSL, BoringSSL) no openssl range holds.
  CHECK(set.for_version(new_nginx, std::nullopt).status == std::vector<int>{502});
  CHECK(set.for_version(new_nginx).status == std::vector<int>{502});
}

TEST_CASE("expect.versions: openssl range errors are at their line and column") {
  const std::string head = kOutcomeBase + "[expect]\nstatus = 502\n[[expect.versions]]\n";
  CHECK(load_error(head + "openssl = \"=<3.0\"\nstatus = 503\n") ==
        "t.toml:12:11: expect.versions.openssl: unknown comparison \"=<\"");
  CHECK(load_error(head + "openssl = \">=3.2, <3.0\"\nstatus = 503\n") ==
        "t.toml:12:11: expect.versions.openssl: no OpenSSL version is >=3.2, <3.0");
  CHECK(load_error(head + "openssl = 3\nstatus = 503\n")
            .starts_with("t.toml:12:11: expect.versions.openssl: "));
  CHECK(load_error(head + "status = 503\n") ==
        "t.toml:11:1: expect.versions.nginx: is required (the nginx version range, nginx = "
        "\">=1.23\"), unless openssl = \"RANGE\" is given");
  CHECK(load_error(head + "opensl = \">=3\"\nstatus = 503\n") ==
        "t.toml:12:1: expect.versions.opensl: unknown key (did you mean \"openssl\"?)");
}

// nginx.tls_files: the run's certificate files where an own config reads them.
TEST_CASE("nginx.tls_files maps the config's paths to the run's files; a fix replaces the map") {
  const std::string config =
      std::string(BADGATEWAY_SOURCE_DIR) + "/tests/bad_input/configs/tls-dir";
  const std::string text = kHead + R"toml([fakes.api]
behaviour = "ok"
host = "api:8443"
tls = true
[nginx]
config = ")toml" + config + R"toml("
tls_files = { "/etc/nginx/tls/upstream-ca.pem" = "other_ca", "/etc/ssl/certs/client.pem" = "client_certificate" }
[expect]
status = 502
[fix]
description = "f"
nginx.config = ")toml" + config +
                           R"toml("
nginx.tls_files = { "/etc/nginx/tls/upstream-ca.pem" = "ca" }
)toml";
  bg::Scenario s = bg::load_scenario_string(text, "t.toml");
  REQUIRE(s.broken.nginx.tls_files);
  CHECK(*s.broken.nginx.tls_files ==
        std::map<std::string, std::string>{{"/etc/nginx/tls/upstream-ca.pem", "other_ca"},
                                           {"/etc/ssl/certs/client.pem", "client_certificate"}});
  REQUIRE(s.fixed);
  REQUIRE(s.fixed->nginx.tls_files);
  CHECK(*s.fixed->nginx.tls_files ==
        std::map<std::string, std::string>{{"/etc/nginx/tls/upstream-ca.pem", "ca"}});

  // Errors name the path (or the name) at its own line and column.
  auto with = [&](const std::string& map) {
    return kHead +
           "[fakes.api]\nbehaviour = \"ok\"\nhost = \"api:8443\"\ntls = true\n[nginx]\nconfig = "
           "\"" +
           config + "\"\ntls_files = " + map + "\n[expect]\nstatus = 502\n";
  };
  CHECK(load_error(with(R"({ "/var/log/nginx/ca.pem" = "ca" })")) ==
        "t.toml:11:15: nginx.tls_files.\"/var/log/nginx/ca.pem\": is under /var/log/nginx, which "
        "each run replaces with an empty directory of its own; name a path in the config "
        "directory or elsewhere");
  CHECK(load_error(with(R"({ "/etc/nginx/tls/upstream-ca.pem" = "client_key" })"))
            .starts_with("t.toml:11:50: nginx.tls_files.\"/etc/nginx/tls/upstream-ca.pem\": "
                         "\"client_key\" is not one of the run's files"));
  CHECK(load_error(with(R"({ "/etc/nginx/tls/missing.pem" = "ca" })"))
            .find("tls-dir/tls/missing.pem is not a file") != std::string::npos);
  CHECK(load_error(with(R"({ "/etc/hosts" = "ca" })")).find("is a path the run itself mounts") !=
        std::string::npos);
  CHECK(load_error(with(R"({ "/etc//nginx/x.pem" = "ca" })")).find("is not a plain path") !=
        std::string::npos);
}

TEST_CASE("{{vary.NAME}}: a load error outside sweep, kept for sweep to fill") {
  const std::string text = kHead +
                           "[fakes.app]\n"
                           "behaviour = \"ok\"\n"
                           "[nginx]\n"
                           "location = \"proxy_pass http://{{fakes.app}}; proxy_read_timeout "
                           "{{vary.read_timeout}};\"\n"
                           "[expect]\nstatus = 504\n";
  check_error(text, "t.toml:8:65: nginx.location",
              "{{vary.read_timeout}} is filled only by `badgateway sweep --vary "
              "'read_timeout=v1,v2,...'`");
  const std::vector<std::string> names{"read_timeout"};
  bg::Scenario s = bg::load_scenario_string(text, "t.toml", nullptr, &names);
  CHECK(s.broken.nginx.location.value().find("{{vary.read_timeout}}") != std::string::npos);
  const std::vector<std::string> other{"tries"};
  CHECK_THROWS_WITH_AS(bg::load_scenario_string(text, "t.toml", nullptr, &other),
                       doctest::Contains("no --vary read_timeout=... was given (varied: tries)"),
                       bg::ScenarioError);
}

TEST_CASE("latency distributions are fake parameters, checked at load") {
  auto with = [](const std::string& params) {
    return kHead + "[fakes.app]\nbehaviour = \"ok\"\n" + params +
           "[nginx]\nlocation = \"proxy_pass http://{{fakes.app}};\"\n[expect]\nstatus = 200\n";
  };
  CHECK(load_error(with("latency = \"200ms\"\nlatency_distribution = \"lognormal\"\n"
                        "latency_p99 = \"1500ms\"\nlatency_seed = 3\n")) ==
        "(loaded without error)");
  check_error(with("latency_p99 = \"1500ms\"\n"), "t.toml:7:15: fakes.app.latency_p99",
              "only with latency_distribution = \"lognormal\"");
}
