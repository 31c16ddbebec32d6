// A run's network (harness/net/network.hpp): each firewall action, route type and sysctl makes a
// connect from nginx's namespace end the way it does between real machines. Needs root (CI runs
// as root); without the privilege the namespace cases are skipped, the rule text cases run.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "fakes/base/address.hpp"
#include "harness/error.hpp"
#include "harness/net/netns.hpp"
#include "harness/net/network.hpp"
#include "harness/process/run_dir.hpp"

namespace bg = badgateway;

namespace {

struct Listener {
  int fd = -1;
  std::uint16_t port = 0;
  ~Listener() {
    if (fd >= 0) ::close(fd);
  }
};

// Listens on `ip`, port chosen by the kernel, in the calling thread's namespace.
void listen_on(const std::string& ip, Listener& out) {
  sockaddr_storage ss;
  socklen_t len = bg::fakes::Address::tcp(ip, 0).to_sockaddr(ss);
  out.fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(out.fd >= 0);
  int one = 1;
  ::setsockopt(out.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  REQUIRE(::bind(out.fd, reinterpret_cast<sockaddr*>(&ss), len) == 0);
  REQUIRE(::listen(out.fd, 16) == 0);
  REQUIRE(::getsockname(out.fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0);
  out.port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

// A non-blocking connect in the calling thread's namespace, waited for at most `limit`: 0 when
// it connected, the errno it failed with, or ETIMEDOUT when nothing came back in time. `keep`
// receives the connected socket (else it is closed).
int connect_errno(const std::string& ip, std::uint16_t port, std::chrono::milliseconds limit,
                  int* keep = nullptr) {
  sockaddr_storage ss;
  socklen_t len = bg::fakes::Address::tcp(ip, port).to_sockaddr(ss);
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  REQUIRE(fd >= 0);
  int result = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    result = errno;
    if (result == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(limit.count())) == 0) {
        result = ETIMEDOUT;
      } else {
        socklen_t l = sizeof result;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &l);
      }
    }
  }
  if (keep && result == 0) {
    *keep = fd;
  } else {
    ::close(fd);
  }
  return result;
}

bool readable_within(int fd, std::chrono::milliseconds limit) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(limit.count())) > 0;
}

// The namespace nginx would run in, with the network built around it.
struct Fixture {
  bg::RunDir dir{"network-test"};
  bg::NetNamespace nginx = bg::NetNamespace::create();
};

bool privileged() {
  if (auto why = bg::NetNamespace::unavailable()) {
    MESSAGE("skipped: " << *why);
    return false;
  }
  return true;
}

bg::FirewallRule rule_for(const std::string& fake, bg::FirewallAction action, int limit = 0) {
  bg::FirewallRule r;
  r.fake = fake;
  r.action = action;
  r.limit = limit;
  return r;
}

}  // namespace

TEST_CASE("network: nftables rule text per action, matching the fake's address and port") {
  std::map<std::string, bg::fakes::Address> fakes{
      {"app", bg::fakes::Address::tcp("192.0.2.10", 8080)},
      {"v6", bg::fakes::Address::tcp("2001:db8::10", 81)}};
  bg::FirewallRule drop = rule_for("app", bg::FirewallAction::drop);
  bg::FirewallRule limit = rule_for("v6", bg::FirewallAction::conn_limit, 3);
  bg::FirewallRule any_port;
  // std::string(...), not a literal: GCC 12 at -O3 warns (-Wrestrict, a false positive).
  any_port.address = std::string("198.51.100.20");
  any_port.action = bg::FirewallAction::host_unreachable;
  const std::string text = bg::nft_ruleset({&drop, &limit, &any_port}, fakes);
  CHECK(text.find("ip daddr 192.0.2.10 tcp dport 8080 drop") != std::string::npos);
  CHECK(text.find("set sources0 { type ipv6_addr;") != std::string::npos);
  CHECK(text.find("ip6 daddr 2001:db8::10 tcp dport 81 ct state new add @sources0 { ip6 saddr "
                  "ct count over 3 } reject with tcp reset") != std::string::npos);
  CHECK(text.find("ip daddr 198.51.100.20 meta l4proto tcp reject with icmpx type "
                  "host-unreachable") != std::string::npos);
  bg::FirewallRule unix_fake = rule_for("nowhere", bg::FirewallAction::drop);
  CHECK_THROWS_AS(bg::nft_ruleset({&unix_fake}, fakes), bg::HarnessError);
  CHECK(text.find("chain output") == std::string::npos);  // no rule needs it
}

TEST_CASE("network: an output-hook rule matches what the target sends, in a table of its own") {
  std::map<std::string, bg::fakes::Address> fakes{
      {"app", bg::fakes::Address::tcp("192.0.2.10", 8080)}};
  bg::FirewallRule silent = rule_for("app", bg::FirewallAction::drop);
  silent.hook = bg::FirewallHook::output;
  bg::FirewallRule in = rule_for("app", bg::FirewallAction::reject);
  const std::string text = bg::nft_ruleset({&silent, &in}, fakes, "badgateway_timeline");
  CHECK(text.starts_with("table inet badgateway_timeline {"));
  const auto input = text.find("chain input {"), output = text.find("chain output {");
  REQUIRE(input != std::string::npos);
  REQUIRE(output != std::string::npos);
  const auto sport = text.find("ip saddr 192.0.2.10 tcp sport 8080 drop");
  const auto dport = text.find("ip daddr 192.0.2.10 tcp dport 8080 reject with tcp reset");
  CHECK(sport > output);
  CHECK(dport > input);
  CHECK(dport < output);
}

TEST_CASE("network: documentation addresses only") {
  CHECK(bg::is_documentation_address("192.0.2.10"));
  CHECK(bg::is_documentation_address("198.51.100.255"));
  CHECK(bg::is_documentation_address("203.0.113.1"));
  CHECK(bg::is_documentation_address("2001:db8::10"));
  CHECK_FALSE(bg::is_documentation_address("192.0.3.1"));
  CHECK_FALSE(bg::is_documentation_address("10.0.0.1"));
  CHECK_FALSE(bg::is_documentation_address("2001:db9::1"));
  CHECK_FALSE(bg::is_documentation_address("example.test"));
}

TEST_CASE(
    "network: an upstream host is reached across its link, and each firewall action ends "
    "a connect as between machines") {
  if (!privileged()) return;
  Fixture f;
  bg::NetworkSpec spec;
  spec.firewall = {rule_for("drop", bg::FirewallAction::drop),
                   rule_for("reject", bg::FirewallAction::reject),
                   rule_for("host", bg::FirewallAction::host_unreachable),
                   rule_for("net", bg::FirewallAction::net_unreachable),
                   rule_for("admin", bg::FirewallAction::admin_prohibited),
                   rule_for("established", bg::FirewallAction::drop_established),
                   rule_for("limit", bg::FirewallAction::conn_limit, 1)};
  bg::RunNetwork net(f.nginx, spec, {"192.0.2.10", "2001:db8::20"}, f.dir.path());
  REQUIRE(net.namespace_of("192.0.2.10"));
  REQUIRE(net.namespace_of("2001:db8::20"));
  CHECK(net.namespace_of("127.0.0.1") == nullptr);
  Listener open, drop, reject, host, netu, admin, established, limit, v6;
  std::map<std::string, bg::fakes::Address> fakes;
  {
    bg::InNetNamespace there(net.namespace_of("192.0.2.10"));
    for (auto [name, l] : {std::pair{"open", &open},
                           {"drop", &drop},
                           {"reject", &reject},
                           {"host", &host},
                           {"net", &netu},
                           {"admin", &admin},
                           {"established", &established},
                           {"limit", &limit}}) {
      listen_on("192.0.2.10", *l);
      fakes[name] = bg::fakes::Address::tcp("192.0.2.10", l->port);
    }
  }
  {
    bg::InNetNamespace there(net.namespace_of("2001:db8::20"));
    listen_on("2001:db8::20", v6);
  }
  net.apply_firewall(fakes);

  bg::InNetNamespace in_nginx(&f.nginx);
  using std::chrono::milliseconds;
  CHECK(connect_errno("192.0.2.10", open.port, milliseconds(5000)) == 0);
  CHECK(connect_errno("2001:db8::20", v6.port, milliseconds(5000)) == 0);
  CHECK(connect_errno("192.0.2.10", drop.port, milliseconds(300)) == ETIMEDOUT);
  CHECK(connect_errno("192.0.2.10", reject.port, milliseconds(5000)) == ECONNREFUSED);
  CHECK(connect_errno("192.0.2.10", host.port, milliseconds(5000)) == EHOSTUNREACH);
  CHECK(connect_errno("192.0.2.10", netu.port, milliseconds(5000)) == ENETUNREACH);
  CHECK(connect_errno("192.0.2.10", admin.port, milliseconds(5000)) == EHOSTUNREACH);
  // An address no upstream host has: nginx's namespace has no route there at all.
  CHECK(connect_errno("203.0.113.99", 80, milliseconds(5000)) == ENETUNREACH);

  // The handshake completes for the client; nothing after it arrives: no accept, no answer.
  int mid = -1;
  REQUIRE(connect_errno("192.0.2.10", established.port, milliseconds(5000), &mid) == 0);
  CHECK(::send(mid, "GET / HTTP/1.0\r\n\r\n", 18, MSG_NOSIGNAL) == 18);
  CHECK_FALSE(readable_within(established.fd, milliseconds(300)));
  ::close(mid);

  // One connection from nginx's address at a time: the second is reset.
  int first = -1;
  REQUIRE(connect_errno("192.0.2.10", limit.port, milliseconds(5000), &first) == 0);
  CHECK(connect_errno("192.0.2.10", limit.port, milliseconds(5000)) == ECONNREFUSED);
  ::close(first);
}

TEST_CASE("network: a timeline's firewall rules replace each other and leave [network]'s") {
  if (!privileged()) return;
  Fixture f;
  bg::NetworkSpec spec;
  spec.firewall = {rule_for("reject", bg::FirewallAction::reject)};
  bg::RunNetwork net(f.nginx, spec, {"192.0.2.10"}, f.dir.path());
  Listener app, reject, local;
  std::map<std::string, bg::fakes::Address> fakes;
  {
    bg::InNetNamespace there(net.namespace_of("192.0.2.10"));
    listen_on("192.0.2.10", app);
    listen_on("192.0.2.10", reject);
  }
  {
    bg::InNetNamespace in_nginx(&f.nginx);
    listen_on("127.0.0.1", local);
  }
  fakes["app"] = bg::fakes::Address::tcp("192.0.2.10", app.port);
  fakes["reject"] = bg::fakes::Address::tcp("192.0.2.10", reject.port);
  fakes["local"] = bg::fakes::Address::tcp("127.0.0.1", local.port);
  net.apply_firewall(fakes);

  using std::chrono::milliseconds;
  auto connect = [&](const std::string& name, milliseconds limit = milliseconds(5000)) {
    bg::InNetNamespace in_nginx(&f.nginx);
    return connect_errno(fakes[name].host, fakes[name].port, limit);
  };
  CHECK(connect("app") == 0);
  // One on the upstream host, one in nginx's namespace (a loopback fake).
  net.replace_timeline_firewall(
      {rule_for("app", bg::FirewallAction::drop), rule_for("local", bg::FirewallAction::reject)},
      fakes);
  CHECK(connect("app", milliseconds(300)) == ETIMEDOUT);
  CHECK(connect("local") == ECONNREFUSED);
  // The next action's rules replace those: the host's SYN-ACK goes nowhere; nginx's namespace
  // holds none any more.
  bg::FirewallRule silent = rule_for("app", bg::FirewallAction::drop);
  silent.hook = bg::FirewallHook::output;
  net.replace_timeline_firewall({silent}, fakes);
  CHECK(connect("app", milliseconds(300)) == ETIMEDOUT);
  CHECK(connect("local") == 0);
  net.replace_timeline_firewall({}, fakes);
  CHECK(connect("app") == 0);
  CHECK(connect("reject") == ECONNREFUSED);  // [network]'s rule stays through all of it
}

TEST_CASE("network: routes in nginx's namespace fail the connect itself") {
  if (!privileged()) return;
  Fixture f;
  bg::NetworkSpec spec;
  spec.routes = {{"192.0.2.10", bg::RouteType::prohibit, {}},
                 {"198.51.100.0/24", bg::RouteType::unreachable, {}},
                 {"203.0.113.7", bg::RouteType::blackhole, {}}};
  // A route for an upstream host's own address replaces its link route.
  bg::RunNetwork net(f.nginx, spec, {"192.0.2.10"}, f.dir.path());
  bg::InNetNamespace in_nginx(&f.nginx);
  using std::chrono::milliseconds;
  CHECK(connect_errno("192.0.2.10", 80, milliseconds(5000)) == EACCES);
  CHECK(connect_errno("198.51.100.9", 80, milliseconds(5000)) == EHOSTUNREACH);
  CHECK(connect_errno("203.0.113.7", 80, milliseconds(5000)) == EINVAL);
}

TEST_CASE("network: sysctls apply to the run's namespace only") {
  if (!privileged()) return;
  auto read_range = [] {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int lo = 0, hi = 0;
    in >> lo >> hi;
    return std::pair{lo, hi};
  };
  const auto machine = read_range();
  Fixture f;
  bg::NetworkSpec spec;
  spec.sysctls["net.ipv4.ip_local_port_range"] = "40000 40009";
  bg::RunNetwork net(f.nginx, spec, {}, f.dir.path());
  {
    bg::InNetNamespace in_nginx(&f.nginx);
    CHECK(read_range() == std::pair{40000, 40009});
  }
  CHECK(read_range() == machine);

  bg::NetworkSpec bad;
  bad.sysctls["net.ipv4.no_such_key"] = std::string("1");  // not a literal: GCC 12 -Wrestrict
  Fixture g;
  CHECK_THROWS_WITH_AS(bg::RunNetwork(g.nginx, bad, {}, g.dir.path()),
                       doctest::Contains("cannot set sysctl net.ipv4.no_such_key"),
                       bg::HarnessError);
}
