#include "harness/scenario/toml_guard.hpp"

#include <doctest/doctest.h>

#include <string>

#include "harness/scenario/toml.hpp"

namespace bg = badgateway;

TEST_CASE("toml guard: valid TOML and plain syntax errors are left to the in-process parse") {
  CHECK_FALSE(bg::check_toml_parser_safety("").has_value());
  CHECK_FALSE(bg::check_toml_parser_safety("name = \"x\"\n[a]\nb = [1, 2]\n").has_value());
  CHECK_FALSE(
      bg::check_toml_parser_safety("name = \"\xd1\x8a\xd2\x94\"  # \xd2\x94\n").has_value());
  CHECK_FALSE(bg::check_toml_parser_safety("name = \n").has_value());  // toml++ reports it itself
  CHECK_THROWS_AS((void)toml::parse("name = \n"), toml::parse_error);
}

// Every input that reached toml++ 3.3.0's undefined behaviour so far (fuzz findings; the pre-scan
// rejects the first five before the guard runs) is caught by the guard on its own.
TEST_CASE("toml guard: each known toml++ 3.3 undefined-behaviour input is refused at its place") {
  struct Case {
    std::string text;
    int line;
    int column;
    std::string at;
  };
  const Case cases[] = {
      {"[\x01", 1, 2, "the byte 0x01"},
      {"\xd1\x8a = 1\n", 1, 1, "U+044A"},
      {"a = [}\n", 1, 6, "'}'"},
      {"[.a]\n", 1, 2, "'.'"},
      {"\"\"\"\\\xef\xbb\xb7_", 1, 5, "U+FEF7"},
      {"\"\"\"\\  \xd2\x99**==X\"", 1, 7, "U+0499"},
      {"u=11-6'-\xef\xb3\xbf'", 1, 9, "U+FCFF"},
      {"-=-='[-=\xef\xbb\x9f-='", 1, 9, "U+FEDF"},
      {"ok = 1\nexpexct6ect6=9$\"\xdb\xb2\xd2\x94\n", 2, 18, "U+0494"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto p = bg::check_toml_parser_safety(c.text);
    REQUIRE(p.has_value());
    CHECK(p->line == c.line);
    CHECK(p->column == c.column);
    CHECK(p->message.find("fails one of its internal checks at " + c.at) != std::string::npos);
  }
}

TEST_CASE("toml guard: a session serves many checks, failures included, with one child at a time") {
  bg::TomlGuardSession session;
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(bg::check_toml_parser_safety("name = \"x\"\n").has_value());
    auto p = bg::check_toml_parser_safety("[\x01");
    REQUIRE(p.has_value());
    CHECK(p->column == 2);
  }
}
