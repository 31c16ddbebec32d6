#include "harness/nginx/version.hpp"

#include <doctest/doctest.h>

namespace bg = badgateway;
using bg::NginxVersion;
using bg::VersionRange;

namespace {

NginxVersion v(const char* text) {
  auto parsed = NginxVersion::parse(text);
  REQUIRE_MESSAGE(parsed.has_value(), text);
  return *parsed;
}

VersionRange range(const char* text) {
  std::string error;
  auto parsed = VersionRange::parse(text, &error);
  REQUIRE_MESSAGE(parsed.has_value(), text << ": " << error);
  CHECK(error.empty());
  return *parsed;
}

std::string range_error(const char* text) {
  std::string error;
  auto parsed = VersionRange::parse(text, &error);
  CHECK_FALSE(parsed.has_value());
  return error;
}

}  // namespace

TEST_SUITE("version") {
  TEST_CASE("parse reads major.minor.patch") {
    auto x = v("1.22.1");
    CHECK(x.major == 1);
    CHECK(x.minor == 22);
    CHECK(x.patch == 1);
    CHECK(x.str() == "1.22.1");
  }

  TEST_CASE("parse accepts major.minor with patch 0") {
    auto x = v("1.23");
    CHECK(x.major == 1);
    CHECK(x.minor == 23);
    CHECK(x.patch == 0);
    CHECK(x.str() == "1.23.0");
  }

  TEST_CASE("parse ignores a fourth component (OpenResty)") {
    CHECK(v("1.21.4.1").str() == "1.21.4");
  }

  TEST_CASE("parse rejects what is not a version") {
    CHECK_FALSE(NginxVersion::parse("").has_value());
    CHECK_FALSE(NginxVersion::parse("1").has_value());
    CHECK_FALSE(NginxVersion::parse("nginx").has_value());
    CHECK_FALSE(NginxVersion::parse("1.x").has_value());
    CHECK_FALSE(NginxVersion::parse("1-22-1").has_value());
    CHECK_FALSE(NginxVersion::parse("v1.22.1").has_value());
    CHECK_FALSE(NginxVersion::parse("~1.2").has_value());
  }

  TEST_CASE("versions compare component by component") {
    CHECK(v("1.22.1") < v("1.23"));
    CHECK(v("1.9.15") < v("1.10.0"));  // numerically, not as text
    CHECK(v("1.23.0") == v("1.23"));
    CHECK(v("2.0.0") > v("1.99.99"));
    CHECK(v("1.25.3") != v("1.25.4"));
  }

  TEST_CASE("from_banner reads `nginx -v` output") {
    auto nginx = NginxVersion::from_banner("nginx version: nginx/1.22.1");
    REQUIRE(nginx.has_value());
    CHECK(nginx->str() == "1.22.1");

    auto openresty = NginxVersion::from_banner("nginx version: openresty/1.21.4.1");
    REQUIRE(openresty.has_value());
    CHECK(openresty->str() == "1.21.4");

    auto with_suffix = NginxVersion::from_banner("nginx version: nginx/1.29.7 (Ubuntu)\n");
    REQUIRE(with_suffix.has_value());
    CHECK(with_suffix->str() == "1.29.7");

    auto two_parts = NginxVersion::from_banner("nginx version: nginx/1.25");
    REQUIRE(two_parts.has_value());
    CHECK(two_parts->str() == "1.25.0");
  }

  TEST_CASE("from_banner without a version") {
    CHECK_FALSE(NginxVersion::from_banner("").has_value());
    CHECK_FALSE(NginxVersion::from_banner("nginx: command not found").has_value());
    CHECK_FALSE(NginxVersion::from_banner("nginx version: nginx").has_value());
  }

  TEST_CASE("a lower bound") {
    auto r = range(">=1.23");
    CHECK(r.text() == ">=1.23");
    CHECK(r.contains(v("1.23.0")));
    CHECK(r.contains(v("1.29.7")));
    CHECK_FALSE(r.contains(v("1.22.1")));
  }

  TEST_CASE("an upper bound") {
    auto r = range("<1.23");
    CHECK(r.contains(v("1.22.1")));
    CHECK(r.contains(v("1.9.0")));
    CHECK_FALSE(r.contains(v("1.23.0")));
    CHECK_FALSE(r.contains(v("1.24.0")));
  }

  TEST_CASE("all clauses must hold") {
    auto r = range(">=1.23, <1.29.7");
    CHECK(r.text() == ">=1.23, <1.29.7");
    CHECK(r.contains(v("1.23.0")));
    CHECK(r.contains(v("1.29.6")));
    CHECK_FALSE(r.contains(v("1.29.7")));
    CHECK_FALSE(r.contains(v("1.22.9")));
  }

  TEST_CASE("the other comparisons") {
    CHECK(range("<=1.23").contains(v("1.23.0")));
    CHECK_FALSE(range("<=1.23").contains(v("1.23.1")));
    CHECK(range(">1.23").contains(v("1.23.1")));
    CHECK_FALSE(range(">1.23").contains(v("1.23.0")));
    CHECK(range("!=1.23.1").contains(v("1.23.2")));
    CHECK_FALSE(range("!=1.23.1").contains(v("1.23.1")));
    CHECK(range("==1.23.1").contains(v("1.23.1")));
  }

  TEST_CASE("a bare version is an exact match") {
    auto r = range("1.22.1");
    CHECK(r.contains(v("1.22.1")));
    CHECK_FALSE(r.contains(v("1.22.2")));
    CHECK_FALSE(r.contains(v("1.22.0")));
  }

  TEST_CASE("bad ranges are rejected with a reason") {
    CHECK(range_error("~1.2").find("\"~1.2\"") != std::string::npos);
    CHECK(range_error("=>1.23").find("unknown comparison \"=>\"") != std::string::npos);
    CHECK(range_error("<<1.23").find("unknown comparison") != std::string::npos);
    CHECK(range_error(">=1.x").find("\"1.x\" is not a version") != std::string::npos);
    CHECK(range_error(">=").find("is not a version") != std::string::npos);
    CHECK(range_error("").find("empty version range") != std::string::npos);
    CHECK(range_error(" , ").find("empty version range") != std::string::npos);
    CHECK(range_error(">=1.23, banana").find("\"banana\"") != std::string::npos);
  }

  TEST_CASE("the error pointer is optional") {
    CHECK_FALSE(VersionRange::parse("~1.2").has_value());
    CHECK(VersionRange::parse(">=1.23").has_value());
  }
}
