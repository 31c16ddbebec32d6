#include "harness/input/placeholders.hpp"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>

namespace bg = badgateway;

namespace {

// A lookup over a fixed table; anything else is unknown.
std::function<std::optional<std::string>(const std::string&)> table_lookup(
    std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

const std::vector<std::string> kFakes = {"app", "backup"};

}  // namespace

TEST_SUITE("placeholders") {
  TEST_CASE("find_placeholders returns names and the offsets of their opening braces") {
    auto found = bg::find_placeholders("proxy_pass http://{{fakes.app}}; root {{ run_dir }};");
    REQUIRE(found.size() == 2);
    CHECK(found[0].name == "fakes.app");
    CHECK(found[0].offset == 18);
    CHECK(found[1].name == "run_dir");  // spaces inside the braces are trimmed
    CHECK(found[1].offset == 38);
  }

  TEST_CASE("find_placeholders on text without placeholders") {
    CHECK(bg::find_placeholders("").empty());
    CHECK(bg::find_placeholders("location / { return 200; }").empty());
    CHECK(bg::find_placeholders("a single { brace }").empty());
  }

  TEST_CASE("an unterminated placeholder is returned with an empty name") {
    auto found = bg::find_placeholders("{{fakes.app}} then {{fakes.app;");
    REQUIRE(found.size() == 2);
    CHECK(found[0].name == "fakes.app");
    CHECK(found[1].name.empty());
    CHECK(found[1].offset == 19);
    // Without a later "}}", it runs to the next one: the name then swallows the text between.
    auto swallowed = bg::find_placeholders("{{fakes.app and {{run_dir}}");
    REQUIRE(swallowed.size() == 1);
    CHECK(swallowed[0].name == "fakes.app and {{run_dir");
  }

  TEST_CASE("adjacent placeholders") {
    auto found = bg::find_placeholders("{{fakes.app.host}}:{{fakes.app.port}}");
    REQUIRE(found.size() == 2);
    CHECK(found[0].name == "fakes.app.host");
    CHECK(found[0].offset == 0);
    CHECK(found[1].name == "fakes.app.port");
    CHECK(found[1].offset == 19);
  }

  TEST_CASE("expand_placeholders substitutes every placeholder and keeps the rest") {
    auto lookup = table_lookup(
        {{"fakes.app", "127.0.0.1:9000"}, {"fakes.app.port", "9000"}, {"run_dir", "/tmp/run"}});
    CHECK(bg::expand_placeholders("proxy_pass http://{{fakes.app}};", lookup) ==
          "proxy_pass http://127.0.0.1:9000;");
    CHECK(bg::expand_placeholders("{{ run_dir }}/sock {{fakes.app.port}}{{fakes.app.port}}!",
                                  lookup) == "/tmp/run/sock 90009000!");
    CHECK(bg::expand_placeholders("no placeholders here", lookup) == "no placeholders here");
    CHECK(bg::expand_placeholders("", lookup).empty());
    CHECK(bg::expand_placeholders("multi\nline {{run_dir}}\n", lookup) == "multi\nline /tmp/run\n");
  }

  TEST_CASE("expand_placeholders throws on an unknown or unterminated placeholder") {
    auto lookup = table_lookup({{"fakes.app", "127.0.0.1:9000"}});
    CHECK_THROWS_AS(bg::expand_placeholders("{{fakes.nope}}", lookup), std::invalid_argument);
    CHECK_THROWS_WITH(bg::expand_placeholders("x {{fakes.nope}} y", lookup),
                      "unknown placeholder {{fakes.nope}}");
    CHECK_THROWS_AS(bg::expand_placeholders("{{fakes.app", lookup), std::invalid_argument);
    CHECK_THROWS_AS(bg::expand_placeholders("{{fakes.app}} {{", lookup), std::invalid_argument);
  }

  TEST_CASE("check_placeholder accepts the documented forms") {
    CHECK(bg::check_placeholder("run_dir", kFakes).empty());
    CHECK(bg::check_placeholder("nginx.conf_dir", kFakes).empty());
    CHECK(bg::check_placeholder("fakes.app", kFakes).empty());
    CHECK(bg::check_placeholder("fakes.backup", kFakes).empty());
    CHECK(bg::check_placeholder("fakes.app.host", kFakes).empty());
    CHECK(bg::check_placeholder("fakes.app.port", kFakes).empty());
    CHECK(bg::check_placeholder("fakes.app.path", kFakes).empty());
  }

  TEST_CASE("check_placeholder explains what is wrong") {
    CHECK(bg::check_placeholder("", kFakes).find("unterminated") != std::string::npos);
    std::string unknown_fake = bg::check_placeholder("fakes.nope", kFakes);
    CHECK(unknown_fake.find("{{fakes.nope}}") != std::string::npos);
    CHECK(unknown_fake.find("no fake named \"nope\"") != std::string::npos);
    std::string bad_attr = bg::check_placeholder("fakes.app.bogus", kFakes);
    CHECK(bad_attr.find("\"bogus\" is not host, port or path") != std::string::npos);
    std::string other = bg::check_placeholder("upstream.app", kFakes);
    CHECK(other.find("expected fakes.NAME") != std::string::npos);
    CHECK_FALSE(bg::check_placeholder("fakes.", kFakes).empty());
    CHECK_FALSE(bg::check_placeholder("fakes.app.port.extra", kFakes).empty());
    CHECK_FALSE(bg::check_placeholder("fakes.app", {}).empty());
    CHECK_FALSE(bg::check_placeholder("RUN_DIR", kFakes).empty());
    CHECK_FALSE(bg::check_placeholder("nginx.prefix", kFakes).empty());
  }

  TEST_CASE("check_placeholder rejects an empty attribute after a trailing dot") {
    // The run-time lookup has no value for "fakes.app.", so the load-time check must reject it.
    CHECK_FALSE(bg::check_placeholder("fakes.app.", kFakes).empty());
  }

  TEST_CASE("placeholder_lookup gives every form check_placeholder accepts a run's value") {
    const std::map<std::string, badgateway::fakes::Address> bound = {
        {"app", badgateway::fakes::Address::tcp("127.0.0.1", 8081)},
        {"php", badgateway::fakes::Address::unix_socket("/tmp/run/php.sock")}};
    auto lookup = bg::placeholder_lookup(bound, "/tmp/run", "/etc/nginx");
    CHECK(lookup("run_dir") == "/tmp/run");
    CHECK(lookup("nginx.conf_dir") == "/etc/nginx");
    CHECK(lookup("fakes.app") == "127.0.0.1:8081");
    CHECK(lookup("fakes.app.host") == "127.0.0.1");
    CHECK(lookup("fakes.app.port") == "8081");
    CHECK(lookup("fakes.php") == "unix:/tmp/run/php.sock");
    CHECK(lookup("fakes.php.path") == "/tmp/run/php.sock");
    CHECK(lookup("fakes.nope") == std::nullopt);
    CHECK(lookup("fakes.app.bogus") == std::nullopt);
    CHECK(lookup("fakes.app.") == std::nullopt);
    CHECK(lookup("upstream.app") == std::nullopt);
  }
}
