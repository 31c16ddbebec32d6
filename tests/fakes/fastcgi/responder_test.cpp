#include "fakes/fastcgi/responder.hpp"

#include <doctest/doctest.h>

#include "fakes/behaviours/registry.hpp"

using namespace badgateway::fakes;
using namespace badgateway::fakes::fastcgi;

TEST_CASE(
    "fastcgi responder: fastcgi_response is STDOUT records, an empty STDOUT and END_REQUEST") {
  std::string payload(70'000, 'p');
  std::string bytes = fastcgi_response(7, payload, 3);
  RecordDecoder decoder;
  decoder.feed(bytes);
  std::vector<Record> records;
  while (auto r = decoder.next()) records.push_back(std::move(*r));
  CHECK_FALSE(decoder.failed());
  CHECK(decoder.buffered() == 0);
  REQUIRE(records.size() == 4);
  CHECK(records[0].is(RecordType::stdout_));
  CHECK(records[0].content.size() == kMaxContentLength);
  CHECK(records[0].content + records[1].content == payload);
  CHECK(records[2].is(RecordType::stdout_));
  CHECK(records[2].content.empty());
  REQUIRE(records[3].is(RecordType::end_request));
  auto end = decode_end_request(records[3].content);
  REQUIRE(end);
  CHECK(end->app_status == 3);
  CHECK(end->protocol_status == kRequestComplete);
  for (const auto& r : records) CHECK(r.request_id == 7);
}

TEST_CASE("fastcgi responder: cgi_status") {
  CHECK(cgi_status(200) == "200 OK");
  CHECK(cgi_status(404) == "404 Not Found");
}

TEST_CASE("fastcgi registry: the FastCGI behaviours are registered under Protocol::fastcgi") {
  for (const char* name :
       {"ok", "refuse", "not_running", "permission_denied", "stall", "killed", "stderr",
        "bad_version", "bad_record_type", "wrong_request_id", "end_before_stdout", "invalid_status",
        "big_header", "invalid_header", "overload"}) {
    CAPTURE(name);
    const BehaviourInfo* info = find_behaviour(name, Protocol::fastcgi);
    REQUIRE(info != nullptr);
    CHECK(info->protocol == Protocol::fastcgi);
  }
  // Same name, other protocol: a different entry.
  CHECK(find_behaviour("ok", Protocol::http) != find_behaviour("ok", Protocol::fastcgi));
  CHECK(find_behaviour("not_running", Protocol::http) == nullptr);
}
