#include "harness/regex/regex.hpp"

#include <doctest/doctest.h>

#include <string>

namespace bg = badgateway;

TEST_CASE("Regex: PCRE2 searches like nginx's patterns") {
  bg::Regex re(R"(connect\(\) failed \((\d+): [^)]*\))");
  CHECK(re.search("2024/01/01 [error] 1#1: *1 connect() failed (111: Connection refused) while"));
  CHECK_FALSE(re.search("upstream timed out (110: Connection timed out)"));
  auto groups = re.search_groups("x connect() failed (111: Connection refused) y");
  REQUIRE(groups);
  CHECK((*groups)[1] == "111");
  CHECK_FALSE(bg::Regex("^a$").search("ba"));
  SUBCASE("a group that takes no part is empty") {
    auto g = bg::Regex("(a)|(b)").search_groups("b");
    REQUIRE(g);
    CHECK((*g)[1].empty());
    CHECK((*g)[2] == "b");
  }
}

TEST_CASE("Regex: a bad pattern is an error with a message, not a crash") {
  auto message = [](const std::string& pattern) -> std::string {
    try {
      bg::Regex re(pattern);
    } catch (const bg::RegexError& e) {
      return e.what();
    }
    return "(compiled)";
  };
  CHECK(message("a(b") == "missing closing parenthesis at offset 3");
  // 30,000 nested groups overflowed std::regex's stack; PCRE2 stops at its nesting limit.
  std::string deep = std::string(30'000, '(') + std::string(30'000, ')');
  CHECK(message(deep) == "parentheses are too deeply nested at offset 251");
  CHECK(message(std::string(bg::kMaxPatternBytes + 1, 'a')) == "longer than 65536 bytes");
}

TEST_CASE("Regex: catastrophic backtracking hits the match limit and throws") {
  bg::Regex re("(a+)+$");
  std::string subject(40, 'a');
  subject += 'b';
  CHECK_THROWS_AS(re.search(subject), bg::RegexError);
  CHECK(re.search("aaa"));  // still usable
}

// Anchored with append(), not `"^" + std::string`: GCC 12 at -O3 warns falsely about that
// operator+ (-Wrestrict, GCC bug 105651), which -Werror turns into a failed Release build.
namespace {
std::string anchored(const std::string& quoted) {
  return std::string("^").append(quoted).append("$");
}
}  // namespace

TEST_CASE("regex_quote: a value matches itself and nothing else, \\E included") {
  for (const char* text :
       {"127.0.0.1:8080", "unix:/run/a b/php.sock", "a\\Eb", "(.*)[x]{2}", "\\", "\\E", ""}) {
    CAPTURE(text);
    bg::Regex re(anchored(bg::regex_quote(text)));
    CHECK(re.search(text));
  }
  CHECK_FALSE(bg::Regex(bg::regex_quote("127.0.0.1")).search("127x0x0x1"));
  CHECK_FALSE(bg::Regex(anchored(bg::regex_quote("a\\Eb"))).search("ab"));
}
