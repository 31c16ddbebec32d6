// expect.nginx: a config nginx -t rejects, or an nginx that fails to start, as the expected
// outcome of a phase: read, overlaid, and checked against the keys that need a response.
#include <doctest/doctest.h>

#include <string>

#include "harness/scenario/loader.hpp"

namespace bg = badgateway;

namespace {

const std::string kBase =
    "name = \"t\"\n"
    "description = \"d\"\n"
    "cause = \"misconfiguration\"\n"
    "teaches = \"x\"\n"
    "[fakes.app]\n"
    "behaviour = \"ok\"\n"
    "[nginx]\n"
    "location = \"proxy_pass http://{{fakes.app}};\"\n";

std::string load_error(const std::string& text) {
  try {
    bg::load_scenario_string(text, "t.toml");
  } catch (const bg::ScenarioError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

}  // namespace

TEST_CASE("expect.nginx: rejected needs no status; the fix still expects a healthy 200") {
  bg::Scenario s = bg::load_scenario_string(kBase + R"toml([expect]
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
  bg::Scenario s = bg::load_scenario_string(kBase + R"toml([expect]
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
  CHECK(load_error(kBase + "[expect]\nnginx = \"crashed\"\n") ==
        "t.toml:10:9: expect.nginx: \"crashed\" is not one of \"runs\", \"rejected\", "
        "\"fails_to_start\"");
  CHECK(load_error(kBase + "[expect]\nnginx = \"rejected\"\nstatus = 502\n") ==
        "t.toml:11:10: expect.status: nginx = \"rejected\" sends no request: leave status out "
        "(expect the line nginx prints with error_log)");
  CHECK(load_error(kBase + "[expect]\nnginx = \"fails_to_start\"\nelapsed = { max = \"1s\" }\n")
            .starts_with("t.toml:11:11: expect.elapsed: nginx = \"fails_to_start\" sends no "
                         "request"));
  // Without an outcome that stops nginx, a status is still required.
  CHECK(load_error(kBase + "[expect]\nnginx = \"runs\"\n").find("expect.status: is required") !=
        std::string::npos);
}

TEST_CASE("expect.nginx: in [[expect.versions]] the outcome is nginx_outcome") {
  bg::Scenario s = bg::load_scenario_string(kBase + R"toml([expect]
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
