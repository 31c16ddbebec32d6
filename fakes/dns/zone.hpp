#pragma once
// The fake DNS server's answers: what a scenario says each name resolves to, or how resolving it
// fails, turned into DNS messages (RFC 1035) with ldns, the wire format library Debian ships
// (libldns-dev). The faults are ours, the encoding is ldns's.
//
// What nginx's resolver (src/core/ngx_resolver.c) makes of each fault:
//   nxdomain   rcode 3 -> "NAME could not be resolved (3: Host not found)"
//   servfail   rcode 2 -> "(2: Server failure)"
//   refused    rcode 5 -> "(5: Operation refused)"
//   silent     no answer at all -> after resolver_timeout "(110: Operation timed out)"
//   truncated  over UDP the TC bit and no records, so the client asks again over TCP, where
//              the real answer comes
//   malformed  an answer whose record data ends early (a length that overruns the message)
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/base/units.hpp"

namespace badgateway::fakes::dns {

enum class Fault { none, nxdomain, servfail, refused, silent, truncated, malformed };
std::string_view to_string(Fault f);
std::optional<Fault> parse_fault(std::string_view text);
inline constexpr std::string_view kFaultNames =
    R"("none", "nxdomain", "servfail", "refused", "silent", "truncated", "malformed")";

// What one name answers. A name with neither addresses nor a CNAME answers NOERROR with no
// records (NODATA) for every type.
struct NameAnswer {
  std::vector<std::string> a;     // IPv4 addresses as text
  std::vector<std::string> aaaa;  // IPv6 addresses as text
  std::string cname;              // "" for none; the target's own records follow when it is in
                                  // the zone
  std::chrono::seconds ttl{60};
  Fault fault = Fault::none;
  Millis delay{0};  // before the answer (a slow server)
};

// Names are compared as DNS does: case-insensitively, with or without the trailing dot.
struct Zone {
  std::map<std::string, NameAnswer> names;  // keys lower case, no trailing dot
  Fault unknown = Fault::nxdomain;          // what a name not in `names` gets

  // The entry for `name`, or nullptr.
  const NameAnswer* find(std::string_view name) const;
  // Lower case, no trailing dot: how names are stored.
  static std::string canonical(std::string_view name);
};

struct Question {
  std::uint16_t id = 0;
  std::string name;  // canonical
  std::string type;  // "A", "AAAA", ...
};

// The question of a query message, or nullopt for bytes that are not one (nothing is sent back
// for those, as a real server would drop them).
std::optional<Question> parse_query(std::span<const std::uint8_t> message);

struct Reply {
  std::optional<std::vector<std::uint8_t>> message;  // nullopt: no answer at all (silent)
  Millis delay{0};
};

// What the server sends back for `query` (a message that parse_query accepted), over UDP or TCP
// (a TCP reply is the message alone; framing is the server's).
Reply answer(const Zone& zone, std::span<const std::uint8_t> query, bool over_tcp);

}  // namespace badgateway::fakes::dns
