#include "fakes/core/params.hpp"

#include <doctest/doctest.h>

#include <string>

using badgateway::Millis;
using badgateway::fakes::ParamError;
using badgateway::fakes::Params;

namespace {

// The key of the ParamError `f` throws, or "" if it throws none.
template <typename F>
std::string error_key(F&& f) {
  try {
    f();
  } catch (const ParamError& e) {
    return e.key();
  }
  return "";
}

}  // namespace

TEST_CASE("params: missing keys give the fallback") {
  Params p;
  CHECK(p.integer("n", 7, 0, 10) == 7);
  CHECK(p.duration("d", Millis(250)) == Millis(250));
  CHECK(p.size("s", 99) == 99);
  CHECK(p.boolean("b", true));
  CHECK(p.text("t", "fallback") == "fallback");
  CHECK(p.choice("c", "b", {"a", "b"}) == "b");
  CHECK_NOTHROW(p.reject_unused());
}

TEST_CASE("params: has() sees set keys") {
  Params p;
  CHECK_FALSE(p.has("x"));
  p.set("x", std::int64_t{1});
  CHECK(p.has("x"));
}

TEST_CASE("params: integer accepts integers and integer strings within range") {
  Params p({{"a", std::int64_t{5}}, {"b", std::string("42")}, {"c", std::string("-3")}});
  CHECK(p.integer("a", 0, 0, 10) == 5);
  CHECK(p.integer("b", 0, 0, 100) == 42);
  CHECK(p.integer("c", 0, -10, 10) == -3);
}

TEST_CASE("params: integer rejects non-integers and values out of range, naming the key") {
  CHECK(error_key([] { Params({{"n", std::string("4x")}}).integer("n", 0, 0, 10); }) == "n");
  CHECK(error_key([] { Params({{"n", std::string("")}}).integer("n", 0, 0, 10); }) == "n");
  CHECK(error_key([] { Params({{"n", 1.5}}).integer("n", 0, 0, 10); }) == "n");
  CHECK(error_key([] { Params({{"n", true}}).integer("n", 0, 0, 10); }) == "n");
  CHECK(error_key([] { Params({{"n", std::int64_t{11}}}).integer("n", 0, 0, 10); }) == "n");
  CHECK(error_key([] { Params({{"n", std::int64_t{-1}}}).integer("n", 0, 0, 10); }) == "n");
  CHECK(error_key([] { Params({{"n", std::int64_t{10}}}).integer("n", 0, 0, 10); }) == "");
}

TEST_CASE("params: the range error message states the range") {
  try {
    Params({{"port", std::int64_t{70000}}}).integer("port", 0, 1, 65535);
    FAIL("no error");
  } catch (const ParamError& e) {
    CHECK(e.key() == "port");
    CHECK(std::string(e.what()).find("[1, 65535]") != std::string::npos);
  }
}

TEST_CASE("params: duration needs a string with a unit") {
  Params p({{"a", std::string("250ms")}, {"b", std::string("2s")}, {"c", std::string("0")}});
  CHECK(p.duration("a", Millis(0)) == Millis(250));
  CHECK(p.duration("b", Millis(0)) == Millis(2000));
  CHECK(p.duration("c", Millis(5)) == Millis(0));
  CHECK(error_key([] { Params({{"d", std::string("300")}}).duration("d", Millis(0)); }) == "d");
  CHECK(error_key([] { Params({{"d", std::int64_t{300}}}).duration("d", Millis(0)); }) == "d");
  CHECK(error_key([] { Params({{"d", std::string("soon")}}).duration("d", Millis(0)); }) == "d");
}

TEST_CASE("params: size accepts non-negative integers and size strings") {
  Params p({{"a", std::int64_t{512}}, {"b", std::string("8k")}, {"c", std::string("1MiB")}});
  CHECK(p.size("a", 0) == 512);
  CHECK(p.size("b", 0) == 8192);
  CHECK(p.size("c", 0) == 1024 * 1024);
  CHECK(error_key([] { Params({{"s", std::int64_t{-1}}}).size("s", 0); }) == "s");
  CHECK(error_key([] { Params({{"s", std::string("big")}}).size("s", 0); }) == "s");
  CHECK(error_key([] { Params({{"s", 1.5}}).size("s", 0); }) == "s");
}

TEST_CASE("params: boolean accepts bools and the strings true/false only") {
  Params p({{"a", true}, {"b", std::string("false")}, {"c", std::string("true")}});
  CHECK(p.boolean("a", false));
  CHECK_FALSE(p.boolean("b", true));
  CHECK(p.boolean("c", false));
  CHECK(error_key([] { Params({{"x", std::string("yes")}}).boolean("x", false); }) == "x");
  CHECK(error_key([] { Params({{"x", std::int64_t{1}}}).boolean("x", false); }) == "x");
}

TEST_CASE("params: text accepts strings only") {
  Params p({{"t", std::string("hello")}});
  CHECK(p.text("t", "") == "hello");
  CHECK(error_key([] { Params({{"t", std::int64_t{3}}}).text("t", ""); }) == "t");
}

TEST_CASE("params: choice accepts listed values and names the allowed ones otherwise") {
  Params p({{"mode", std::string("queue")}});
  CHECK(p.choice("mode", "status", {"queue", "status"}) == "queue");
  try {
    Params({{"mode", std::string("drop")}}).choice("mode", "status", {"queue", "status"});
    FAIL("no error");
  } catch (const ParamError& e) {
    CHECK(e.key() == "mode");
    std::string what = e.what();
    CHECK(what.find("drop") != std::string::npos);
    CHECK(what.find("queue, status") != std::string::npos);
  }
}

TEST_CASE("params: a fallback outside the choices is rejected too") {
  CHECK(error_key([] { Params().choice("mode", "other", {"a", "b"}); }) == "mode");
}

TEST_CASE("params: reject_unused names the first key no getter read") {
  Params p({{"used", std::int64_t{1}}, {"zz_typo", std::int64_t{2}}, {"also_used", true}});
  p.integer("used", 0, 0, 10);
  p.boolean("also_used", false);
  try {
    p.reject_unused();
    FAIL("no error");
  } catch (const ParamError& e) {
    CHECK(e.key() == "zz_typo");
  }
  p.integer("zz_typo", 0, 0, 10);
  CHECK_NOTHROW(p.reject_unused());
}

TEST_CASE("params: a key read with an invalid value still counts as used") {
  Params p({{"n", std::string("x")}});
  CHECK_THROWS_AS(p.integer("n", 0, 0, 1), ParamError);
  CHECK_NOTHROW(p.reject_unused());
}
