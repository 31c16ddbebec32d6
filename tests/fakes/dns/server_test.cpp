// The DNS fake served over UDP and TCP on one port, asked by plain sockets as a resolver would:
// answers, the TCP retry after TC, silence, and the query record verdicts count.
#include "fakes/dns/server.hpp"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "tests/support/dns_query.hpp"

#include <optional>
#include <stdexcept>
#include <vector>

namespace dns = badgateway::fakes::dns;

namespace {

sockaddr_in to_sockaddr(const badgateway::fakes::Address& a) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(a.port);
  REQUIRE(::inet_pton(AF_INET, a.host.c_str(), &sa.sin_addr) == 1);
  return sa;
}

// Waits at most `ms` for `fd` to be readable.
bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 1;
}

std::optional<std::vector<std::uint8_t>> ask_udp(const dns::DnsServer& s,
                                                 const std::vector<std::uint8_t>& q, int ms) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in sa = to_sockaddr(s.address());
  REQUIRE(::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa) ==
          static_cast<ssize_t>(q.size()));
  std::optional<std::vector<std::uint8_t>> out;
  if (readable(fd, ms)) {
    std::vector<std::uint8_t> buf(65535);
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    REQUIRE(n > 0);
    buf.resize(static_cast<std::size_t>(n));
    out = std::move(buf);
  }
  ::close(fd);
  return out;
}

std::vector<std::uint8_t> ask_tcp(const dns::DnsServer& s, const std::vector<std::uint8_t>& q) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in sa = to_sockaddr(s.address());
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  std::vector<std::uint8_t> framed{static_cast<std::uint8_t>(q.size() >> 8),
                                   static_cast<std::uint8_t>(q.size() & 0xff)};
  framed.insert(framed.end(), q.begin(), q.end());
  REQUIRE(::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(framed.size()));
  std::vector<std::uint8_t> in;
  while (readable(fd, 5000)) {
    std::uint8_t buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.insert(in.end(), buf, buf + n);
    if (in.size() >= 2 && in.size() >= 2u + (in[0] << 8 | in[1])) break;
  }
  ::close(fd);
  REQUIRE(in.size() >= 2);
  return {in.begin() + 2, in.end()};
}

struct Answer {
  ldns_pkt_rcode rcode{};
  bool tc = false;
  std::size_t records = 0;
};

Answer read(const std::vector<std::uint8_t>& wire) {
  ldns_pkt* p = nullptr;
  REQUIRE(ldns_wire2pkt(&p, wire.data(), wire.size()) == LDNS_STATUS_OK);
  Answer a{ldns_pkt_get_rcode(p), ldns_pkt_tc(p), ldns_pkt_ancount(p)};
  ldns_pkt_free(p);
  return a;
}

dns::Zone zone() {
  dns::Zone z;
  z.names["app.test"] = {{"192.0.2.10"}, {}, "", std::chrono::seconds{1}};
  dns::NameAnswer big;
  big.a = {"192.0.2.20"};
  big.fault = dns::Fault::truncated;
  z.names["big.test"] = big;
  dns::NameAnswer quiet;
  quiet.fault = dns::Fault::silent;
  z.names["quiet.test"] = quiet;
  return z;
}

}  // namespace

TEST_CASE("dns server: UDP and TCP on one loopback port, every query recorded") {
  dns::DnsServer server(zone());
  CHECK(server.address().host == "127.0.0.1");
  CHECK(server.address().port != 0);
  server.start();
  auto udp = ask_udp(server, badgateway::test::dns_query("app.test", LDNS_RR_TYPE_A), 5000);
  REQUIRE(udp);
  CHECK(read(*udp).records == 1);
  auto nx = ask_udp(server, badgateway::test::dns_query("nope.test", LDNS_RR_TYPE_A), 5000);
  REQUIRE(nx);
  CHECK(read(*nx).rcode == LDNS_RCODE_NXDOMAIN);
  // Truncated over UDP, whole over TCP: what a resolver does next.
  auto tc = ask_udp(server, badgateway::test::dns_query("big.test", LDNS_RR_TYPE_A), 5000);
  REQUIRE(tc);
  CHECK(read(*tc).tc);
  auto whole = read(ask_tcp(server, badgateway::test::dns_query("big.test", LDNS_RR_TYPE_A)));
  CHECK_FALSE(whole.tc);
  CHECK(whole.records == 1);
  // Silence: nothing comes back (200 ms is far beyond a loopback answer's time).
  CHECK_FALSE(ask_udp(server, badgateway::test::dns_query("quiet.test", LDNS_RR_TYPE_A), 200));
  server.stop();
  server.stop();  // idempotent
  auto q = server.queries();
  REQUIRE(q.size() == 5);
  CHECK(q[0].name == "app.test");
  CHECK(q[0].type == "A");
  CHECK_FALSE(q[0].tcp);
  CHECK(q[3].name == "big.test");
  CHECK(q[3].tcp);
  CHECK(server.count("big.test.") == 2);
  CHECK(server.count("APP.test") == 1);
  CHECK(server.count("other.test") == 0);
}

TEST_CASE("dns server: a server never started stops at once; garbage gets no answer") {
  { dns::DnsServer idle(zone()); }
  dns::DnsServer server(zone());
  server.start();
  CHECK_FALSE(ask_udp(server, {0x01, 0x02, 0x03}, 200));
  server.stop();
  CHECK(server.queries().empty());
}

namespace {

// The first A record's address of an answer.
std::string first_address(const std::vector<std::uint8_t>& wire) {
  ldns_pkt* p = nullptr;
  REQUIRE(ldns_wire2pkt(&p, wire.data(), wire.size()) == LDNS_STATUS_OK);
  std::string out;
  if (const ldns_rr_list* an = ldns_pkt_answer(p); an && ldns_rr_list_rr_count(an) > 0) {
    char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(an, 0), 0));
    out = text;
    free(text);
  }
  ldns_pkt_free(p);
  return out;
}

}  // namespace

TEST_CASE("dns server: an answer that changes after the first query, over UDP and TCP alike") {
  dns::Zone z = zone();
  z.changes["app.test"] = {{1, std::nullopt, {{"192.0.2.11"}, {}, "", std::chrono::seconds{1}}}};
  dns::DnsServer server(std::move(z));
  server.start();
  auto first = ask_udp(server, badgateway::test::dns_query("app.test", LDNS_RR_TYPE_A), 5000);
  REQUIRE(first);
  CHECK(first_address(*first) == "192.0.2.10");
  auto second = ask_udp(server, badgateway::test::dns_query("app.test", LDNS_RR_TYPE_A), 5000);
  REQUIRE(second);
  CHECK(first_address(*second) == "192.0.2.11");
  CHECK(first_address(ask_tcp(server, badgateway::test::dns_query("app.test", LDNS_RR_TYPE_A))) ==
        "192.0.2.11");
  server.stop();
  CHECK(server.count("app.test") == 3);
  CHECK(server.started() <= std::chrono::steady_clock::now());
}

TEST_CASE("dns server: a timeline sets a name's answer, its written changes dropped") {
  dns::Zone z = zone();
  z.changes["app.test"] = {{1, std::nullopt, {{"192.0.2.11"}, {}, "", std::chrono::seconds{1}}}};
  dns::DnsServer server(std::move(z));
  const auto deadline = [] { return std::chrono::steady_clock::now() + std::chrono::seconds(5); };
  CHECK_THROWS_AS(server.set_answer("app.test", {}, deadline()),
                  std::runtime_error);  // not running
  server.start();
  dns::NameAnswer moved;
  moved.a = {"192.0.2.20"};
  const auto before = std::chrono::steady_clock::now();
  const auto when = server.set_answer("APP.test.", moved, deadline());
  CHECK(when >= before);
  CHECK(when <= std::chrono::steady_clock::now());
  // Twice: the `then` after one query would have answered .11 the second time.
  for (int i = 0; i < 2; ++i) {
    auto reply = ask_udp(server, badgateway::test::dns_query("app.test", LDNS_RR_TYPE_A), 5000);
    REQUIRE(reply);
    CHECK(first_address(*reply) == "192.0.2.20");
  }
  // A name the zone did not have.
  server.set_answer("new.test", moved, deadline());
  auto fresh = ask_udp(server, badgateway::test::dns_query("new.test", LDNS_RR_TYPE_A), 5000);
  REQUIRE(fresh);
  CHECK(first_address(*fresh) == "192.0.2.20");
  server.stop();
  CHECK_THROWS_AS(server.set_answer("app.test", moved, deadline()), std::runtime_error);
}
