#include <doctest/doctest.h>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
namespace fcgi = badgateway::fakes::fastcgi;

namespace {

// The records of `raw` once the first header's version byte is repaired.
std::vector<fcgi::Record> repaired(std::string raw) {
  raw[0] = 1;
  fcgi::RecordDecoder decoder;
  decoder.feed(raw);
  std::vector<fcgi::Record> records;
  while (auto r = decoder.next()) records.push_back(std::move(*r));
  return records;
}

}  // namespace

TEST_CASE(
    "fastcgi bad_version: the first record header says version 2, the rest is a normal response") {
  FastcgiFixture fake("bad_version");
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE_FALSE(x.response.raw.empty());
  CHECK(x.response.raw[0] == 2);
  CHECK(x.response.decode_error.find("unsupported FastCGI version 2") != std::string::npos);
  auto records = repaired(x.response.raw);
  REQUIRE(records.size() == 3);
  CHECK(records[0].is(fcgi::RecordType::stdout_));
  CHECK(records[0].content.find("X-Badgateway-Fake: bad_version\r\n") != std::string::npos);
  CHECK(records[2].is(fcgi::RecordType::end_request));
}

TEST_CASE("fastcgi bad_version: version=72 starts the reply with 'H', like an HTTP server") {
  FastcgiFixture fake("bad_version", {{"version", 72}});
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE_FALSE(x.response.raw.empty());
  CHECK(x.response.raw[0] == 'H');
}

TEST_CASE("fastcgi bad_version: version 1 or out of range is a parameter error") {
  CHECK(fastcgi_param_error_key("bad_version", {{"version", 1}}) == "version");
  CHECK(fastcgi_param_error_key("bad_version", {{"version", 256}}) == "version");
  CHECK(fastcgi_param_error_key("bad_version", {{"version", 0}}) == std::nullopt);
}
