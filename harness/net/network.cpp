#include "harness/net/network.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <nftables/libnftables.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "harness/error.hpp"
#include "harness/process/child.hpp"

namespace badgateway {
namespace {

constexpr Millis kIpLimit{10'000};

bool is_v6(const std::string& address) {
  in6_addr bytes{};
  return ::inet_pton(AF_INET6, address.c_str(), &bytes) == 1;
}

// Runs `commands` (one iproute2 command per line, without the leading "ip") in `ns`.
void ip_batch(const NetNamespace& ns, const std::filesystem::path& file,
              const std::vector<std::string>& commands, std::string_view step) {
  {
    std::ofstream out(file);
    for (const auto& c : commands) out << c << '\n';
  }
  SpawnOptions where;
  where.netns_fd = ns.fd();
  CommandResult r = run_command({"ip", "-batch", file.string()}, kIpLimit, where);
  if (!r.ok()) {
    std::string out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    throw HarnessError(fmt::format("cannot {}: ip -batch {}: {}", step, file.string(),
                                   r.status < 0 ? "did not finish" : out));
  }
}

// libnftables keeps global state (its symbol tables, the netlink cache); one rule set at a time.
std::mutex g_nft_mutex;

void run_nft(const NetNamespace* ns, const std::string& ruleset) {
  std::lock_guard lock(g_nft_mutex);
  InNetNamespace there(ns);
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (!ctx) throw HarnessError("cannot set up nftables (nft_ctx_new failed)");
  nft_ctx_buffer_output(ctx);
  nft_ctx_buffer_error(ctx);
  const int rc = nft_run_cmd_from_buffer(ctx, ruleset.c_str());
  std::string error = nft_ctx_get_error_buffer(ctx);
  nft_ctx_free(ctx);
  if (rc != 0) {
    while (!error.empty() && error.back() == '\n') error.pop_back();
    throw HarnessError(fmt::format("nftables refused the firewall rules: {}", error));
  }
}

// The address and port a rule matches: its fake's bound TCP address, or its own.
std::pair<std::string, std::optional<std::uint16_t>> target_of(
    const FirewallRule& rule, const std::map<std::string, fakes::Address>& fakes) {
  if (rule.fake.empty()) return {rule.address, rule.port};
  auto it = fakes.find(rule.fake);
  if (it == fakes.end() || it->second.kind != fakes::Address::Kind::tcp) {
    throw HarnessError(
        fmt::format("firewall rule for fake \"{}\": it has no TCP address", rule.fake));
  }
  return {it->second.host, it->second.port};
}

// Packets to the target on the input hook, from it on the output hook.
std::string match_of(const std::string& address, std::optional<std::uint16_t> port,
                     FirewallHook hook) {
  const bool in = hook == FirewallHook::input;
  std::string m =
      fmt::format("{} {} {}", is_v6(address) ? "ip6" : "ip", in ? "daddr" : "saddr", address);
  return port ? fmt::format("{} tcp {} {}", m, in ? "dport" : "sport", *port)
              : m + " meta l4proto tcp";
}

}  // namespace

bool is_documentation_address(const std::string& address) {
  std::array<unsigned char, 16> b{};
  if (::inet_pton(AF_INET, address.c_str(), b.data()) == 1) {
    return (b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100) ||
           (b[0] == 203 && b[1] == 0 && b[2] == 113);
  }
  if (::inet_pton(AF_INET6, address.c_str(), b.data()) == 1) {
    return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
  }
  return false;
}

std::string_view to_string(FirewallAction a) {
  switch (a) {
    case FirewallAction::drop:
      return "drop";
    case FirewallAction::reject:
      return "reject";
    case FirewallAction::host_unreachable:
      return "host_unreachable";
    case FirewallAction::net_unreachable:
      return "net_unreachable";
    case FirewallAction::admin_prohibited:
      return "admin_prohibited";
    case FirewallAction::drop_established:
      return "drop_established";
    case FirewallAction::conn_limit:
      return "conn_limit";
  }
  return "?";
}

std::optional<FirewallAction> parse_firewall_action(std::string_view text) {
  for (FirewallAction a :
       {FirewallAction::drop, FirewallAction::reject, FirewallAction::host_unreachable,
        FirewallAction::net_unreachable, FirewallAction::admin_prohibited,
        FirewallAction::drop_established, FirewallAction::conn_limit}) {
    if (to_string(a) == text) return a;
  }
  return std::nullopt;
}

std::string_view to_string(RouteType t) {
  switch (t) {
    case RouteType::unreachable:
      return "unreachable";
    case RouteType::prohibit:
      return "prohibit";
    case RouteType::blackhole:
      return "blackhole";
  }
  return "?";
}

std::optional<RouteType> parse_route_type(std::string_view text) {
  for (RouteType t : {RouteType::unreachable, RouteType::prohibit, RouteType::blackhole}) {
    if (to_string(t) == text) return t;
  }
  return std::nullopt;
}

std::string nft_ruleset(const std::vector<const FirewallRule*>& rules,
                        const std::map<std::string, fakes::Address>& fakes,
                        std::string_view table) {
  std::string sets, input, output;
  int set_number = 0;
  for (const FirewallRule* rule : rules) {
    const auto [address, port] = target_of(*rule, fakes);
    const std::string match = match_of(address, port, rule->hook);
    std::string& chain = rule->hook == FirewallHook::input ? input : output;
    switch (rule->action) {
      case FirewallAction::drop:
        chain += fmt::format("    {} drop\n", match);
        break;
      case FirewallAction::reject:
        chain += fmt::format("    {} reject with tcp reset\n", match);
        break;
      case FirewallAction::host_unreachable:
        chain += fmt::format("    {} reject with icmpx type host-unreachable\n", match);
        break;
      case FirewallAction::net_unreachable:
        chain += fmt::format("    {} reject with icmpx type no-route\n", match);
        break;
      case FirewallAction::admin_prohibited:
        chain += fmt::format("    {} reject with icmpx type admin-prohibited\n", match);
        break;
      case FirewallAction::drop_established:
        chain += fmt::format("    {} ct state established drop\n", match);
        break;
      case FirewallAction::conn_limit: {
        const bool v6 = is_v6(address);
        const std::string set = fmt::format("sources{}", set_number++);
        sets += fmt::format("  set {} {{ type {}; size 65535; flags dynamic; }}\n", set,
                            v6 ? "ipv6_addr" : "ipv4_addr");
        chain += fmt::format(
            "    {} ct state new add @{} {{ {} saddr ct count over {} }} reject with tcp reset\n",
            match, set, v6 ? "ip6" : "ip", rule->limit);
        break;
      }
    }
  }
  std::string text = fmt::format("table inet {} {{\n{}", table, sets);
  for (const auto& [hook, chain] : {std::pair{"input", &input}, std::pair{"output", &output}}) {
    if (chain->empty()) continue;
    text += fmt::format(
        "  chain {0} {{\n    type filter hook {0} priority 0; policy accept;\n{1}  }}\n", hook,
        *chain);
  }
  return text + "}\n";
}

RunNetwork::RunNetwork(const NetNamespace& nginx_ns, const NetworkSpec& spec,
                       const std::vector<std::string>& host_addresses,
                       std::filesystem::path work_dir)
    : nginx_ns_(nginx_ns), spec_(spec), work_dir_(std::move(work_dir)) {
  std::set<std::string> seen;
  std::vector<std::string> nginx_side;
  for (const auto& address : host_addresses) {
    if (!seen.insert(address).second) continue;
    const std::size_t n = hosts_.size();
    auto host = std::make_unique<Host>(Host{address, NetNamespace::create()});
    const bool v6 = is_v6(address);
    const std::string own(v6 ? kNginxSideV6 : kNginxSideV4);
    const std::string link = fmt::format("bgh{}", n);
    // The host end is born in the host's namespace: `ip` opens it through our fd.
    nginx_side.push_back(fmt::format("link add {} type veth peer name eth0 netns /proc/{}/fd/{}",
                                     link, ::getpid(), host->ns.fd()));
    nginx_side.push_back(fmt::format("link set {} up", link));
    // nodad: an IPv6 address is usable at once, not after duplicate address detection.
    nginx_side.push_back(
        fmt::format("addr add {}/{} dev {}{}", own, v6 ? 128 : 32, link, v6 ? " nodad" : ""));
    nginx_side.push_back(
        fmt::format("route add {}/{} dev {} src {}", address, v6 ? 128 : 32, link, own));
    hosts_.push_back(std::move(host));
  }
  for (const auto& route : spec_.routes) {
    // replace: a route for an upstream host's own address takes the place of its link route.
    nginx_side.push_back(fmt::format("route replace {} {}", to_string(route.type), route.to));
  }
  if (!nginx_side.empty()) {
    ip_batch(nginx_ns_, work_dir_ / "network-nginx.ip", nginx_side,
             "link nginx's network namespace to its upstream hosts");
  }
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    const Host& h = *hosts_[i];
    const bool v6 = is_v6(h.address);
    ip_batch(
        h.ns, work_dir_ / fmt::format("network-host{}.ip", i),
        {fmt::format("addr add {}/{} dev eth0{}", h.address, v6 ? 128 : 32, v6 ? " nodad" : ""),
         "link set eth0 up", fmt::format("route add {} dev eth0", v6 ? "::/0" : "0.0.0.0/0")},
        fmt::format("set up upstream host {}", h.address));
  }
  for (const auto& [key, value] : spec_.sysctls) write_sysctl(nginx_ns_, key, value);
}

RunNetwork::~RunNetwork() = default;

const NetNamespace* RunNetwork::namespace_of(const std::string& address) const {
  for (const auto& h : hosts_) {
    if (h->address == address) return &h->ns;
  }
  return nullptr;
}

void RunNetwork::apply_firewall(const std::map<std::string, fakes::Address>& fakes) {
  // Rules grouped by the namespace their address lives in.
  std::map<const NetNamespace*, std::vector<const FirewallRule*>> by_namespace;
  for (const auto& rule : spec_.firewall) {
    const NetNamespace* ns = namespace_of(target_of(rule, fakes).first);
    by_namespace[ns ? ns : &nginx_ns_].push_back(&rule);
  }
  for (const auto& [ns, rules] : by_namespace) run_nft(ns, nft_ruleset(rules, fakes));
}

void RunNetwork::replace_timeline_firewall(const std::vector<FirewallRule>& rules,
                                           const std::map<std::string, fakes::Address>& fakes) {
  constexpr std::string_view kTable = "badgateway_timeline";
  std::lock_guard lock(timeline_mutex_);
  std::map<const NetNamespace*, std::vector<const FirewallRule*>> by_namespace;
  for (const NetNamespace* ns : timeline_namespaces_) by_namespace[ns];  // emptied there
  for (const auto& rule : rules) {
    const NetNamespace* ns = namespace_of(target_of(rule, fakes).first);
    by_namespace[ns ? ns : &nginx_ns_].push_back(&rule);
  }
  for (const auto& [ns, in_ns] : by_namespace) {
    // Declaring the table first makes the delete valid whether it existed or not; one buffer is
    // one nftables transaction, so no packet sees the namespace between the two rule sets.
    std::string batch = fmt::format("table inet {0}\ndelete table inet {0}\n", kTable);
    if (!in_ns.empty()) batch += nft_ruleset(in_ns, fakes, kTable);
    run_nft(ns, batch);
    if (in_ns.empty()) {
      timeline_namespaces_.erase(ns);
    } else {
      timeline_namespaces_.insert(ns);
    }
  }
}

}  // namespace badgateway
