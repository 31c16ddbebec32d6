// Fidelity: every FastCGI fault that real PHP-FPM can produce is run twice, once against the
// fake and once against Debian's php-fpm, and must give the same client statuses and the same
// nginx error-log messages. Where they differ, the fake is wrong.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "harness/nginx/local_launcher.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

struct Pair {
  const char* name;
  const char* fake;      // [fakes.php] body for the fake
  const char* real;      // [fakes.php] body for php-fpm
  const char* nginx;     // [nginx] body
  const char* requests;  // [[requests]] tables
  const char* expect;    // [expect] body, shared
  const char* listen = "unix";
};

std::string scenario_text(const Pair& p, const char* fake_body) {
  return fmt::format(R"(
name = "fidelity-{}"
description = "d"
cause = "php_fpm_timeout"
teaches = "t"
[fakes.php]
protocol = "fastcgi"
listen = "{}"
{}
[nginx]
{}
{}
[expect]
{}
)",
                     p.name, p.listen, fake_body, p.nginx, p.requests, p.expect);
}

constexpr const char* kLocation = R"(location = """
root {{run_dir}}/www;
include /etc/nginx/fastcgi_params;
fastcgi_param SCRIPT_FILENAME $document_root/index.php;
fastcgi_read_timeout 300ms;
fastcgi_pass {{fakes.php}};
""")";

const Pair kPairs[] = {
    {"not-running", R"(behaviour = "not_running")", R"(behaviour = "php_fpm"
start = false)",
     kLocation, "", R"(status = 502
error_log = '\(2: No such file or directory\) while connecting to upstream')"},
    {"permission-denied", R"(behaviour = "permission_denied"
mode = "0660")",
     R"(behaviour = "php_fpm"
listen_mode = "0660")",
     R"(user = "nobody nogroup"
location = """
root {{run_dir}}/www;
include /etc/nginx/fastcgi_params;
fastcgi_param SCRIPT_FILENAME $document_root/index.php;
fastcgi_pass {{fakes.php}};
""")",
     "", R"(status = 502
error_log = '\[crit\].*\(13: Permission denied\) while connecting to upstream')"},
    {"slow-script", R"(behaviour = "ok"
latency = "700ms")",
     R"(behaviour = "php_fpm"
script = '<?php usleep(700000); echo "done";')",
     kLocation, "", R"(status = 504
error_log = 'upstream timed out \(110: Connection timed out\) while reading response header from upstream')"},
    {"terminated-worker", R"(behaviour = "killed"
when = "before_output"
how = "reset"
delay = "1s")",
     R"(behaviour = "php_fpm"
script = '<?php usleep(2500000); echo "done";'
request_terminate_timeout = "1s")",
     R"(location = """
root {{run_dir}}/www;
include /etc/nginx/fastcgi_params;
fastcgi_param SCRIPT_FILENAME $document_root/index.php;
fastcgi_read_timeout 5s;
fastcgi_pass {{fakes.php}};
""")",
     "", R"(status = 502
error_log = 'recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream')",
     // Over TCP: on a unix socket PHP's unread STDIN turns the kill into ECONNRESET, which a fake
     // that reads the whole request cannot reproduce (documented in the README).
     "tcp"},
    {"max-children", R"(behaviour = "overload"
capacity = 1
backlog = 0
latency = "400ms")",
     R"(behaviour = "php_fpm"
max_children = 1
backlog = 0
script = '<?php usleep(400000); echo "done";')",
     R"(location = """
root {{run_dir}}/www;
include /etc/nginx/fastcgi_params;
fastcgi_param SCRIPT_FILENAME $document_root/index.php;
fastcgi_read_timeout 3s;
fastcgi_pass {{fakes.php}};
""")",
     R"([[requests]]
count = 4
concurrency = 4)",
     R"(status_in = [200, 502]
error_log = 'connect\(\) to unix:.*failed \(11: Resource temporarily unavailable\)')"},
    {"headers-too-big", R"(behaviour = "big_header"
size = "8k")",
     R"(behaviour = "php_fpm"
script = '<?php header("X-Big: " . str_repeat("a", 8000)); echo "done";')",
     kLocation, "", R"(status = 502
error_log = 'upstream sent too big header while reading response header from upstream')"},
};

// "[crit] 12#12: *3 connect() to unix:/tmp/badgateway-x/php.sock failed (13: ...) while ...,
// client: ..."
// -> "[crit] connect() to unix:RUN/php.sock failed (13: ...) while ..."
std::set<std::string> upstream_messages(const PhaseResult& phase) {
  static const std::regex prefix(R"(^.*?(\[\w+\]) \d+#\d+: (\*\d+ )?)");
  static const std::regex run_dir(R"(/\S*badgateway-[^/]*/)");
  std::set<std::string> out;
  for (const auto& line : phase.observed.error_log) {
    if (line.find("upstream") == std::string::npos) continue;
    if (line.find("[notice]") != std::string::npos || line.find("[info]") != std::string::npos)
      continue;
    std::string m = std::regex_replace(line, prefix, "$1 ");
    m = m.substr(0, m.find(", client:"));
    out.insert(std::regex_replace(m, run_dir, "RUN/"));
  }
  return out;
}

// The kinds of answer, not their count: concurrency makes counts racy for real PHP-FPM too.
std::set<int> statuses(const PhaseResult& phase) {
  std::set<int> s;
  for (const auto& r : phase.observed.responses) s.insert(r.status);
  return s;
}

void check_pair(const Pair& pair) {
  if (PhpFpm::find_binary().empty()) {
    MESSAGE("php-fpm not installed: fidelity not checked");
    return;
  }
  LocalLauncher nginx;
  ScenarioResult fake =
      run_scenario(load_scenario_string(scenario_text(pair, pair.fake), "fake.toml"), nginx, {});
  ScenarioResult real =
      run_scenario(load_scenario_string(scenario_text(pair, pair.real), "real.toml"), nginx, {});
  CHECK_MESSAGE(real.verdict() == Verdict::pass, "real php-fpm: ", real.broken.summary(), " ",
                real.broken.harness_error.value_or(""));
  CHECK_MESSAGE(fake.verdict() == Verdict::pass, "fake: ", fake.broken.summary(), " ",
                fake.broken.harness_error.value_or(""));
  CHECK(statuses(fake.broken) == statuses(real.broken));
  CHECK(upstream_messages(fake.broken) == upstream_messages(real.broken));
  MESSAGE(std::string(pair.name), ": fake ", fake.broken.summary(), ", php-fpm ",
          real.broken.summary());
  for (const auto& m : upstream_messages(real.broken)) MESSAGE("php-fpm: ", m);
  for (const auto& m : upstream_messages(fake.broken)) MESSAGE("fake: ", m);
}

TEST_CASE("fidelity: not running") {
  check_pair(kPairs[0]);
}
TEST_CASE("fidelity: socket permission denied") {
  check_pair(kPairs[1]);
}
TEST_CASE("fidelity: script slower than fastcgi_read_timeout") {
  check_pair(kPairs[2]);
}
TEST_CASE("fidelity: worker killed by request_terminate_timeout") {
  check_pair(kPairs[3]);
}
TEST_CASE("fidelity: max_children exhausted") {
  check_pair(kPairs[4]);
}
TEST_CASE("fidelity: headers too big") {
  check_pair(kPairs[5]);
}

}  // namespace
}  // namespace badgateway
