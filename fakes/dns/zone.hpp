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

// A change a name's answer makes by itself (an address that moves while nginx caches the old
// one): once its trigger fired, the name answers `answer` instead. Exactly one trigger is set.
struct AnswerChange {
  std::optional<std::uint64_t> after_queries;  // N >= 1: from the name's query N + 1 on
  std::optional<Millis> after;                 // > 0: from this long after its first query on
  NameAnswer answer;                           // complete: what the name answers from then on
};

// Each name's queries so far and when the first came: what answer changes are triggered by.
// `now` is a monotonic clock's reading, the same clock on every call (the server's: the time
// since it started). Not thread-safe: the server's I/O thread alone records and reads it.
class QueryHistory {
 public:
  struct Seen {
    std::uint64_t queries = 0;    // of any type, the one being answered included
    std::optional<Millis> first;  // unset: never asked
  };
  // One query for `name` (compared as Zone compares names) at `now`.
  void record(std::string_view name, Millis now);
  Seen of(std::string_view name) const;

 private:
  std::map<std::string, Seen, std::less<>> names_;
};

// Names are compared as DNS does: case-insensitively, with or without the trailing dot.
struct Zone {
  std::map<std::string, NameAnswer> names;  // keys lower case, no trailing dot
  Fault unknown = Fault::nxdomain;          // what a name not in `names` gets
  // Changes by name (keys as in `names`, each a name of `names`), in the order written. The
  // answer in force is that of the last change in the list whose trigger has fired, else the
  // name's own. A CNAME target's changes follow the target's own queries.
  std::map<std::string, std::vector<AnswerChange>> changes;

  // The entry for `name` as written (no change applied), or nullptr.
  const NameAnswer* find(std::string_view name) const;
  // The answer `name` gives at `now` after the queries in `history`, or nullptr.
  const NameAnswer* find(std::string_view name, const QueryHistory& history, Millis now) const;
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
// (a TCP reply is the message alone; framing is the server's). Names answer as `history` (which
// already holds this query) and `now` say; without them, as written.
Reply answer(const Zone& zone, std::span<const std::uint8_t> query, bool over_tcp);
Reply answer(const Zone& zone, std::span<const std::uint8_t> query, bool over_tcp,
             const QueryHistory& history, Millis now);

}  // namespace badgateway::fakes::dns
