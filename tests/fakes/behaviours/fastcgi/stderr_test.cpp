#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::fakes::fastcgi::RecordType;

TEST_CASE("fastcgi stderr: a PHP warning on STDERR, then a normal 200") {
  FastcgiFixture fake("stderr");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  REQUIRE(x.response.records.size() >= 2);
  CHECK(x.response.records[0].is(RecordType::stderr_));
  CHECK(x.response.records[0].request_id == 1);
  CHECK(x.response.stderr_data() ==
        "PHP Warning:  Undefined variable $x in /var/www/index.php on line 3\n");
  CHECK(x.response.header("Status") == "200 OK");
  CHECK(x.response.header("X-Badgateway-Fake") == "stderr");
  CHECK(x.response.cgi_body().size() == 64);
  CHECK(x.response.stdout_ended());
}

TEST_CASE("fastcgi stderr: message and count params") {
  FastcgiFixture fake("stderr", {{"message", std::string("PHP Fatal error:  boom")}, {"count", 3}});
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  std::size_t stderr_records = 0;
  for (const auto& r : x.response.records) {
    if (r.is(RecordType::stderr_)) {
      ++stderr_records;
      CHECK(r.content == "PHP Fatal error:  boom\n");
    }
  }
  CHECK(stderr_records == 3);
  CHECK(x.response.header("Status") == "200 OK");
}

TEST_CASE("fastcgi stderr: keep_conn is honoured") {
  FastcgiFixture fake("stderr");
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);
  FcgiRequest request;
  request.keep_conn = true;
  for (int i = 0; i < 2; ++i) {
    REQUIRE(client.send_request(request));
    FcgiResponse r = client.read_response();
    CHECK(r.has_end_request());
    CHECK(r.end == EndKind::open);
  }
}

TEST_CASE("fastcgi stderr: an empty message is a parameter error") {
  CHECK(fastcgi_param_error_key("stderr", {{"message", std::string("")}}) == "message");
  CHECK(fastcgi_param_error_key("stderr", {{"count", 0}}) == "count");
}
