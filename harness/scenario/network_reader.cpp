#include "harness/scenario/network_reader.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>

#include <fmt/format.h>

#include "harness/input/suggest.hpp"

namespace badgateway {
namespace {

// "198.51.100.7" or "198.51.100.0/24", "2001:db8::/48": in the documentation ranges, so a route
// can never concern a real machine. An empty string when it is fine, else why not.
std::string check_route_target(const std::string& to) {
  const std::size_t slash = to.find('/');
  const std::string address = to.substr(0, slash);
  in6_addr bytes{};
  const bool v4 = ::inet_pton(AF_INET, address.c_str(), &bytes) == 1;
  const bool v6 = !v4 && ::inet_pton(AF_INET6, address.c_str(), &bytes) == 1;
  if (!v4 && !v6) return "expected an IP address or prefix: \"198.51.100.7\", \"198.51.100.0/24\"";
  if (slash != std::string::npos) {
    const std::string bits = to.substr(slash + 1);
    int n = -1;
    auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
    // A prefix no shorter than its documentation range's, so it stays inside it.
    const int shortest = v4 ? 24 : 32, longest = v4 ? 32 : 128;
    if (ec != std::errc{} || end != bits.data() + bits.size() || n < shortest || n > longest) {
      return fmt::format("prefix length \"{}\": expected {} to {} (inside a documentation range)",
                         bits, shortest, longest);
    }
  }
  if (!is_documentation_address(address)) {
    return fmt::format(
        "{} is not a documentation address (192.0.2.0/24, 198.51.100.0/24, "
        "203.0.113.0/24, 2001:db8::/32): a route names no real machine",
        address);
  }
  return "";
}

std::string check_sysctl_key(const std::string& key) {
  if (!key.starts_with("net.")) {
    return "only network-namespaced net.* keys can be set per run (the rest are the machine's)";
  }
  if (key.find("..") != std::string::npos || key.ends_with('.') ||
      key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string::npos) {
    return "expected a sysctl name: \"net.ipv4.ip_local_port_range\"";
  }
  return "";
}

}  // namespace

FirewallRule read_firewall_rule(Reader& r, const std::map<std::string, FakeSpec>& fakes) {
  FirewallRule rule;
  rule.pos = pos_of(r.raw(), r.file());
  const std::string action = r.required_string("action");
  auto parsed = parse_firewall_action(action);
  if (!parsed) {
    r.fail("action",
           fmt::format("unknown action \"{}\" (expected {})", action, kFirewallActionNames));
  }
  rule.action = *parsed;
  if (auto fake = r.string("fake")) {
    auto it = fakes.find(*fake);
    if (it == fakes.end()) {
      std::vector<std::string> names;
      for (const auto& entry : fakes) names.push_back(entry.first);
      auto near = closest_name(*fake, names);
      r.fail("fake", fmt::format("no fake named \"{}\"{}", *fake,
                                 near ? fmt::format(" (did you mean \"{}\"?)", *near) : ""));
    }
    if (it->second.unix_socket || it->second.socket || it->second.zone) {
      r.fail("fake", fmt::format("fake \"{}\" does not listen on TCP: a firewall rule matches "
                                 "an address and a TCP port",
                                 *fake));
    }
    if (r.has("address") || r.has("port"))
      r.fail("fake", "a rule matches a fake or an address and port, not both");
    rule.fake = *fake;
  } else if (auto address = r.string("address")) {
    in6_addr bytes{};
    const bool ip = ::inet_pton(AF_INET, address->c_str(), &bytes) == 1 ||
                    ::inet_pton(AF_INET6, address->c_str(), &bytes) == 1;
    if (!ip ||
        (!fakes::Address::tcp(*address, 1).is_loopback() && !is_documentation_address(*address))) {
      r.fail("address", "expected a loopback or documentation IP address: \"192.0.2.10\"");
    }
    rule.address = *address;
    if (auto port = r.integer("port", 1, 65535)) rule.port = static_cast<std::uint16_t>(*port);
  } else {
    r.fail_at(r.raw().source(), r.path(),
              "names what it matches: `fake = \"NAME\"`, or `address` (and `port`)");
  }
  if (rule.action == FirewallAction::conn_limit) {
    auto limit = r.integer("limit", 1, 100'000);
    if (!limit) r.fail("limit", "is required with action = \"conn_limit\": connections per source");
    rule.limit = static_cast<int>(*limit);
  } else if (r.has("limit")) {
    r.fail("limit", "only with action = \"conn_limit\"");
  }
  if (auto hook = r.string("hook")) {
    if (*hook == "output") {
      rule.hook = FirewallHook::output;
    } else if (*hook != "input") {
      r.fail("hook", fmt::format("unknown hook \"{}\" (expected \"input\": packets to the target, "
                                 "or \"output\": packets it sends)",
                                 *hook));
    }
  }
  if (rule.hook == FirewallHook::output && rule.action == FirewallAction::conn_limit) {
    r.fail("hook", "conn_limit counts connections coming in: input only");
  }
  r.reject_unknown();
  return rule;
}

NetworkSpec read_network(const toml::table& table, const std::string& path, const std::string& file,
                         const std::map<std::string, FakeSpec>& fakes) {
  Reader r(table, path, file);
  NetworkSpec spec;
  spec.pos = pos_of(table, file);
  spec.required = r.boolean("required").value_or(false);
  if (const toml::table* sysctl = r.table("sysctl")) {
    if (sysctl->size() > kMaxSysctls) r.fail("sysctl", fmt::format("at most {} keys", kMaxSysctls));
    for (const auto& [k, v] : *sysctl) {
      const std::string key(k.str());
      const std::string field = r.field(fmt::format("sysctl.\"{}\"", key));
      if (auto e = check_sysctl_key(key); !e.empty()) fail_at(file, k.source(), field, e);
      std::string value;
      if (v.is_string()) {
        value = v.as_string()->get();
      } else if (v.is_integer()) {
        value = std::to_string(v.as_integer()->get());
      } else {
        fail_at(file, v.source(), field, "expected a string or an integer");
      }
      if (value.empty() || value.find_first_of("\n\r") != std::string::npos)
        fail_at(file, v.source(), field, "expected a value on one line");
      spec.sysctls[key] = value;
    }
  }
  if (const toml::node* n = r.get("firewall")) {
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables())
      r.fail("firewall", "expected [[" + path + ".firewall]] tables");
    if (arr->size() > kMaxFirewallRules)
      r.fail("firewall", fmt::format("at most {} rules", kMaxFirewallRules));
    for (const auto& item : *arr) {
      Reader fr(*item.as_table(), r.field("firewall"), file);
      spec.firewall.push_back(read_firewall_rule(fr, fakes));
    }
  }
  if (const toml::node* n = r.get("route")) {
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables())
      r.fail("route", "expected [[" + path + ".route]] tables");
    if (arr->size() > kMaxRoutes) r.fail("route", fmt::format("at most {} routes", kMaxRoutes));
    for (const auto& item : *arr) {
      Reader rr(*item.as_table(), r.field("route"), file);
      RouteSpec route;
      route.pos = pos_of(*item.as_table(), file);
      route.to = rr.required_string("to");
      if (auto e = check_route_target(route.to); !e.empty()) rr.fail("to", e);
      const std::string type = rr.required_string("type");
      auto parsed = parse_route_type(type);
      if (!parsed)
        rr.fail("type",
                fmt::format("unknown route type \"{}\" (expected {})", type, kRouteTypeNames));
      route.type = *parsed;
      rr.reject_unknown();
      spec.routes.push_back(route);
    }
  }
  r.reject_unknown();
  // [fix.network] may be empty: the fixed run has none of the broken run's rules.
  if (spec.empty() && path == "network") {
    fail_at(file, table.source(), path,
            "is empty: set required, sysctl, [[" + path + ".firewall]] or [[" + path + ".route]]");
  }
  return spec;
}

}  // namespace badgateway
