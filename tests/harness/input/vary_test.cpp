#include "harness/input/vary.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "harness/input/placeholders.hpp"

namespace bg = badgateway;

namespace {

std::string parse_error(const std::string& text) {
  try {
    bg::parse_vary(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(parsed)";
}

}  // namespace

TEST_CASE("vary: NAME=v1,v2 keeps the order and trims spaces around commas") {
  auto a = bg::parse_vary("read_timeout=100ms, 250ms ,1s");
  CHECK(a.name == "read_timeout");
  CHECK(a.values == std::vector<std::string>{"100ms", "250ms", "1s"});
  CHECK(bg::parse_vary("next=error timeout,off").values ==
        std::vector<std::string>{"error timeout", "off"});
  CHECK(bg::parse_vary("tries=3").values == std::vector<std::string>{"3"});
}

TEST_CASE("vary: bad names and values are one-line errors") {
  CHECK(parse_error("read_timeout") == "--vary \"read_timeout\": expected NAME=v1,v2,...");
  CHECK(parse_error("Read-Timeout=1s").find("lower-case letters") != std::string::npos);
  CHECK(parse_error("=1s").find("lower-case letters") != std::string::npos);
  CHECK(parse_error("t=1s,,2s") == "--vary t: \"\": an empty value");
  CHECK(parse_error("t=") == "--vary t: \"\": an empty value");
  CHECK(parse_error("t=1s,1s") == "--vary t: \"1s\" is given twice");
  CHECK(parse_error("t=1s; return 200") ==
        "--vary t: \"1s; return 200\": ';' could end or open a directive");
  CHECK(parse_error("t=1s}") == "--vary t: \"1s}\": '}' could end or open a directive");
  CHECK(parse_error("t=\"1s\"").find("'\"' could end") != std::string::npos);
  CHECK(
      parse_error("t=1s\nproxy_pass x") ==
      "--vary t: \"1s\nproxy_pass x\": a control character (a newline?) would break the directive");
  CHECK(parse_error("t=1s #").find("'#'") != std::string::npos);
  CHECK(parse_error("t=a\\b").find("'\\'") != std::string::npos);
}

TEST_CASE("vary: substitution fills {{vary.NAME}} only, leaving other placeholders for the run") {
  const std::map<std::string, std::string> values{{"read_timeout", "250ms"}};
  CHECK(bg::substitute_vary(
            "proxy_pass http://{{fakes.app}}; proxy_read_timeout {{ vary.read_timeout }};",
            values) == "proxy_pass http://{{fakes.app}}; proxy_read_timeout 250ms;");
  CHECK(bg::substitute_vary("a {{vary.other}} {{vary.read_timeout}}{{vary.read_timeout}}",
                            values) == "a {{vary.other}} 250ms250ms");
  CHECK(bg::substitute_vary("no placeholder", values) == "no placeholder");
}

TEST_CASE("vary: the placeholder is valid only in a sweep that varies its NAME") {
  CHECK(bg::check_placeholder("vary.t", {}).find("filled only by `badgateway sweep --vary 't=") !=
        std::string::npos);
  const std::vector<std::string> names{"t"};
  CHECK(bg::check_placeholder("vary.t", {}, &names).empty());
  CHECK(bg::check_placeholder("vary.u", {}, &names) ==
        "unknown placeholder {{vary.u}}: no --vary u=... was given (varied: t)");
}
