#pragma once
// A run's network beyond loopback (issue 11): upstream hosts on veth links, firewall rules,
// routes and sysctls, all inside network namespaces the run owns, so nothing reaches this
// machine's own network or any other.
//
// Layout: nginx's namespace (the run's sandbox) holds loopback and, per upstream host, one end of
// a veth pair named "bgh<N>" with kNginxSideV4 / kNginxSideV6 on it and a /32 (/128) route to
// the host's address. Each upstream host is a namespace of its own holding the other end, "eth0",
// with the host's address and a default route over it, so it answers nginx as a machine on the
// same link would. A connect then fails the way it does between machines: a firewall on the host
// drops or rejects, a route in nginx's namespace says unreachable or prohibit, an address no
// host has is "Network is unreachable" (nginx's namespace has no default route).
//
// Building one needs CAP_SYS_ADMIN and CAP_NET_ADMIN; every failure is a HarnessError naming
// the step. Links are made with iproute2's `ip -batch FILE` (an argv, in the namespace), rules
// with libnftables (Debian's nftables library) on a thread inside the namespace.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/base/address.hpp"
#include "harness/input/source_pos.hpp"
#include "harness/net/netns.hpp"

namespace badgateway {

// nginx's own address on every upstream host's link (the documentation ranges' first address,
// which no upstream host may take).
inline constexpr std::string_view kNginxSideV4 = "192.0.2.1";
inline constexpr std::string_view kNginxSideV6 = "2001:db8::1";

// Whether `address` is in a documentation range (RFC 5737: 192.0.2.0/24, 198.51.100.0/24,
// 203.0.113.0/24; RFC 3849: 2001:db8::/32): the only addresses an upstream host or a route may
// have, so a scenario can never name a real machine.
bool is_documentation_address(const std::string& address);

// What a firewall rule does to the packets it matches, in nftables' terms. Each becomes one rule
// in the input hook of the namespace the target address lives in (the upstream host's, or
// nginx's for a loopback fake), matching the address and port.
enum class FirewallAction {
  drop,              // `drop`: the SYN vanishes; nginx's connect times out
  reject,            // `reject with tcp reset`: (111: Connection refused)
  host_unreachable,  // `reject with icmpx type host-unreachable`: (113: No route to host)
  net_unreachable,   // `reject with icmpx type no-route`: (101: Network is unreachable)
  admin_prohibited,  // `reject with icmpx type admin-prohibited`: 113 over IPv4, 13 over IPv6
  drop_established,  // `ct state established drop`: the handshake's last ACK and all after vanish
  conn_limit,        // `ct state new add @set { ip saddr ct count over N } reject with tcp reset`
};
std::string_view to_string(FirewallAction a);
std::optional<FirewallAction> parse_firewall_action(std::string_view text);
inline constexpr std::string_view kFirewallActionNames =
    R"("drop", "reject", "host_unreachable", "net_unreachable", "admin_prohibited", )"
    R"("drop_established", "conn_limit")";

// Which packets of the target a rule sees: those sent to it (nftables' input hook of its
// namespace), or those it sends (the output hook: a host that goes silent, its FIN or RST lost).
enum class FirewallHook { input, output };

struct FirewallRule {
  std::string fake;  // the fake whose bound address and port it matches; "" with `address`
  std::string address;
  std::optional<std::uint16_t> port;  // with `address`: only this port; unset: every TCP port
  FirewallAction action = FirewallAction::drop;
  FirewallHook hook = FirewallHook::input;
  int limit = 0;  // conn_limit: connections per source address allowed before new ones are reset
  SourcePos pos;
};

// A route in nginx's namespace for an address or prefix ("198.51.100.7", "198.51.100.0/24").
enum class RouteType {
  unreachable,  // connect fails with (113: No route to host)
  prohibit,     // (13: Permission denied): what an SELinux name_connect denial looks like
  blackhole,    // (22: Invalid argument)
};
std::string_view to_string(RouteType t);
std::optional<RouteType> parse_route_type(std::string_view text);
inline constexpr std::string_view kRouteTypeNames = R"("unreachable", "prohibit", "blackhole")";

struct RouteSpec {
  std::string to;
  RouteType type = RouteType::unreachable;
  SourcePos pos;
};

// [network] of a scenario: plain data, checked by the loader.
struct NetworkSpec {
  // `required = true`: the run needs a network of its own for its pinned /etc files alone (a
  // scenario about how `localhost` resolves), without rules.
  bool required = false;
  std::map<std::string, std::string> sysctls;  // "net.ipv4.ip_local_port_range" -> "40000 40009"
  std::vector<FirewallRule> firewall;
  std::vector<RouteSpec> routes;
  SourcePos pos;  // the [network] table, for errors about it as a whole
  bool empty() const { return !required && sysctls.empty() && firewall.empty() && routes.empty(); }
};

// One run's network, around nginx's namespace (which the launcher's sandbox owns and outlives
// this). Namespaces, links and rules go when it does: the kernel removes a namespace nothing
// refers to any more, with its end of every veth pair, so a run killed with SIGKILL leaves
// nothing either.
class RunNetwork {
 public:
  // Makes an upstream host for each address of `host_addresses` (documentation addresses; each
  // once), then the spec's routes and sysctls in nginx's namespace. `work_dir` holds the `ip`
  // batch files. Throws HarnessError.
  RunNetwork(const NetNamespace& nginx_ns, const NetworkSpec& spec,
             const std::vector<std::string>& host_addresses, std::filesystem::path work_dir);
  RunNetwork(const RunNetwork&) = delete;
  RunNetwork& operator=(const RunNetwork&) = delete;
  ~RunNetwork();

  // The namespace a fake listening on `address` binds in: its upstream host's, or nullptr for
  // an address of nginx's namespace (loopback).
  const NetNamespace* namespace_of(const std::string& address) const;

  // The spec's firewall rules, once the fakes are bound (`fakes`: name -> bound address). Throws
  // HarnessError with nftables' message when a rule set is refused.
  void apply_firewall(const std::map<std::string, fakes::Address>& fakes);

  // A timeline's firewall action: `rules` replace the ones the timeline set before (an empty
  // list removes them), in a table of their own beside the spec's, atomically per namespace.
  // Thread-safe (the timeline plays on a thread of its own). Throws HarnessError.
  void replace_timeline_firewall(const std::vector<FirewallRule>& rules,
                                 const std::map<std::string, fakes::Address>& fakes);

 private:
  struct Host {
    std::string address;
    NetNamespace ns;
  };
  const NetNamespace& nginx_ns_;
  NetworkSpec spec_;
  std::mutex timeline_mutex_;
  std::set<const NetNamespace*> timeline_namespaces_;  // those holding the timeline's table
  std::filesystem::path work_dir_;
  std::vector<std::unique_ptr<Host>> hosts_;
};

// The nftables ruleset text for `rules` in one namespace (`fakes` resolves a rule's fake to its
// bound address), as table `table` with an input and an output chain as the rules need. Pure:
// unit-tested without privilege.
std::string nft_ruleset(const std::vector<const FirewallRule*>& rules,
                        const std::map<std::string, fakes::Address>& fakes,
                        std::string_view table = "badgateway");

}  // namespace badgateway
