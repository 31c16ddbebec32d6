#include <doctest/doctest.h>

#include <thread>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::fakes::Address;
using badgateway::fakes::fastcgi::RecordType;

namespace {

constexpr auto kStdout = static_cast<std::uint8_t>(RecordType::stdout_);
constexpr auto kEnd = static_cast<std::uint8_t>(RecordType::end_request);

}  // namespace

TEST_CASE(
    "fastcgi ok: STDOUT with Status 200, the fake's marker and a 64-byte body, then END_REQUEST") {
  FastcgiFixture fake("ok");
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);
  REQUIRE(client.send_request(FcgiRequest{}));
  FcgiResponse r = client.read_response();
  REQUIRE(r.has_end_request());
  CHECK(r.decode_error.empty());
  CHECK(r.types() == std::vector<std::uint8_t>{kStdout, kStdout, kEnd});
  CHECK(r.stdout_ended());
  for (const auto& record : r.records) CHECK(record.request_id == 1);
  CHECK(r.header("Status") == "200 OK");
  CHECK(r.header("X-Badgateway-Fake") == "ok");
  CHECK(r.header("Content-Type") == "text/html");
  CHECK_FALSE(r.header("Content-Length"));  // like PHP: the length is the stream's
  CHECK(r.cgi_body().size() == 64);
  CHECK(r.end_request()->app_status == 0);
  CHECK(r.end_request()->protocol_status == badgateway::fakes::fastcgi::kRequestComplete);
  // No FCGI_KEEP_CONN: the application closes after END_REQUEST, as PHP-FPM does.
  Received rest = client.read_all();
  CHECK(rest.bytes.empty());
  CHECK(rest.end == EndKind::eof);
}

TEST_CASE(
    "fastcgi ok: keep_conn serves two requests on one connection, then closes after one without "
    "it") {
  FastcgiFixture fake("ok");
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);

  FcgiRequest first;
  first.keep_conn = true;
  first.params = nginx_params("GET", "/first.php");
  REQUIRE(client.send_request(first));
  FcgiResponse a = client.read_response();
  REQUIRE(a.has_end_request());
  CHECK(a.end == EndKind::open);
  CHECK(a.header("Status") == "200 OK");

  FcgiRequest second;
  second.keep_conn = false;
  second.params = nginx_params("GET", "/second.php");
  REQUIRE(client.send_request(second));
  FcgiResponse b = client.read_response();
  REQUIRE(b.has_end_request());
  CHECK(b.header("Status") == "200 OK");
  CHECK(client.read_all().end == EndKind::eof);

  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 1);
  REQUIRE(stats.requests == 2);
  CHECK(stats.seen[0].target == "/first.php");
  CHECK(stats.seen[1].target == "/second.php");
}

TEST_CASE("fastcgi ok: the recorder sees method, target, every param and the stdin size") {
  FastcgiFixture fake("ok");
  FcgiRequest post;
  post.stdin_data = std::string(100'000, 'x');  // more than one STDIN record
  post.params = nginx_params("POST", "/submit.php?x=1", post.stdin_data.size());
  auto x = fastcgi_round_trip(fake.address(), post);
  REQUIRE(x.connect_error == 0);
  CHECK(x.response.has_end_request());
  REQUIRE(fake.events().wait_for("request POST /submit.php?x=1 (100000 body bytes)"));
  auto stats = fake.stop_and_stats();
  REQUIRE(stats.seen.size() == 1);
  const auto& seen = stats.seen[0];
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/submit.php?x=1");
  CHECK(seen.body_bytes == 100'000);
  CHECK(seen.header("SCRIPT_FILENAME") == "/var/www/submit.php");
  CHECK(seen.header("REQUEST_METHOD") == "POST");
  CHECK(seen.header("CONTENT_LENGTH") == "100000");
  CHECK(seen.headers.size() == nginx_params().size());
}

TEST_CASE("fastcgi ok: without REQUEST_URI the target is SCRIPT_NAME") {
  FastcgiFixture fake("ok");
  FcgiRequest request;
  request.params = {{"REQUEST_METHOD", "GET"}, {"SCRIPT_NAME", "/only.php"}};
  CHECK(fastcgi_round_trip(fake.address(), request).response.has_end_request());
  auto stats = fake.stop_and_stats();
  REQUIRE(stats.seen.size() == 1);
  CHECK(stats.seen[0].target == "/only.php");
}

TEST_CASE("fastcgi ok: status, body and latency params shape the response") {
  FastcgiFixture fake(
      "ok", {{"status", 404}, {"body", std::string("nope\n")}, {"latency", std::string("150ms")}});
  auto start = Clock::now();
  auto x = fastcgi_round_trip(fake.address());
  CHECK(elapsed_since(start) >= 150ms);
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.header("Status") == "404 Not Found");
  CHECK(x.response.cgi_body() == "nope\n");
}

TEST_CASE("fastcgi ok: a body larger than one record spans several STDOUT records") {
  FastcgiFixture fake("ok", {{"body_size", std::string("100k")}});
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.response.has_end_request());
  CHECK(x.response.cgi_body().size() == 100 * 1024);
  CHECK(x.response.records.size() == 4);  // 65535 + rest, empty STDOUT, END_REQUEST
}

TEST_CASE("fastcgi ok: a request that arrives a few bytes at a time is still assembled") {
  FastcgiFixture fake("ok");
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);
  std::string bytes = encode_request(FcgiRequest{});
  for (std::size_t i = 0; i < bytes.size(); i += 7) {
    REQUIRE(client.send(std::string_view(bytes).substr(i, 7)));
    if (i % 70 == 0) std::this_thread::sleep_for(1ms);
  }
  FcgiResponse r = client.read_response();
  CHECK(r.has_end_request());
  CHECK(r.header("Status") == "200 OK");
}

TEST_CASE("fastcgi ok: bytes that are not FastCGI are noted and the connection closed") {
  FastcgiFixture fake("ok");
  FastcgiClient client;
  REQUIRE(client.connect(fake.address()) == 0);
  REQUIRE(client.send(http_get("/")));
  Received r = client.read_all();
  CHECK(r.bytes.empty());
  CHECK(r.end == EndKind::eof);
  REQUIRE(fake.events().wait_for("fastcgi request not read: unsupported FastCGI version 71"));
  CHECK(fake.stop_and_stats().requests == 0);
}

TEST_CASE("fastcgi ok: serves on a unix socket") {
  FastcgiFixture fake("ok", {}, Address::unix_socket(unique_socket_path()));
  auto x = fastcgi_round_trip(fake.address());
  REQUIRE(x.connect_error == 0);
  CHECK(x.response.has_end_request());
  CHECK(x.response.header("X-Badgateway-Fake") == "ok");
}
