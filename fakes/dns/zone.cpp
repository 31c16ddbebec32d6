#include "fakes/dns/zone.hpp"

#include <ldns/ldns.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include <fmt/format.h>

namespace badgateway::fakes::dns {
namespace {

struct PacketFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using Packet = std::unique_ptr<ldns_pkt, PacketFree>;

constexpr std::array<std::pair<Fault, std::string_view>, 7> kFaults = {{
    {Fault::none, "none"},
    {Fault::nxdomain, "nxdomain"},
    {Fault::servfail, "servfail"},
    {Fault::refused, "refused"},
    {Fault::silent, "silent"},
    {Fault::truncated, "truncated"},
    {Fault::malformed, "malformed"},
}};

std::string owned(char* text) {
  std::string out = text ? text : "";
  free(text);  // ldns allocates with malloc
  return out;
}

// Adds "NAME TTL IN TYPE DATA" to the answer section; false when ldns cannot read it (an
// address the loader let through that is not one: a bug, answered as SERVFAIL).
bool add_record(ldns_pkt* p, const std::string& name, std::chrono::seconds ttl,
                std::string_view type, const std::string& data) {
  ldns_rr* rr = nullptr;
  const std::string text = fmt::format("{}. {} IN {} {}", name, ttl.count(), type, data);
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) return false;
  ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
  return true;
}

// When the answers are taken: the queries so far and the time now, or none (as written).
struct Moment {
  const QueryHistory* history = nullptr;
  Millis now{0};

  const NameAnswer* find(const Zone& zone, std::string_view name) const {
    return history ? zone.find(name, *history, now) : zone.find(name);
  }
};

// The records of `name` for `type`, following a CNAME chain inside the zone (at most 8 links).
bool add_answers(ldns_pkt* p, const Zone& zone, const std::string& name, const NameAnswer& entry,
                 const std::string& type, const Moment& moment) {
  const NameAnswer* at = &entry;
  std::string owner = name;
  for (int link = 0; link < 8 && at; ++link) {
    if (!at->cname.empty()) {
      const std::string target = Zone::canonical(at->cname);
      if (!add_record(p, owner, at->ttl, "CNAME", target + ".")) return false;
      owner = target;
      at = moment.find(zone, target);
      continue;
    }
    const auto& addresses = type == "A" ? at->a : type == "AAAA" ? at->aaaa : at->a;
    if (type == "A" || type == "AAAA") {
      for (const auto& address : addresses) {
        if (!add_record(p, owner, at->ttl, type, address)) return false;
      }
    }
    return true;
  }
  return true;
}

std::vector<std::uint8_t> to_wire(const ldns_pkt* p) {
  std::uint8_t* wire = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&wire, p, &size) != LDNS_STATUS_OK) return {};
  std::vector<std::uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

}  // namespace

std::string_view to_string(Fault f) {
  for (const auto& [fault, name] : kFaults) {
    if (fault == f) return name;
  }
  return "none";
}

std::optional<Fault> parse_fault(std::string_view text) {
  for (const auto& [fault, name] : kFaults) {
    if (name == text) return fault;
  }
  return std::nullopt;
}

std::string Zone::canonical(std::string_view name) {
  std::string out(name);
  while (!out.empty() && out.back() == '.') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const NameAnswer* Zone::find(std::string_view name) const {
  auto it = names.find(canonical(name));
  return it == names.end() ? nullptr : &it->second;
}

const NameAnswer* Zone::find(std::string_view name, const QueryHistory& history, Millis now) const {
  const std::string key = canonical(name);
  auto it = names.find(key);
  if (it == names.end()) return nullptr;
  const NameAnswer* out = &it->second;
  auto list = changes.find(key);
  if (list == changes.end()) return out;
  const QueryHistory::Seen seen = history.of(key);
  for (const AnswerChange& change : list->second) {
    const bool fired = (change.after_queries && seen.queries > *change.after_queries) ||
                       (change.after && seen.first && now - *seen.first >= *change.after);
    if (fired) out = &change.answer;
  }
  return out;
}

void QueryHistory::record(std::string_view name, Millis now) {
  Seen& seen = names_[Zone::canonical(name)];
  if (!seen.first) seen.first = now;
  ++seen.queries;
}

QueryHistory::Seen QueryHistory::of(std::string_view name) const {
  auto it = names_.find(Zone::canonical(name));
  return it == names_.end() ? Seen{} : it->second;
}

std::optional<Question> parse_query(std::span<const std::uint8_t> message) {
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, message.data(), message.size()) != LDNS_STATUS_OK) return std::nullopt;
  Packet p(raw);
  if (ldns_pkt_qr(p.get()) || ldns_pkt_get_opcode(p.get()) != LDNS_PACKET_QUERY)
    return std::nullopt;
  const ldns_rr_list* q = ldns_pkt_question(p.get());
  if (!q || ldns_rr_list_rr_count(q) != 1) return std::nullopt;
  const ldns_rr* rr = ldns_rr_list_rr(q, 0);
  Question out;
  out.id = ldns_pkt_id(p.get());
  out.name = Zone::canonical(owned(ldns_rdf2str(ldns_rr_owner(rr))));
  out.type = owned(ldns_rr_type2str(ldns_rr_get_type(rr)));
  return out;
}

namespace {

Reply answer_at(const Zone& zone, std::span<const std::uint8_t> query, bool over_tcp,
                const Moment& moment) {
  ldns_pkt* raw = nullptr;
  Reply reply;
  if (ldns_wire2pkt(&raw, query.data(), query.size()) != LDNS_STATUS_OK) return reply;
  Packet q(raw);
  auto question = parse_query(query);
  if (!question) return reply;
  const NameAnswer* entry = moment.find(zone, question->name);
  const Fault fault = entry ? entry->fault : zone.unknown;
  reply.delay = entry ? entry->delay : Millis{0};
  if (fault == Fault::silent) return reply;

  Packet p(ldns_pkt_new());
  ldns_pkt_set_id(p.get(), question->id);
  ldns_pkt_set_qr(p.get(), true);
  ldns_pkt_set_aa(p.get(), true);
  ldns_pkt_set_rd(p.get(), ldns_pkt_rd(q.get()));
  ldns_pkt_set_ra(p.get(), true);
  ldns_pkt_push_rr(p.get(), LDNS_SECTION_QUESTION,
                   ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(q.get()), 0)));
  switch (fault) {
    case Fault::nxdomain:
      ldns_pkt_set_rcode(p.get(), LDNS_RCODE_NXDOMAIN);
      break;
    case Fault::servfail:
      ldns_pkt_set_rcode(p.get(), LDNS_RCODE_SERVFAIL);
      break;
    case Fault::refused:
      ldns_pkt_set_rcode(p.get(), LDNS_RCODE_REFUSED);
      break;
    case Fault::truncated:
      if (!over_tcp) {
        ldns_pkt_set_tc(p.get(), true);
        break;
      }
      [[fallthrough]];
    case Fault::none:
    case Fault::malformed:
      if (entry && !add_answers(p.get(), zone, question->name, *entry, question->type, moment))
        ldns_pkt_set_rcode(p.get(), LDNS_RCODE_SERVFAIL);
      break;
    case Fault::silent:
      break;
  }
  reply.message = to_wire(p.get());
  if (fault == Fault::malformed && reply.message->size() > 12) {
    // One byte short: the last record's data length now runs past the end of the message.
    reply.message->pop_back();
  }
  return reply;
}

}  // namespace

Reply answer(const Zone& zone, std::span<const std::uint8_t> query, bool over_tcp) {
  return answer_at(zone, query, over_tcp, Moment{});
}

Reply answer(const Zone& zone, std::span<const std::uint8_t> query, bool over_tcp,
             const QueryHistory& history, Millis now) {
  return answer_at(zone, query, over_tcp, Moment{&history, now});
}

}  // namespace badgateway::fakes::dns
