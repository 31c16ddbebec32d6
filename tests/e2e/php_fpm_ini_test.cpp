// Real PHP-FPM's own settings: the pinned php.ini, extensions a scenario asks for, and the
// system's ini as an explicit choice.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "harness/nginx/local_launcher.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

// One request to a real PHP-FPM pool running `settings` (script, extensions, php_ini).
PhaseResult run_php(const std::string& settings, const std::string& expect) {
  const std::string text = fmt::format(R"(
name = "php-settings"
description = "d"
cause = "php_fpm_timeout"
teaches = "t"
[fakes.php]
protocol = "fastcgi"
listen = "unix"
behaviour = "php_fpm"
{}
[nginx]
location = """
root {{{{run_dir}}}}/www;
include /etc/nginx/fastcgi_params;
fastcgi_param SCRIPT_FILENAME $document_root/index.php;
fastcgi_pass {{{{fakes.php}}}};
"""
[expect]
{}
)",
                                       settings, expect);
  LocalLauncher nginx;
  return run_scenario(load_scenario_string(text, "php.toml"), nginx, {}).broken;
}

std::string explain(const PhaseResult& r) {
  std::string out = r.harness_error.value_or("") + " " + r.summary();
  for (const auto& c : r.checks) {
    if (!c.passed) out += fmt::format("; {}: {}", c.subject, c.actual);
  }
  return out;
}

// Regression (issue 10, bug 5): PHP-FPM ran with -n (no php.ini): display_errors on, so a fatal
// error was printed into a 200. With Debian's production defaults it is a 500 and a log line.
TEST_CASE("php-fpm: a fatal error is a 500 with the message in the log, not the response") {
  if (PhpFpm::find_binary().empty()) return;
  PhaseResult r = run_php("script = '<?php no_such_function();'",
                          "status = 500\nerror_log = 'PHP Fatal error:  Uncaught Error: Call to "
                          "undefined function no_such_function\\(\\)'");
  INFO(explain(r));
  CHECK(r.passed());
  REQUIRE(r.observed.responses.size() == 1);
  CHECK(r.observed.responses[0].status == 500);
  CHECK(r.observed.responses[0].body_bytes == 0);  // display_errors = Off: nothing shown
}

TEST_CASE("php-fpm: extensions load on request; the system's ini is an explicit choice") {
  if (PhpFpm::find_binary().empty()) return;
  const std::string ctype_script =
      "script = '<?php http_response_code(function_exists(\"ctype_digit\") ? 200 : 503);'";
  SUBCASE("pinned: only compiled-in extensions") {
    PhaseResult r = run_php(ctype_script, "status = 503");
    INFO(explain(r));
    CHECK(r.passed());
  }
  SUBCASE("extensions = \"ctype\"") {
    PhaseResult r = run_php(ctype_script + "\nextensions = \"ctype\"", "status = 200");
    INFO(explain(r));
    CHECK(r.passed());
  }
  SUBCASE("php_ini = \"system\": the machine's conf.d loads it") {
    PhaseResult r = run_php(ctype_script + "\nphp_ini = \"system\"", "status = 200");
    INFO(explain(r));
    CHECK(r.passed());
  }
  SUBCASE("a missing extension is an error naming it") {
    PhaseResult r = run_php(ctype_script + "\nextensions = \"no_such_ext\"", "status = 200");
    REQUIRE(r.harness_error);
    CHECK(r.harness_error->find("extension \"no_such_ext\" could not be loaded") !=
          std::string::npos);
  }
}

}  // namespace
}  // namespace badgateway
