#pragma once
// The upstreams of one run phase: what nginx connects to, a fake endpoint (fakes/) or a real
// PHP-FPM pool (php/). Which of the two a FakeSpec asks for is decided here, once; the runner
// sees only Upstreams.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "fakes/core/server.hpp"
#include "fakes/dns/server.hpp"
#include "harness/net/netns.hpp"
#include "harness/nginx/launcher.hpp"
#include "harness/observe/observation.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/scenario/model.hpp"
#include "harness/tls/run_credentials.hpp"

namespace badgateway {

class Upstream {
 public:
  virtual ~Upstream() = default;
  // Where nginx reaches it: known from construction on (a fake is bound by then, a pool's port
  // picked).
  virtual const fakes::Address& address() const = 0;
  // Serves from now until stop(), in `netns` when set; waits at most `limit` for it to accept.
  // Throws std::runtime_error when it cannot start.
  virtual void start(Millis limit, const NetNamespace* netns) = 0;
  // Bounded and idempotent.
  virtual void stop() = 0;
  // What it counted over its life, complete once stopped; a count it cannot make is nullopt.
  virtual UpstreamCounts counts() const = 0;
  // What it counted so far, read while it serves (live metrics); nullopt when that cannot be
  // read cheaply (a PHP-FPM pool counts through its access log, the DNS fake keeps queries).
  virtual std::optional<UpstreamCounts> live_counts() const { return std::nullopt; }
  // A real PHP-FPM pool's process (timeline actions act on it); nullptr for a fake.
  virtual PhpFpm* php_fpm() { return nullptr; }
  // A DNS fake's server (timeline actions change its answers); nullptr for the others.
  virtual fakes::dns::DnsServer* dns_server() { return nullptr; }
};

// Where a phase's upstreams listen.
struct UpstreamPlacement {
  std::filesystem::path run_dir;               // `listen = "unix"` sockets, PHP-FPM's files
  const OwnConfig* own = nullptr;              // set: a `socket` fake listens in its private /run
  std::map<std::string, std::string> hosts;    // an own config's host names -> 127.0.0.N
  tls::RunCredentials* credentials = nullptr;  // issues a TLS fake's certificate
  // DNS fakes the run's /etc/resolv.conf names: fake name -> its address (port 53).
  std::map<std::string, std::string> nameservers;
};

// The addresses of the phase's `resolv_conf` DNS fakes, in name order: 127.0.53.1, .2, ...
std::map<std::string, std::string> assign_nameservers(const std::map<std::string, FakeSpec>& fakes);

// Whether a phase needs its certificates made: a fake speaks TLS or a snippet names a
// `{{tls.*}}` file.
bool needs_credentials(const PhasePlan& plan);

// An own config's host names, each on a loopback address of its own (127.0.0.1 is nginx's):
// name -> "127.0.0.N". Throws HarnessError past 253 names.
std::map<std::string, std::string> assign_host_addresses(
    const std::map<std::string, FakeSpec>& fakes);

// Every upstream of a phase. add() each in the network namespace they share (a fake binds there
// at once), start() them once nginx -t passed, stop() them once nginx stopped. Destruction stops
// whatever still runs.
class Upstreams {
 public:
  // Throws HarnessError for a behaviour not built in, std::runtime_error when a fake cannot bind
  // or php-fpm is not installed.
  void add(const std::string& name, const FakeSpec& spec, const UpstreamPlacement& where);
  // The fakes first, then each PHP-FPM pool (by name), waiting for it to accept (`limit` each).
  // `netns`: the namespace they were added in, if not this thread's. Throws std::runtime_error.
  void start(Millis limit, const NetNamespace* netns);
  void stop();
  std::map<std::string, fakes::Address> addresses() const;
  // The fake endpoints' server, for a timeline's actions on them while the phase runs.
  fakes::FakeServer& fake_server() { return server_; }
  // The PHP-FPM pool `name` stands for, for a timeline's actions; nullptr if it is none.
  PhpFpm* php_fpm(const std::string& name);
  // The DNS fake `name` is, for a timeline's actions; nullptr if it is none.
  fakes::dns::DnsServer* dns_server(const std::string& name);
  // By name; read after stop().
  std::map<std::string, UpstreamCounts> counts() const;
  // By name, those that can say while they serve (Upstream::live_counts). Thread-safe.
  std::map<std::string, UpstreamCounts> live_counts() const;

 private:
  fakes::FakeServer server_;  // every fake endpoint of the phase, on one I/O thread
  std::map<std::string, std::unique_ptr<Upstream>> upstreams_;  // destroyed before server_
};

}  // namespace badgateway
