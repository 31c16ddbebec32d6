#include "harness/input/names.hpp"

#include <doctest/doctest.h>

#include <string>

namespace bg = badgateway;

TEST_CASE("names: checked by plain loops, any length") {
  CHECK(bg::check_scenario_name("php-fpm-down-2").empty());
  CHECK(bg::check_scenario_name("-x") == "use lower-case letters, digits and '-'");
  CHECK(bg::check_scenario_name(std::string(50'000, 'a')) ==
        "is 50000 characters long (at most 100)");
  CHECK(bg::check_fake_name("app_2").empty());
  CHECK(bg::check_fake_name("2app") == "fake names are snake_case: [a-z][a-z0-9_]*");
  CHECK(bg::check_method("PATCH").empty());
  CHECK(bg::check_method("get") == "expected an upper-case HTTP method");
  CHECK(bg::check_user_name("nobody nogroup", true).empty());
  CHECK_FALSE(bg::check_user_name("nobody nogroup", false).empty());
  CHECK_FALSE(bg::check_user_name("a\nuser = root", false).empty());
  CHECK_FALSE(bg::check_user_name("nobody;", true).empty());
  CHECK_FALSE(bg::check_user_name("nobody ", true).empty());
  CHECK(bg::check_single_line("a b").empty());
  CHECK(bg::check_single_line("a\r\nb") == "contains the control character U+000D");
}

TEST_CASE("names: host and port as a config names an upstream") {
  bg::HostAndPort hp;
  CHECK(bg::check_host_and_port("app.internal:8080", hp).empty());
  CHECK(hp.host == "app.internal");
  CHECK(hp.port == 8080);
  CHECK(bg::check_host_and_port("app", hp).empty());
  CHECK(hp.port == 0);
  CHECK(bg::check_host_and_port("app:0", hp) == "port 0 is out of range [1, 65535]");
  CHECK(bg::check_host_and_port("app:99999", hp) == "port 99999 is out of range [1, 65535]");
  for (const char* bad :
       {"10.0.0.1", "-app", "app.", "app:", "app:x", "a_b", ":80", "app:123456"}) {
    INFO(bad);
    CHECK(bg::check_host_and_port(bad, hp).rfind("expected the host name", 0) == 0);
  }
  CHECK(bg::check_host_and_port(std::string(300, 'a'), hp) ==
        "host name is 300 characters long (at most 253)");
}
