// Hostile input that only shows at run time: a scenario overrunning its time limit, and a TMPDIR
// that nginx.conf and php-fpm.conf must quote.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "harness/nginx/local_launcher.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

constexpr const char* kStalled = R"(
name = "t-stalled"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.app]
behaviour = "stall"
[nginx]
location = "proxy_pass http://{{fakes.app}}; proxy_read_timeout 60s;"
[[requests]]
timeout = "30s"
[expect]
status = 504
[fix]
description = "f"
fakes.app.behaviour = "ok"
)";

TEST_CASE("runner: a scenario over its time limit is stopped and gets the timeout verdict") {
  LocalLauncher nginx;
  RunOptions options;
  options.time_limit = Millis(1500);
  auto start = std::chrono::steady_clock::now();
  ScenarioResult r = run_scenario(load_scenario_string(kStalled, "inline.toml"), nginx, options);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(r.verdict() == Verdict::timeout);
  CHECK(to_string(r.verdict()) == "TIMEOUT");
  CHECK(r.broken.timed_out);
  CHECK_FALSE(r.broken.harness_error);
  CHECK_FALSE(r.fixed);  // the time is used up: the fixed run does not start
  REQUIRE(r.broken.observed.responses.size() == 1);
  CHECK(r.broken.observed.responses[0].outcome == Outcome::timeout);
  CHECK(r.broken.summary() == "timeout");
  // Stopped at the limit, not after the request's own 30 s (nginx and the fakes stop cleanly).
  CHECK(took < std::chrono::seconds(10));
}

constexpr const char* kHealthy = R"(
name = "t-healthy"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.app]
behaviour = "ok"
[nginx]
location = "proxy_pass http://{{fakes.app}};"
[expect]
status = 200
generated_by = "upstream"
)";

// Sets TMPDIR for the test's duration.
struct TmpdirOverride {
  std::filesystem::path dir;
  std::string old;
  bool had = false;
  explicit TmpdirOverride(const std::string& name) {
    dir = std::filesystem::temp_directory_path() / name;
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
    if (const char* t = std::getenv("TMPDIR")) {
      old = t;
      had = true;
    }
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~TmpdirOverride() {
    if (had) {
      ::setenv("TMPDIR", old.c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
    std::filesystem::remove_all(dir);
  }
};

TEST_CASE("runner: a TMPDIR with a space and ';' stays one quoted path in nginx.conf") {
  TmpdirOverride tmp(fmt::format("badgateway tmp;{}", ::getpid()));
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(load_scenario_string(kHealthy, "inline.toml"), nginx, {});
  INFO("error: " << r.broken.harness_error.value_or("none"));
  CHECK(r.verdict() == Verdict::pass);
  CHECK(std::filesystem::is_empty(tmp.dir));  // the run directory was made there and removed
}

TEST_CASE("runner: a TMPDIR nginx would read a variable in is a clear harness error") {
  TmpdirOverride tmp(fmt::format("badgateway-${}", ::getpid()));
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(load_scenario_string(kHealthy, "inline.toml"), nginx, {});
  CHECK(r.verdict() == Verdict::error);
  REQUIRE(r.broken.harness_error);
  CHECK(r.broken.harness_error->find("cannot be written into nginx.conf") != std::string::npos);
}

}  // namespace
}  // namespace badgateway
