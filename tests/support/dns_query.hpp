#pragma once
// A DNS query message as a resolver sends it, built with ldns: what the DNS fake's tests ask.
#include <ldns/ldns.h>

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace badgateway::test {

inline std::vector<std::uint8_t> dns_query(const std::string& name, ldns_rr_type type,
                                           std::uint16_t id = 42) {
  ldns_rdf* owner = ldns_dname_new_frm_str(name.c_str());
  REQUIRE(owner != nullptr);
  ldns_pkt* q = ldns_pkt_query_new(owner, type, LDNS_RR_CLASS_IN, LDNS_RD);
  REQUIRE(q != nullptr);
  ldns_pkt_set_id(q, id);
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  REQUIRE(ldns_pkt2wire(&wire, q, &size) == LDNS_STATUS_OK);
  std::vector<std::uint8_t> out(wire, wire + size);
  std::free(wire);
  ldns_pkt_free(q);
  return out;
}

}  // namespace badgateway::test
