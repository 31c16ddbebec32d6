#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::fakes::fastcgi::RecordType;

TEST_CASE("fastcgi killed: before_output closes after reading the request, without a record") {
  FastcgiFixture fake("killed");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.connect_error == 0);
  CHECK(x.response.end == EndKind::eof);
  CHECK(x.response.raw.empty());
  CHECK(fake.events().wait_for("request GET /index.php"));
}

TEST_CASE("fastcgi killed: how=reset ends with RST") {
  FastcgiFixture fake("killed", {{"how", std::string("reset")}});
  auto x = fastcgi_round_trip(fake.address());
  CHECK(x.response.end == EndKind::reset);
  CHECK(x.response.raw.empty());
  CHECK(fake.stop_and_stats().resets_sent == 1);
}

TEST_CASE("fastcgi killed: after_headers sends the complete CGI header block, then dies") {
  FastcgiFixture fake("killed", {{"when", std::string("after_headers")}});
  auto x = fastcgi_round_trip(fake.address());
  CHECK(x.response.end == EndKind::eof);
  CHECK(x.response.header("Status") == "200 OK");
  CHECK(x.response.header("X-Badgateway-Fake") == "killed");
  CHECK(x.response.header("Content-Length") == "1024");
  CHECK(x.response.cgi_body().empty());
  CHECK_FALSE(x.response.stdout_ended());
  CHECK_FALSE(x.response.has_end_request());
}

TEST_CASE("fastcgi killed: mid_body sends half of the body Content-Length promised") {
  FastcgiFixture fake("killed",
                      {{"when", std::string("mid_body")}, {"body_size", std::string("2k")}});
  auto x = fastcgi_round_trip(fake.address());
  CHECK(x.response.end == EndKind::eof);
  CHECK(x.response.header("Content-Length") == "2048");
  CHECK(x.response.cgi_body().size() == 1024);
  CHECK_FALSE(x.response.stdout_ended());
  CHECK_FALSE(x.response.has_end_request());
}

TEST_CASE("fastcgi killed: content_length=false leaves the length to the stream") {
  FastcgiFixture fake("killed", {{"when", std::string("mid_body")}, {"content_length", false}});
  auto x = fastcgi_round_trip(fake.address());
  CHECK_FALSE(x.response.header("Content-Length"));
  CHECK(x.response.cgi_body().size() == 512);
  CHECK(x.response.end == EndKind::eof);
}

TEST_CASE("fastcgi killed: last_record picks what the worker still sent") {
  SUBCASE("stdout_end: the empty STDOUT record, no END_REQUEST") {
    FastcgiFixture fake(
        "killed", {{"when", std::string("mid_body")}, {"last_record", std::string("stdout_end")}});
    auto x = fastcgi_round_trip(fake.address());
    CHECK(x.response.stdout_ended());
    CHECK_FALSE(x.response.has_end_request());
    CHECK(x.response.records.back().is(RecordType::stdout_));
  }
  SUBCASE("end_request: END_REQUEST right after the short body") {
    FastcgiFixture fake(
        "killed", {{"when", std::string("mid_body")}, {"last_record", std::string("end_request")}});
    auto x = fastcgi_round_trip(fake.address());
    CHECK_FALSE(x.response.stdout_ended());
    REQUIRE(x.response.has_end_request());
    CHECK(x.response.cgi_body().size() == 512);
  }
}

TEST_CASE("fastcgi killed: delay is the time between the last output and the death") {
  FastcgiFixture fake("killed",
                      {{"when", std::string("after_headers")}, {"delay", std::string("300ms")}});
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);
  REQUIRE(client.send_request(FcgiRequest{}));
  FcgiResponse head = client.read_response(200ms);
  CHECK(head.end == EndKind::timed_out);
  CHECK(head.header("Status") == "200 OK");
  FcgiResponse rest = client.read_response(2s);
  CHECK(rest.end == EndKind::eof);
  CHECK(rest.raw.empty());
}

TEST_CASE("fastcgi killed: keep_conn does not keep a dead worker's connection") {
  FastcgiFixture fake("killed");
  FcgiRequest request;
  request.keep_conn = true;
  auto x = fastcgi_round_trip(fake.address(), request);
  CHECK(x.response.end == EndKind::eof);
}

TEST_CASE("fastcgi killed: parameters are validated") {
  CHECK(fastcgi_param_error_key("killed", {{"when", std::string("later")}}) == "when");
  CHECK(fastcgi_param_error_key("killed", {{"how", std::string("kill")}}) == "how");
  CHECK(fastcgi_param_error_key("killed", {{"body_size", 1}}) == "body_size");
  CHECK(fastcgi_param_error_key("killed", {{"last_record", std::string("x")}}) == "last_record");
}
