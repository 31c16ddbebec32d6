#include "harness/run/upstream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "fakes/dns/server.hpp"

#include "fakes/behaviours/registry.hpp"
#include "harness/error.hpp"
#include "harness/net/free_port.hpp"
#include "harness/nginx/own_config.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/process/run_dir.hpp"

namespace badgateway {
namespace {

// An endpoint of the phase's FakeServer. The server, shared by every fake so that they all run
// on one I/O thread, is Upstreams' to start and stop; start() and stop() here have nothing to do.
class FakeUpstream final : public Upstream {
 public:
  FakeUpstream(fakes::FakeServer& server, const std::string& name, const FakeSpec& spec,
               const fakes::Address& where, tls::RunCredentials* credentials)
      : server_(server), name_(name) {
    fakes::Params params(spec.params);
    const fakes::BehaviourInfo* info = fakes::find_behaviour(spec.behaviour, spec.protocol);
    if (!info)
      throw HarnessError(fmt::format("fake {}: behaviour {} unavailable", name, spec.behaviour));
    fakes::EndpointOptions endpoint;
    if (spec.socket) endpoint.socket_mode = 0666;  // the config's workers (www-data) are not us
    if (spec.tls) {
      if (!credentials) throw HarnessError(fmt::format("fake {}: no certificates made", name));
      tls::ServedFiles files = credentials->issue(name, spec.tls->certificate);
      fakes::TlsOptions options = spec.tls->options;
      options.certificate_chain_file = files.certificate_chain.string();
      options.private_key_file = files.private_key.string();
      if (spec.tls->client_certificate) options.client_ca_file = files.client_ca.string();
      endpoint.tls = std::move(options);
    }
    bound_ = server.add_endpoint(name, where, fakes::make_behaviour(*info, params), endpoint);
  }
  const fakes::Address& address() const override { return bound_; }
  void start(Millis, const NetNamespace*) override {}
  void stop() override {}
  UpstreamCounts counts() const override {
    fakes::EndpointStats stats = server_.stats(name_);
    return {stats.connections, stats.requests};
  }
  std::optional<UpstreamCounts> live_counts() const override {
    const fakes::EndpointStats stats = server_.recorder(name_).counters();
    return UpstreamCounts{stats.connections, stats.requests};
  }

 private:
  fakes::FakeServer& server_;
  std::string name_;
  fakes::Address bound_;
};

class PhpFpmUpstream final : public Upstream {
 public:
  PhpFpmUpstream(const std::string& name, const FakeSpec& spec, const std::filesystem::path& dir,
                 const fakes::Address& where)
      : pool_(spec_of(spec), name, dir, where) {}
  const fakes::Address& address() const override { return pool_.address(); }
  void start(Millis limit, const NetNamespace* netns) override { pool_.start(limit, netns); }
  void stop() override { pool_.stop(); }
  // Its access log has a line per request; nothing it writes counts connections (several
  // requests share one with fastcgi_keep_conn), so that count is unknown.
  UpstreamCounts counts() const override { return {std::nullopt, pool_.requests_served()}; }
  PhpFpm* php_fpm() override { return &pool_; }

 private:
  static PhpFpmSpec spec_of(const FakeSpec& spec) {
    fakes::Params params(spec.params);
    return PhpFpmSpec::from_params(params);
  }
  PhpFpm pool_;
};

// The DNS fake: its own server (UDP and TCP) on 127.0.0.1, bound at construction. Its requests
// are the queries it got; it counts no connections (most queries come without one, over UDP).
class DnsUpstream final : public Upstream {
 public:
  // Serving from the moment it is bound: `nginx -t` resolves start-up names through it.
  DnsUpstream(const FakeSpec& spec, const std::string& host, std::uint16_t port)
      : server_(*spec.zone, host, port), address_(server_.address()) {
    server_.start();
  }
  const fakes::Address& address() const override { return address_; }
  void start(Millis, const NetNamespace*) override {}
  void stop() override { server_.stop(); }
  fakes::dns::DnsServer* dns_server() override { return &server_; }
  UpstreamCounts counts() const override {
    UpstreamCounts out{std::nullopt, 0, true, {}};
    const auto started = server_.started();
    for (auto& q : server_.queries())
      out.queries.push_back({std::move(q.name), std::move(q.type), q.tcp, started + q.at});
    out.requests = out.queries.size();
    return out;
  }

 private:
  fakes::dns::DnsServer server_;
  fakes::Address address_;
};

bool is_ip_literal(const std::string& host) {
  in6_addr bytes{};
  return ::inet_pton(AF_INET, host.c_str(), &bytes) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), &bytes) == 1;
}

bool is_localhost(std::string_view name) {
  return name.size() == 9 && std::equal(name.begin(), name.end(), "localhost", [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

// Where an upstream listens: a socket in the run directory, the socket an own config names (in
// the run's private /run), the loopback address of the host name it stands for, or 127.0.0.1 on
// a port the kernel picks (chosen up front with `needs_port`, for PHP-FPM, which cannot report
// it).
fakes::Address upstream_address(const std::string& name, const FakeSpec& spec,
                                const UpstreamPlacement& at, bool needs_port) {
  if (spec.unix_socket)
    return fakes::Address::unix_socket((at.run_dir / (name + ".sock")).string());
  if (spec.socket && at.own) {
    auto path = socket_on_host(*at.own, *spec.socket);
    create_directories_within(at.run_dir, path.parent_path());
    return fakes::Address::unix_socket(path.string());
  }
  if (spec.host) {
    auto it = at.hosts.find(spec.host->name);
    return fakes::Address::tcp(it != at.hosts.end() ? it->second : spec.host->name,
                               spec.host->port);
  }
  if (spec.listen_on) {
    fakes::Address where = *spec.listen_on;
    if (needs_port && where.port == 0) where.port = pick_free_port();
    return where;
  }
  return fakes::Address::tcp("127.0.0.1", needs_port ? pick_free_port() : 0);
}

}  // namespace

// `localhost` stays 127.0.0.1 (the hosts file says so) and IP literals are their own address:
// the run's network namespace is private, so a fake can bind them there.
std::map<std::string, std::string> assign_host_addresses(
    const std::map<std::string, FakeSpec>& fakes) {
  std::set<std::string> literal;
  for (const auto& [_, spec] : fakes) {
    if (spec.host && is_ip_literal(spec.host->name)) literal.insert(spec.host->name);
  }
  std::map<std::string, std::string> hosts;
  int next = 2;
  for (const auto& [_, spec] : fakes) {
    if (!spec.host || hosts.count(spec.host->name) || literal.count(spec.host->name)) continue;
    if (is_localhost(spec.host->name)) {
      hosts[spec.host->name] = "127.0.0.1";
      continue;
    }
    while (next <= 254 && literal.count(fmt::format("127.0.0.{}", next))) ++next;
    if (next > 254) throw HarnessError("more than 253 upstream host names");
    hosts[spec.host->name] = fmt::format("127.0.0.{}", next++);
  }
  return hosts;
}

std::map<std::string, std::string> assign_nameservers(
    const std::map<std::string, FakeSpec>& fakes) {
  std::map<std::string, std::string> out;
  int next = 1;  // 127.0.53.0/24: apart from an own config's host names (127.0.0.N)
  for (const auto& [name, spec] : fakes) {
    if (spec.resolv_conf) out[name] = fmt::format("127.0.53.{}", next++);
  }
  return out;
}

bool needs_credentials(const PhasePlan& plan) {
  if (plan.nginx.tls_files) return true;
  for (const auto& entry : plan.fakes) {
    if (entry.second.tls) return true;
  }
  for (const auto* text : {&plan.nginx.http, &plan.nginx.server, &plan.nginx.location}) {
    if (!*text) continue;
    for (const Placeholder& p : find_placeholders(**text)) {
      if (p.name.starts_with("tls.")) return true;
    }
  }
  return false;
}

void Upstreams::add(const std::string& name, const FakeSpec& spec, const UpstreamPlacement& at) {
  if (spec.zone) {
    auto ns = at.nameservers.find(name);
    upstreams_[name] = ns != at.nameservers.end()
                           ? std::make_unique<DnsUpstream>(spec, ns->second, 53)
                           : std::make_unique<DnsUpstream>(spec, "127.0.0.1", 0);
    return;
  }
  const bool real_php_fpm = is_php_fpm(spec.protocol, spec.behaviour);
  fakes::Address where = upstream_address(name, spec, at, real_php_fpm);
  if (real_php_fpm) {
    upstreams_[name] = std::make_unique<PhpFpmUpstream>(name, spec, at.run_dir, where);
  } else {
    upstreams_[name] = std::make_unique<FakeUpstream>(server_, name, spec, where, at.credentials);
  }
}

void Upstreams::start(Millis limit, const NetNamespace* netns) {
  server_.start([netns] {
    if (netns) netns->move_this_thread();
  });
  for (auto& entry : upstreams_) entry.second->start(limit, netns);
}

void Upstreams::stop() {
  server_.stop();
  for (auto& entry : upstreams_) entry.second->stop();
}

std::map<std::string, fakes::Address> Upstreams::addresses() const {
  std::map<std::string, fakes::Address> out;
  for (const auto& entry : upstreams_) out[entry.first] = entry.second->address();
  return out;
}

PhpFpm* Upstreams::php_fpm(const std::string& name) {
  auto it = upstreams_.find(name);
  return it == upstreams_.end() ? nullptr : it->second->php_fpm();
}

fakes::dns::DnsServer* Upstreams::dns_server(const std::string& name) {
  auto it = upstreams_.find(name);
  return it == upstreams_.end() ? nullptr : it->second->dns_server();
}

std::map<std::string, UpstreamCounts> Upstreams::counts() const {
  std::map<std::string, UpstreamCounts> out;
  for (const auto& entry : upstreams_) out[entry.first] = entry.second->counts();
  return out;
}

std::map<std::string, UpstreamCounts> Upstreams::live_counts() const {
  std::map<std::string, UpstreamCounts> out;
  for (const auto& entry : upstreams_) {
    if (auto counts = entry.second->live_counts()) out[entry.first] = std::move(*counts);
  }
  return out;
}

}  // namespace badgateway
