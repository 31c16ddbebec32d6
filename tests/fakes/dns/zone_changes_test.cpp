// Answers that change by themselves (issue 11 §2): after a name's first N queries, or some time
// after its first query. Time is passed in ("now"), so nothing here sleeps.
// zone.hpp (with <optional>) before ldns.h: ldns/common.h may #define bool and false.
#include "fakes/dns/zone.hpp"

#include <ldns/ldns.h>

#include <doctest/doctest.h>

#include "tests/support/dns_query.hpp"

#include <string>
#include <vector>

namespace dns = badgateway::fakes::dns;
using badgateway::Millis;

namespace {

// The A records of an answer, as text; "rcode N" for an answer with none and a non-zero rcode.
std::vector<std::string> addresses(const dns::Reply& r) {
  REQUIRE(r.message);
  ldns_pkt* p = nullptr;
  REQUIRE(ldns_wire2pkt(&p, r.message->data(), r.message->size()) == LDNS_STATUS_OK);
  std::vector<std::string> out;
  if (ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR)
    out.push_back("rcode " + std::to_string(ldns_pkt_get_rcode(p)));
  const ldns_rr_list* an = ldns_pkt_answer(p);
  for (std::size_t i = 0; an && i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(an, i);
    char* data = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    out.push_back(std::to_string(ldns_rr_ttl(rr)) + " " + data);
    free(data);
  }
  ldns_pkt_free(p);
  return out;
}

dns::NameAnswer a(const std::string& address, int ttl = 60) {
  dns::NameAnswer out;
  out.a = {address};
  out.ttl = std::chrono::seconds{ttl};
  return out;
}

// Asks for `name`'s A records as the server does: the query recorded, then answered.
dns::Reply ask(const dns::Zone& zone, dns::QueryHistory& history, const std::string& name,
               Millis now) {
  history.record(name, now);
  return dns::answer(zone, badgateway::test::dns_query(name, LDNS_RR_TYPE_A), false, history, now);
}

}  // namespace

TEST_CASE("dns changes: after_queries = 2: the first two queries get the old address") {
  dns::Zone zone;
  zone.names["app.test"] = a("192.0.2.1", 1);
  zone.changes["app.test"] = {{2, std::nullopt, a("192.0.2.2", 1)}};
  dns::QueryHistory history;
  CHECK(addresses(ask(zone, history, "app.test", Millis{0})) ==
        std::vector<std::string>{"1 192.0.2.1"});
  CHECK(addresses(ask(zone, history, "APP.test.", Millis{0})) ==
        std::vector<std::string>{"1 192.0.2.1"});
  CHECK(addresses(ask(zone, history, "app.test", Millis{0})) ==
        std::vector<std::string>{"1 192.0.2.2"});
  CHECK(history.of("app.test").queries == 3);
  // Without a history: the answer as written.
  CHECK(addresses(dns::answer(zone, badgateway::test::dns_query("app.test", LDNS_RR_TYPE_A),
                              false)) == std::vector<std::string>{"1 192.0.2.1"});
}

TEST_CASE("dns changes: after = 2s counts from the name's first query, not from zero") {
  dns::Zone zone;
  zone.names["app.test"] = a("192.0.2.1");
  zone.changes["app.test"] = {{std::nullopt, Millis{2000}, a("192.0.2.2")}};
  dns::QueryHistory history;
  // Nothing asked yet: the clock has not started for this name, whatever `now` is.
  CHECK(zone.find("app.test", history, Millis{60'000})->a == std::vector<std::string>{"192.0.2.1"});
  CHECK(addresses(ask(zone, history, "app.test", Millis{5000})) ==
        std::vector<std::string>{"60 192.0.2.1"});
  CHECK(addresses(ask(zone, history, "app.test", Millis{6999})) ==
        std::vector<std::string>{"60 192.0.2.1"});
  CHECK(addresses(ask(zone, history, "app.test", Millis{7000})) ==
        std::vector<std::string>{"60 192.0.2.2"});
  CHECK(history.of("app.test").first == Millis{5000});
}

TEST_CASE("dns changes: a list: the last change whose trigger fired is in force") {
  dns::Zone zone;
  zone.names["app.test"] = a("192.0.2.1");
  dns::NameAnswer gone;
  gone.fault = dns::Fault::nxdomain;
  zone.changes["app.test"] = {{1, std::nullopt, a("192.0.2.2")},
                              {std::nullopt, Millis{1000}, gone}};
  dns::QueryHistory history;
  CHECK(addresses(ask(zone, history, "app.test", Millis{0})) ==
        std::vector<std::string>{"60 192.0.2.1"});
  CHECK(addresses(ask(zone, history, "app.test", Millis{10})) ==
        std::vector<std::string>{"60 192.0.2.2"});
  CHECK(addresses(ask(zone, history, "app.test", Millis{1000})) ==
        std::vector<std::string>{"rcode 3"});
}

TEST_CASE("dns changes: counted per name; a CNAME target's change follows its own queries") {
  dns::Zone zone;
  zone.names["app.test"] = a("192.0.2.1");
  zone.names["other.test"] = a("192.0.2.9");
  dns::NameAnswer alias;
  alias.cname = "app.test";
  zone.names["www.test"] = alias;
  zone.changes["app.test"] = {{1, std::nullopt, a("192.0.2.2")}};
  dns::QueryHistory history;
  ask(zone, history, "other.test", Millis{0});
  ask(zone, history, "www.test", Millis{0});
  // Queries for other names are not app.test's: it has had none yet.
  CHECK(addresses(ask(zone, history, "www.test", Millis{0})) ==
        std::vector<std::string>{"60 app.test.", "60 192.0.2.1"});
  // app.test's own first query still gets the old address, which the alias then shares; its
  // second the new one, and from then on the alias follows.
  CHECK(addresses(ask(zone, history, "app.test", Millis{0})) ==
        std::vector<std::string>{"60 192.0.2.1"});
  CHECK(addresses(ask(zone, history, "www.test", Millis{0})) ==
        std::vector<std::string>{"60 app.test.", "60 192.0.2.1"});
  CHECK(addresses(ask(zone, history, "app.test", Millis{0})) ==
        std::vector<std::string>{"60 192.0.2.2"});
  CHECK(addresses(ask(zone, history, "www.test", Millis{0})) ==
        std::vector<std::string>{"60 app.test.", "60 192.0.2.2"});
  CHECK(history.of("www.test").queries == 4);
  CHECK(history.of("app.test").queries == 2);
  CHECK(history.of("nobody.test").queries == 0);
  CHECK_FALSE(history.of("nobody.test").first);
}
