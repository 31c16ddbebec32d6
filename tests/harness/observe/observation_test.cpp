#include "harness/observe/observation.hpp"

#include <doctest/doctest.h>

namespace bg = badgateway;

TEST_SUITE("observation") {
  TEST_CASE("parse_access_line reads the six fields of kAccessLogFormat") {
    auto r = bg::parse_access_line("t1-0|502|502, 200|127.0.0.1:4001, 127.0.0.1:4002|0.125|157");
    REQUIRE(r.has_value());
    CHECK(r->request_id == "t1-0");
    CHECK(r->status == 502);
    CHECK(r->upstream_status == "502, 200");
    CHECK(r->upstream_addr == "127.0.0.1:4001, 127.0.0.1:4002");
    CHECK(r->request_time == doctest::Approx(0.125));
    CHECK(r->body_bytes == 157u);
    CHECK(r->attempts() == 2);
  }

  TEST_CASE("parse_access_line reads the upstream timings of the nine-field format") {
    auto r = bg::parse_access_line("t1-3|504|504|127.0.0.1:4001|0.201|167|0.000|-|0.201");
    REQUIRE(r.has_value());
    CHECK(r->request_time == doctest::Approx(0.201));
    CHECK(r->upstream_connect_time == "0.000");
    CHECK(r->upstream_header_time == "-");
    CHECK(r->upstream_response_time == "0.201");
    CHECK_FALSE(bg::parse_access_line("t1-3|504|504|127.0.0.1:4001|0.201|167|0.000").has_value());
  }

  TEST_CASE("a request nginx answered itself has no upstream") {
    auto r = bg::parse_access_line("t1-1|404|-|-|0.000|153");
    REQUIRE(r.has_value());
    CHECK(r->status == 404);
    CHECK(r->upstream_status == "-");
    CHECK(r->upstream_addr == "-");
    CHECK(r->request_time == doctest::Approx(0.0));
    CHECK(r->attempts() == 0);
  }

  TEST_CASE("a single attempt") {
    auto r = bg::parse_access_line("t1-2|200|200|unix:/tmp/run/app.sock|1.002|64");
    REQUIRE(r.has_value());
    CHECK(r->upstream_addr == "unix:/tmp/run/app.sock");
    CHECK(r->attempts() == 1);
  }

  TEST_CASE("attempts across an internal redirect") {
    bg::AccessRecord r;
    r.upstream_status = "502, 502 : 200";
    CHECK(r.attempts() == 3);
    r.upstream_status = "";
    CHECK(r.attempts() == 0);
    r.upstream_status = "504";
    CHECK(r.attempts() == 1);
  }

  TEST_CASE("lines that do not have six fields are rejected") {
    CHECK_FALSE(bg::parse_access_line("").has_value());
    CHECK_FALSE(bg::parse_access_line("t1-0|502|502|127.0.0.1:1|0.1").has_value());
    CHECK_FALSE(bg::parse_access_line("t1-0|502|502|127.0.0.1:1|0.1|5|extra").has_value());
    CHECK_FALSE(bg::parse_access_line("127.0.0.1 - - [01/Jan/2024] \"GET / HTTP/1.1\" 502 157")
                    .has_value());
  }

  TEST_CASE("non-numeric fields leave their defaults") {
    auto r = bg::parse_access_line("-|x|-|-|-|-");
    REQUIRE(r.has_value());
    CHECK(r->request_id == "-");
    CHECK(r->status == 0);
    CHECK(r->request_time == doctest::Approx(0.0));
    CHECK(r->body_bytes == 0u);
  }
}
