#include <doctest/doctest.h>

#include <cerrno>
#include <thread>

#include "tests/support/fastcgi_client.hpp"

using namespace badgateway::test;
using badgateway::Millis;
using badgateway::fakes::Address;

TEST_CASE(
    "fastcgi overload: capacity=1 backlog=0 on unix: one served, one queued unaccepted, then "
    "EAGAIN") {
  FastcgiFixture fake("overload", {{"capacity", 1}, {"backlog", 0}, {"latency", std::string("1s")}},
                      Address::unix_socket(unique_socket_path()));
  FastcgiClient busy;
  REQUIRE(busy.connect(fake.address()) == 0);
  REQUIRE(busy.send_request(FcgiRequest{}));
  REQUIRE(fake.events().wait_for("request GET /index.php"));

  // listen(0) on a unix socket holds one pending connection (Linux: full when queue > backlog).
  FastcgiClient queued;
  REQUIRE(queued.connect(fake.address()) == 0);
  REQUIRE(queued.send_request(FcgiRequest{}));  // buffered by the kernel before accept()
  FastcgiClient refused;
  CHECK(refused.connect(fake.address()) == EAGAIN);
  CHECK(refused.connect(fake.address()) == EAGAIN);
  std::this_thread::sleep_for(100ms);
  CHECK(fake.stats().connections == 1);  // the queued one was not accepted

  FcgiResponse first = busy.read_response(3s);
  REQUIRE(first.has_end_request());
  CHECK(first.header("Status") == "200 OK");

  // The worker is free: the queued connection is accepted and served.
  FcgiResponse second = queued.read_response(3s);
  REQUIRE(second.has_end_request());
  CHECK(second.header("X-Badgateway-Fake") == "overload");

  auto stats = fake.stop_and_stats();
  CHECK(stats.connections == 2);
  CHECK(stats.requests == 2);
  REQUIRE(stats.seen.size() == 2);
  CHECK(stats.seen[0].header("SCRIPT_FILENAME") == "/var/www/index.php");
  CHECK(stats.seen[0].method == "GET");
  CHECK(stats.seen[0].body_bytes == 0);
}

TEST_CASE("fastcgi overload: requests beyond capacity wait for a free worker (TCP)") {
  FastcgiFixture fake("overload", {{"capacity", 1}, {"latency", std::string("300ms")}});
  auto start = Clock::now();
  FastcgiClient a;
  FastcgiClient b;
  REQUIRE(a.connect(fake.address()) == 0);
  REQUIRE(b.connect(fake.address()) == 0);  // completes in the kernel, not accepted
  REQUIRE(a.send_request(FcgiRequest{}));
  REQUIRE(b.send_request(FcgiRequest{}));
  FcgiResponse ra = a.read_response(3s);
  FcgiResponse rb = b.read_response(3s);
  CHECK(ra.has_end_request());
  CHECK(rb.has_end_request());
  CHECK(elapsed_since(start) >= 600ms);  // served one after the other
}

TEST_CASE("fastcgi overload: capacity workers serve in parallel") {
  FastcgiFixture fake("overload", {{"capacity", 2}, {"latency", std::string("400ms")}});
  auto start = Clock::now();
  FastcgiClient a;
  FastcgiClient b;
  REQUIRE(a.connect(fake.address()) == 0);
  REQUIRE(b.connect(fake.address()) == 0);
  REQUIRE(a.send_request(FcgiRequest{}));
  REQUIRE(b.send_request(FcgiRequest{}));
  CHECK(a.read_response(3s).has_end_request());
  CHECK(b.read_response(3s).has_end_request());
  CHECK(elapsed_since(start) < 790ms);
}

TEST_CASE("fastcgi overload: a kept connection occupies its worker, as in PHP-FPM") {
  FastcgiFixture fake("overload", {{"capacity", 1}, {"latency", std::string("0ms")}});
  FastcgiClient kept;
  REQUIRE(kept.connect(fake.address()) == 0);
  FcgiRequest keep;
  keep.keep_conn = true;
  REQUIRE(kept.send_request(keep));
  REQUIRE(kept.read_response().has_end_request());

  FastcgiClient other;
  REQUIRE(other.connect(fake.address()) == 0);
  REQUIRE(other.send_request(FcgiRequest{}));
  CHECK(other.read_response(300ms).end == EndKind::timed_out);  // waits while `kept` is open
  kept.close();
  CHECK(other.read_response(2s).has_end_request());
}

TEST_CASE("fastcgi overload: stop() is bounded with connections waiting in the backlog") {
  FastcgiFixture fake("overload", {{"latency", std::string("60s")}},
                      Address::unix_socket(unique_socket_path()));
  FastcgiClient busy;
  FastcgiClient waiting;
  REQUIRE(busy.connect(fake.address()) == 0);
  REQUIRE(busy.send_request(FcgiRequest{}));
  REQUIRE(fake.events().wait_for("request "));
  REQUIRE(waiting.connect(fake.address()) == 0);
  auto start = Clock::now();
  fake.server().stop(Millis(10'000));
  CHECK(elapsed_since(start) < 2s);
  CHECK(fake.server().stats("overload").connections == 1);
}

TEST_CASE("fastcgi overload: parameters are validated") {
  CHECK(fastcgi_param_error_key("overload", {{"capacity", 0}}) == "capacity");
  CHECK(fastcgi_param_error_key("overload", {{"backlog", -1}}) == "backlog");
  CHECK(fastcgi_param_error_key("overload", {{"backlog", 0}}) == std::nullopt);
}
