#include "harness/scenario/fakes_reader.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <span>

#include <fmt/format.h>

#include "fakes/behaviours/registry.hpp"
#include "fakes/core/protocol.hpp"
#include "harness/input/names.hpp"
#include "harness/input/suggest.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/scenario/tls_reader.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {
namespace {

fakes::ParamValue to_param(const toml::node& n, Reader& r, const std::string& field) {
  if (n.is_string()) return n.as_string()->get();
  if (n.is_integer()) return n.as_integer()->get();
  if (n.is_floating_point()) return n.as_floating_point()->get();
  if (n.is_boolean()) return n.as_boolean()->get();
  r.fail_at(n.source(), field, "expected a string, number or boolean");
}

// An IP literal ("127.0.0.1:8080", "[::1]:8080"): the fake binds that address itself in the
// run's network namespace, which has loopback only.
FakeSpec::HostName read_ip_literal_host(Reader& r, const std::string& text) {
  std::string address = text, port_text;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    address = close == text.npos ? "" : text.substr(1, close - 1);
    if (close != text.npos && close + 1 < text.size()) {
      port_text = text[close + 1] == ':' ? text.substr(close + 2) : "x";
    }
  } else if (const std::size_t colon = text.rfind(':'); colon != text.npos) {
    address = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  in6_addr bytes{};
  const bool v4 = !text.starts_with('[') && ::inet_pton(AF_INET, address.c_str(), &bytes) == 1;
  const bool v6 = text.starts_with('[') && ::inet_pton(AF_INET6, address.c_str(), &bytes) == 1;
  if (!v4 && !v6) {
    r.fail("host",
           "expected the host name or IP address the config uses, optionally with its port: "
           "\"app\", \"app:8080\", \"127.0.0.1:8080\" or \"[::1]:8080\"");
  }
  if (!fakes::Address::tcp(address, 1).is_loopback()) {
    r.fail("host", fmt::format("{} is not a loopback address: a fake can only stand for a "
                               "loopback address (127.0.0.0/8 or ::1) or a host name",
                               address));
  }
  FakeSpec::HostName h{address, 0, pos_of(*r.raw().get("host"), r.file())};
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      r.fail("host", fmt::format("invalid port \"{}\" (expected 1 to 65535)", port_text));
    }
    h.port = static_cast<std::uint16_t>(port);
  }
  return h;
}

// `listen`: "tcp" (127.0.0.1, the default), "unix" (a socket in the run directory), or an
// address with an optional port: loopback, or a documentation address (an upstream host).
void read_listen(Reader& r, FakeSpec& spec) {
  const std::string listen = r.string("listen").value_or("tcp");
  spec.unix_socket = listen == "unix";
  if (listen == "tcp" || listen == "unix") return;
  const std::string usage =
      "expected \"tcp\", \"unix\", or an address with an optional port: \"127.0.0.5\", "
      "\"192.0.2.10:8080\", \"[2001:db8::10]:8080\"";
  fakes::Address address = read_ip_with_port(r, "listen", listen, usage);
  if (!address.is_loopback() && !is_documentation_address(address.host)) {
    r.fail("listen",
           fmt::format("{} is neither loopback nor a documentation address (192.0.2.0/24, "
                       "198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32): a fake never listens "
                       "where real machines are",
                       address.host));
  }
  if (address.host == kNginxSideV4 || address.host == kNginxSideV6) {
    r.fail("listen",
           fmt::format("{} is nginx's own address on the upstream hosts' links", address.host));
  }
  spec.listen_on = address;
}

// `host` and `socket`: what an own config connects to, which this fake stands for.
void read_stands_for(Reader& r, FakeSpec& spec) {
  if (auto host = r.string("host")) {
    if (host->starts_with('[') || host->find_first_not_of("0123456789.:") == host->npos) {
      spec.host = read_ip_literal_host(r, *host);
    } else {
      HostAndPort hp;
      if (auto e = check_host_and_port(*host, hp); !e.empty()) r.fail("host", e);
      spec.host = FakeSpec::HostName{hp.host, static_cast<std::uint16_t>(hp.port),
                                     pos_of(*r.raw().get("host"), r.file())};
    }
    if (spec.unix_socket)
      r.fail("host", "a fake reached by host name listens on TCP, not listen = \"unix\"");
    if (spec.listen_on)
      r.fail("host", "with `listen` set to an address: say where it listens once");
  }
  if (auto socket = r.string("socket")) {
    std::string path = std::filesystem::path(*socket).lexically_normal().string();
    if (!path.starts_with("/run/") && !path.starts_with("/var/run/")) {
      r.fail("socket",
             "expected the socket path the config uses, under /run or /var/run (each "
             "run has a private /run)");
    }
    if (spec.host) r.fail("socket", "a fake stands for a host name or a socket, not both");
    if (spec.unix_socket) r.fail("socket", "replaces listen = \"unix\"");
    spec.socket = path;
    spec.socket_pos = pos_of(*r.raw().get("socket"), r.file());
  }
}

// The behaviour's documented parameters (`serve --help`, `explain`), the real PHP-FPM's for it.
std::span<const fakes::ParamInfo> parameters_of(const fakes::BehaviourInfo* info) {
  return info ? info->parameters : std::span<const fakes::ParamInfo>(kPhpFpmParameters);
}

// Every key that is not one of the fake's own is a behaviour parameter. The behaviour is built
// once now so that a bad parameter is a load error, not a run-time surprise.
void read_parameters(Reader& r, FakeSpec& spec, const fakes::BehaviourInfo* info,
                     const toml::node& node) {
  std::vector<std::string> non_scalar;
  for (const auto& [k, v] : r.raw()) {
    std::string key(k.str());
    if (key == "protocol" || key == "listen" || key == "behaviour" || key == "host" ||
        key == "socket" || key == "tls") {
      continue;
    }
    // A table or array is no parameter value, but whether the key is one of the behaviour's
    // parameters at all is the first thing worth saying: decided once the behaviour is built.
    if (v.is_table() || v.is_array()) {
      non_scalar.push_back(key);
      continue;
    }
    spec.params[key] = to_param(v, r, r.field(key));
  }
  fakes::Params params(spec.params);
  try {
    if (info) {
      info->make(params);
    } else {
      PhpFpmSpec::from_params(params);
    }
  } catch (const fakes::ParamError& e) {
    const toml::node* n = r.raw().get(e.key());
    r.fail_at(n ? n->source() : node.source(), r.field(e.key()), e.what());
  }
  std::vector<std::string> valid;
  for (const fakes::ParamInfo& p : parameters_of(info)) valid.emplace_back(p.name);
  const std::string unknown =
      valid.empty()
          ? std::string("unknown parameter: this behaviour has none")
          : fmt::format("unknown parameter for this behaviour (valid: {})", fmt::join(valid, ", "));
  // An unknown parameter is an unknown key: pointed at the key, as reject_unknown() does.
  auto fail_at_key = [&](const std::string& key) {
    for (const auto& [k, v] : r.raw()) {
      if (k.str() == key) r.fail_at(k.source(), r.field(key), unknown);
    }
    r.fail_at(node.source(), r.field(key), unknown);
  };
  for (const auto& key : non_scalar) {
    if (std::find(valid.begin(), valid.end(), key) != valid.end()) {
      to_param(*r.raw().get(key), r, r.field(key));  // fails: the wrong type for a parameter it has
    }
    fail_at_key(key);
  }
  try {
    params.reject_unused();
  } catch (const fakes::ParamError& e) {
    fail_at_key(e.key());
  }
}

// The addresses of a DNS name's a / aaaa key: a string or an array of them, each an address of
// that family.
std::vector<std::string> read_addresses(Reader& r, const char* key, int family) {
  std::vector<std::string> out = r.strings(key).value_or(std::vector<std::string>{});
  for (const auto& a : out) {
    unsigned char bytes[sizeof(in6_addr)];
    if (::inet_pton(family, a.c_str(), bytes) != 1) {
      r.fail(key,
             fmt::format("\"{}\" is not an {} address", a, family == AF_INET ? "IPv4" : "IPv6"));
    }
  }
  return out;
}

// A name's `then`: one change, { after_queries = 2, a = "127.0.0.3" }, or an array of them in
// the order they happen. Each has one trigger; triggers of a kind must grow along the list (a
// change whose trigger fires before an earlier one's would hide it).
std::vector<fakes::dns::AnswerChange> read_answer_changes(Reader& r,
                                                          const fakes::dns::NameAnswer& first) {
  const toml::node* n = r.get("then");
  if (!n) return {};
  std::vector<const toml::table*> tables;
  if (n->is_table()) {
    tables.push_back(n->as_table());
  } else if (const toml::array* arr = n->as_array();
             arr && !arr->empty() && arr->is_array_of_tables()) {
    for (const auto& item : *arr) tables.push_back(item.as_table());
  } else {
    r.fail("then",
           "expected a change, { after_queries = 2, a = \"ADDRESS\" } or { after = \"2s\", ... "
           "}, or a non-empty array of them");
  }
  std::vector<fakes::dns::AnswerChange> out;
  fakes::dns::NameAnswer previous = first;
  std::optional<std::uint64_t> last_queries;
  std::optional<Millis> last_after;
  for (const toml::table* t : tables) {
    Reader cr(*t, r.field("then"), r.file());
    fakes::dns::AnswerChange change;
    if (auto q = cr.integer("after_queries", 1, 1'000'000))
      change.after_queries = static_cast<std::uint64_t>(*q);
    change.after = cr.duration("after");
    if (change.after_queries && change.after)
      cr.fail("after", "a change has one trigger: after_queries or after, not both");
    if (!change.after_queries && !change.after) {
      cr.fail_at(t->source(), cr.path(),
                 "needs a trigger: after_queries = N (from the name's query N + 1 on) or after = "
                 "\"DURATION\" (that long after the name's first query)");
    }
    if (change.after && (change.after->count() <= 0 || *change.after > Millis{3'600'000}))
      cr.fail("after", "expected more than 0s and at most 1h (from the name's first query)");
    if (change.after_queries && last_queries && *change.after_queries <= *last_queries) {
      cr.fail("after_queries", fmt::format("must be more than the previous change's ({}): "
                                           "changes are listed in the order they happen",
                                           *last_queries));
    }
    if (change.after && last_after && *change.after <= *last_after) {
      cr.fail("after", fmt::format("must be later than the previous change's ({}): changes are "
                                   "listed in the order they happen",
                                   format_duration(*last_after)));
    }
    bool says = false;
    for (const char* key : {"a", "aaaa", "cname", "ttl", "fault", "delay"}) says |= cr.has(key);
    if (!says) {
      cr.fail_at(t->source(), cr.path(),
                 "changes nothing: give what the name answers from then on (a, aaaa, cname, "
                 "ttl, fault or delay)");
    }
    if (cr.has("then")) {
      cr.fail("then",
              "a change has no `then` of its own: list every change in the name's `then`, "
              "in the order they happen");
    }
    change.answer = previous;
    read_answer_keys(cr, change.answer);
    cr.reject_unknown();
    if (change.after_queries) last_queries = change.after_queries;
    if (change.after) last_after = change.after;
    previous = change.answer;
    out.push_back(std::move(change));
  }
  return out;
}

// [fakes.NAME] with protocol = "dns": what other names get, and each name's records or fault.
void read_dns_fake(Reader& r, FakeSpec& spec) {
  spec.behaviour = "dns";
  if (r.has("behaviour"))
    r.fail("behaviour", "a DNS fake has no behaviour: its `names` say what it answers");
  fakes::dns::Zone zone;
  if (auto u = r.string("unknown")) {
    auto f = fakes::dns::parse_fault(*u);
    if (!f || *f == fakes::dns::Fault::none)
      r.fail("unknown", fmt::format("\"{}\": names not in `names` get a fault: \"nxdomain\" (the "
                                    "default), \"servfail\", \"refused\", \"silent\", "
                                    "\"truncated\" or \"malformed\"",
                                    *u));
    zone.unknown = *f;
  }
  if (const toml::table* names = r.table("names")) {
    for (const auto& [k, v] : *names) {
      const std::string name = fakes::dns::Zone::canonical(k.str());
      // Quoted as TOML quotes it: a name has dots of its own.
      const std::string field = r.field(fmt::format("names.\"{}\"", k.str()));
      HostAndPort parsed;
      if (auto e = check_host_and_port(name, parsed); !e.empty() || parsed.port != 0)
        fail_at(r.file(), k.source(), field, e.empty() ? "a name, without a port" : e);
      if (!v.is_table()) fail_at(r.file(), v.source(), field, "expected a table");
      Reader nr(*v.as_table(), field, r.file());
      fakes::dns::NameAnswer answer;
      read_answer_keys(nr, answer);
      auto changes = read_answer_changes(nr, answer);
      nr.reject_unknown();
      zone.names[name] = std::move(answer);
      if (!changes.empty()) zone.changes[name] = std::move(changes);
    }
  }
  // Listed in the run's /etc/resolv.conf: names nginx resolves at start-up come here.
  spec.resolv_conf = r.boolean("resolv_conf").value_or(false);
  r.reject_unknown();
  spec.zone = std::move(zone);
}

FakeSpec read_fake(const std::string& name, const toml::node& node, const std::string& path,
                   const std::string& file) {
  if (!node.is_table()) fail_at(file, node.source(), path, "expected a table");
  if (auto e = check_fake_name(name); !e.empty()) fail_at(file, node.source(), path, e);
  Reader r(*node.as_table(), path, file);
  FakeSpec spec;
  spec.name = name;
  spec.pos = pos_of(node, file);
  const std::string protocol = r.string("protocol").value_or("http");
  if (protocol == "dns") {
    read_dns_fake(r, spec);
    return spec;
  }
  const auto parsed = fakes::parse_protocol(protocol);
  if (!parsed) r.fail("protocol", "expected \"http\", \"fastcgi\" or \"dns\"");
  spec.protocol = *parsed;
  read_listen(r, spec);
  read_stands_for(r, spec);
  spec.behaviour = r.required_string("behaviour");
  // The real PHP-FPM is a harness-side upstream, validated like a fake's behaviour.
  const bool real_php_fpm = is_php_fpm(spec.protocol, spec.behaviour);
  const fakes::BehaviourInfo* info = fakes::find_behaviour(spec.behaviour, spec.protocol);
  if (!info && !real_php_fpm) {
    std::vector<std::string> names;
    for (const auto& b : fakes::behaviour_table()) {
      if (b.protocol == spec.protocol) names.emplace_back(b.name);
    }
    if (spec.protocol == fakes::Protocol::fastcgi) names.emplace_back(kPhpFpmBehaviour);
    auto near = closest_name(spec.behaviour, names);
    r.fail("behaviour", near ? fmt::format("unknown {} behaviour \"{}\" (did you mean \"{}\"?)",
                                           protocol, spec.behaviour, *near)
                             : fmt::format("unknown {} behaviour \"{}\" (known: {})", protocol,
                                           spec.behaviour, fmt::join(names, ", ")));
  }
  if (real_php_fpm && spec.listen_on && !spec.listen_on->is_loopback()) {
    r.fail("listen", "a real PHP-FPM pool runs beside nginx: it listens on loopback only");
  }
  if (r.has("tls") && real_php_fpm) {
    r.fail("tls", "a real PHP-FPM pool speaks FastCGI, not TLS");
  }
  spec.tls = read_tls(r, spec);
  read_parameters(r, spec, info, node);
  return spec;
}

}  // namespace

fakes::Address read_ip_with_port(Reader& r, std::string_view key, const std::string& text,
                                 const std::string& usage) {
  std::string with_port = text;
  // A port-less address gets port 0 (the kernel's choice) for parse_any_ip, which wants one.
  const bool v6 = with_port.starts_with('[');
  const bool has_port =
      v6 ? with_port.find("]:") != std::string::npos : with_port.find(':') != std::string::npos;
  if (!v6 && std::count(with_port.begin(), with_port.end(), ':') > 1)
    r.fail(key, usage + " (an IPv6 address goes in brackets)");
  if (!has_port) with_port += ":0";
  std::string error;
  auto address = fakes::Address::parse_any_ip(with_port, &error);
  if (!address) r.fail(key, fmt::format("{}: {}", usage, error));
  return *address;
}

void read_answer_keys(Reader& r, fakes::dns::NameAnswer& answer) {
  if (r.has("a") || r.has("aaaa") || r.has("cname") || r.has("fault")) {
    answer.a.clear();
    answer.aaaa.clear();
    answer.cname.clear();
    answer.fault = fakes::dns::Fault::none;
  }
  if (r.has("a")) answer.a = read_addresses(r, "a", AF_INET);
  if (r.has("aaaa")) answer.aaaa = read_addresses(r, "aaaa", AF_INET6);
  if (auto cname = r.string("cname")) answer.cname = *cname;
  if (!answer.cname.empty() && (!answer.a.empty() || !answer.aaaa.empty()))
    r.fail("cname", "a name with a CNAME has no addresses of its own (RFC 1034 3.6.2)");
  if (auto ttl = r.duration("ttl")) {
    if (ttl->count() % 1000 != 0) r.fail("ttl", "DNS TTLs are whole seconds");
    answer.ttl = std::chrono::duration_cast<std::chrono::seconds>(*ttl);
  }
  if (auto f = r.string("fault")) {
    auto fault = fakes::dns::parse_fault(*f);
    if (!fault)
      r.fail("fault", fmt::format("\"{}\" is not one of {}", *f, fakes::dns::kFaultNames));
    answer.fault = *fault;
  }
  if (auto d = r.duration("delay")) answer.delay = *d;
}

std::map<std::string, FakeSpec> read_fakes(const toml::table& table, const std::string& path,
                                           const std::string& file) {
  if (table.size() > kMaxFakes) {
    fail_at(file, table.source(), path,
            fmt::format("{} fakes (at most {})", table.size(), kMaxFakes));
  }
  std::map<std::string, FakeSpec> out;
  for (const auto& [k, v] : table) {
    std::string name(k.str());
    out[name] = read_fake(name, v, path + "." + name, file);
  }
  return out;
}

void read_behaviour_change(Reader& r, const FakeSpec& fake, std::string& behaviour,
                           std::map<std::string, fakes::ParamValue, std::less<>>& params) {
  if (fake.zone || is_php_fpm(fake.protocol, fake.behaviour)) {
    r.fail_at(r.raw().source(), r.path(),
              fmt::format("fake \"{}\" is {}: it has no behaviour to change", fake.name,
                          fake.zone ? "a DNS server" : "a real PHP-FPM pool"));
  }
  for (const char* own : {"protocol", "listen", "host", "socket", "tls"}) {
    if (r.has(own)) r.fail(own, "belongs to the fake, which keeps it: only its behaviour changes");
  }
  FakeSpec spec;
  spec.name = fake.name;
  spec.protocol = fake.protocol;
  spec.behaviour = r.required_string("behaviour");
  const fakes::BehaviourInfo* info = fakes::find_behaviour(spec.behaviour, spec.protocol);
  if (!info) {
    std::vector<std::string> names;
    for (const auto& b : fakes::behaviour_table()) {
      if (b.protocol == spec.protocol) names.emplace_back(b.name);
    }
    auto near = closest_name(spec.behaviour, names);
    r.fail("behaviour", near ? fmt::format("unknown behaviour \"{}\" (did you mean \"{}\"?)",
                                           spec.behaviour, *near)
                             : fmt::format("unknown behaviour \"{}\" (known: {})", spec.behaviour,
                                           fmt::join(names, ", ")));
  }
  read_parameters(r, spec, info, r.raw());
  behaviour = spec.behaviour;
  params = spec.params;
}

}  // namespace badgateway
