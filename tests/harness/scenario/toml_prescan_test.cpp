#include "harness/scenario/toml_prescan.hpp"

#include <doctest/doctest.h>

#include <string>

namespace bg = badgateway;

namespace {

std::string problem(std::string_view text) {
  auto p = bg::prescan_toml(text);
  if (!p) return "(ok)";
  return std::to_string(p->line) + ":" + std::to_string(p->column) + ": " + p->message;
}

}  // namespace

TEST_CASE("prescan_toml: the inputs that reach toml++'s undefined behaviour never pass") {
  CHECK(problem("\x5b\x01") == "1:2: control character U+0001 (write it as an escape in a string)");
  CHECK(problem("\xd1\x8a") ==
        "1:1: non-ASCII character outside a string or comment (quote a key that needs it)");
  CHECK(problem("a = 1\nb = \xff") == "2:5: invalid UTF-8 (byte 0xff)");
  CHECK(problem("a = \"\xc0\xaf\"") == "1:6: invalid UTF-8 (byte 0xc0)");
  CHECK(problem("a = \"\xed\xa0\x80\"") == "1:6: invalid UTF-8 (byte 0xed)");
  CHECK(problem("a = 1\rb = 2") == "1:6: carriage return not followed by newline");
  CHECK(problem("a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]") ==
        "1:37: arrays and tables nested deeper than 32");
  // Found by fuzz_scenario_loader: parse_key() assumes a header's key starts a key.
  const std::string header = "1:2: a table header starts with a key: a bare key or a quoted one";
  CHECK(problem("[.example.com\" }") == header);
  CHECK(problem("[=]") == header);
  CHECK(problem("status = [};") == "1:11: '}' closes no inline table");
  CHECK(problem("t = { a = [1] ]") == "1:15: ']' closes no array");
  CHECK(problem("[\nx]") == header);
  CHECK(problem("[ \r\n") == "1:3: a table header starts with a key: a bare key or a quoted one");
  CHECK(problem("a = 1\n  [[ .x]]") ==
        "2:6: a table header starts with a key: a bare key or a quoted one");
  CHECK(problem("# c\n[.x]") ==
        "2:2: a table header starts with a key: a bare key or a quoted one");
}

TEST_CASE("prescan_toml: valid TOML passes, whatever its strings and comments hold") {
  CHECK(problem("") == "(ok)");
  CHECK(problem("a = \"\xd1\x8a \\\" [[[ #\"  # \xd1\x8a comment\r\nb = 'it''s'\n") == "(ok)");
  CHECK(problem("a = \"\"\"\nline \xd1\x8a\n\"\" still \"\"\"\nb = '''\n[ '' ]'''\n") == "(ok)");
  CHECK(problem("\"\xd1\x8a\" = 1\n'\xd1\x8a' = 2\n") == "(ok)");
  CHECK(problem("a = \"\"\"x\"\"\"\"\"\nb = 1") == "(ok)");  // content may end in two quotes
  CHECK(problem("a = [\"]\", ']', \"\"\"]\"\"\"]\n") == "(ok)");
  CHECK(problem("t = \"\\t\ttab\"\n") == "(ok)");
  CHECK(problem("[a]\n[ \"b\" . c ]\n[[ 'd' ]]\n[_-9]\n[]\nx = [ [1], [.5] ]\n") == "(ok)");
}
