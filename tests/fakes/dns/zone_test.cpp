// The DNS fake's answers, read back with ldns as a resolver would: each fault as nginx's
// resolver sees it (ngx_resolver.c), records with their TTLs, CNAME chains, TCP after TC.
#include "fakes/dns/zone.hpp"

#include <ldns/ldns.h>

#include <doctest/doctest.h>

#include "tests/support/dns_query.hpp"

#include <memory>
#include <string>
#include <vector>

namespace dns = badgateway::fakes::dns;

namespace {

struct Parsed {
  ldns_pkt_rcode rcode{};
  bool tc = false, aa = false;
  std::uint16_t id = 0;
  std::vector<std::string> answers;  // "NAME TTL TYPE DATA"
};

std::optional<Parsed> parse(const std::vector<std::uint8_t>& wire) {
  ldns_pkt* p = nullptr;
  if (ldns_wire2pkt(&p, wire.data(), wire.size()) != LDNS_STATUS_OK) return std::nullopt;
  Parsed out;
  out.rcode = ldns_pkt_get_rcode(p);
  out.tc = ldns_pkt_tc(p);
  out.aa = ldns_pkt_aa(p);
  out.id = ldns_pkt_id(p);
  const ldns_rr_list* an = ldns_pkt_answer(p);
  for (std::size_t i = 0; an && i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(an, i);
    char* owner = ldns_rdf2str(ldns_rr_owner(rr));
    char* type = ldns_rr_type2str(ldns_rr_get_type(rr));
    char* data = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    out.answers.push_back(std::string(owner) + " " + std::to_string(ldns_rr_ttl(rr)) + " " + type +
                          " " + data);
    free(owner);
    free(type);
    free(data);
  }
  ldns_pkt_free(p);
  return out;
}

dns::Zone zone() {
  dns::Zone z;
  z.names["app.test"] = {
      {"192.0.2.10", "192.0.2.11"}, {"2001:db8::10"}, "", std::chrono::seconds{5}};
  z.names["www.test"] = {{}, {}, "app.test", std::chrono::seconds{30}};
  dns::NameAnswer down;
  down.fault = dns::Fault::servfail;
  z.names["down.test"] = down;
  dns::NameAnswer quiet;
  quiet.fault = dns::Fault::silent;
  z.names["quiet.test"] = quiet;
  dns::NameAnswer big;
  big.a = {"192.0.2.20"};
  big.fault = dns::Fault::truncated;
  z.names["big.test"] = big;
  dns::NameAnswer broken;
  broken.a = {"192.0.2.30"};
  broken.fault = dns::Fault::malformed;
  z.names["broken.test"] = broken;
  dns::NameAnswer slow;
  slow.a = {"192.0.2.40"};
  slow.delay = badgateway::Millis{1500};
  z.names["slow.test"] = slow;
  return z;
}

}  // namespace

TEST_CASE("dns: a name's records, with their TTL, as an authoritative answer to its id") {
  auto r = dns::answer(zone(), badgateway::test::dns_query("App.Test.", LDNS_RR_TYPE_A, 7), false);
  REQUIRE(r.message);
  auto p = parse(*r.message);
  REQUIRE(p);
  CHECK(p->id == 7);
  CHECK(p->rcode == LDNS_RCODE_NOERROR);
  CHECK(p->aa);
  // The owner names are the question's, as asked: ldns compresses them to point at it (servers
  // echo the case, which resolvers using DNS 0x20 randomisation check).
  CHECK(p->answers ==
        std::vector<std::string>{"App.Test. 5 A 192.0.2.10", "App.Test. 5 A 192.0.2.11"});
  auto six =
      parse(*dns::answer(zone(), badgateway::test::dns_query("app.test", LDNS_RR_TYPE_AAAA), false)
                 .message);
  CHECK(six->answers == std::vector<std::string>{"app.test. 5 AAAA 2001:db8::10"});
}

TEST_CASE("dns: a CNAME and its target's records; NODATA for a type the name lacks") {
  auto p = parse(
      *dns::answer(zone(), badgateway::test::dns_query("www.test", LDNS_RR_TYPE_A), false).message);
  CHECK(p->answers == std::vector<std::string>{"www.test. 30 CNAME app.test.",
                                               "app.test. 5 A 192.0.2.10",
                                               "app.test. 5 A 192.0.2.11"});
  dns::Zone z;
  z.names["v4only.test"] = {{"192.0.2.1"}, {}, "", std::chrono::seconds{60}};
  auto nodata =
      parse(*dns::answer(z, badgateway::test::dns_query("v4only.test", LDNS_RR_TYPE_AAAA), false)
                 .message);
  CHECK(nodata->rcode == LDNS_RCODE_NOERROR);
  CHECK(nodata->answers.empty());
}

TEST_CASE("dns: faults: NXDOMAIN for unknown names, SERVFAIL, REFUSED, silence, a slow answer") {
  auto unknown =
      parse(*dns::answer(zone(), badgateway::test::dns_query("nope.test", LDNS_RR_TYPE_A), false)
                 .message);
  CHECK(unknown->rcode == LDNS_RCODE_NXDOMAIN);
  auto down =
      parse(*dns::answer(zone(), badgateway::test::dns_query("down.test", LDNS_RR_TYPE_A), false)
                 .message);
  CHECK(down->rcode == LDNS_RCODE_SERVFAIL);
  dns::Zone refusing;
  refusing.unknown = dns::Fault::refused;
  CHECK(parse(*dns::answer(refusing, badgateway::test::dns_query("x.test", LDNS_RR_TYPE_A), false)
                   .message)
            ->rcode == LDNS_RCODE_REFUSED);
  CHECK_FALSE(dns::answer(zone(), badgateway::test::dns_query("quiet.test", LDNS_RR_TYPE_A), false)
                  .message);
  auto slow = dns::answer(zone(), badgateway::test::dns_query("slow.test", LDNS_RR_TYPE_A), false);
  CHECK(slow.delay == badgateway::Millis{1500});
  CHECK(parse(*slow.message)->answers.size() == 1);
}

TEST_CASE("dns: truncated over UDP (TC, no records), whole over TCP") {
  auto udp = parse(
      *dns::answer(zone(), badgateway::test::dns_query("big.test", LDNS_RR_TYPE_A), false).message);
  CHECK(udp->tc);
  CHECK(udp->answers.empty());
  auto tcp = parse(
      *dns::answer(zone(), badgateway::test::dns_query("big.test", LDNS_RR_TYPE_A), true).message);
  CHECK_FALSE(tcp->tc);
  CHECK(tcp->answers == std::vector<std::string>{"big.test. 60 A 192.0.2.20"});
}

TEST_CASE("dns: a malformed answer does not parse; garbage queries get no answer") {
  auto r = dns::answer(zone(), badgateway::test::dns_query("broken.test", LDNS_RR_TYPE_A), false);
  REQUIRE(r.message);
  CHECK_FALSE(parse(*r.message));
  const std::vector<std::uint8_t> garbage = {0x12, 0x34, 0x01};
  CHECK_FALSE(dns::parse_query(garbage));
  CHECK_FALSE(dns::answer(zone(), garbage, false).message);
  auto q = dns::parse_query(badgateway::test::dns_query("Mixed.Case.", LDNS_RR_TYPE_AAAA, 9));
  REQUIRE(q);
  CHECK(q->id == 9);
  CHECK(q->name == "mixed.case");
  CHECK(q->type == "AAAA");
}

TEST_CASE("dns: fault names") {
  CHECK(dns::parse_fault("servfail") == dns::Fault::servfail);
  CHECK_FALSE(dns::parse_fault("SERVFAIL"));
  CHECK(dns::to_string(dns::Fault::truncated) == "truncated");
}
