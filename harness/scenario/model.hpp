#pragma once
// A scenario as loaded from TOML: plain data, validated once by the loader.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakes/core/behaviour.hpp"
#include "fakes/core/params.hpp"
#include "fakes/core/tls.hpp"
#include "fakes/dns/zone.hpp"
#include "harness/client/outcome.hpp"
#include "harness/client/request.hpp"
#include "harness/client/traffic.hpp"
#include "harness/input/placeholders.hpp"
#include "harness/input/source_pos.hpp"
#include "harness/net/network.hpp"
#include "harness/nginx/spec.hpp"
#include "harness/nginx/version.hpp"
#include "harness/observe/observation.hpp"
#include "harness/scenario/timeline.hpp"
#include "harness/tls/run_credentials.hpp"

namespace badgateway {

// The seed's cause categories: every scenario reproduces one of them.
inline constexpr const char* kCauses[] = {
    "nginx_not_running", "firewall",           "dns",       "php_fpm_not_running",
    "php_fpm_timeout",   "server_unavailable", "high_load", "misconfiguration"};

// `tls` of a fake: the certificate the run makes for it and the endpoint's TLS knobs (the file
// paths in `options` are filled in at run time, when the certificate is written).
struct TlsSpec {
  tls::CertificateSpec certificate;
  fakes::TlsOptions options;
  bool client_certificate = false;  // required, verified against the run's root CA
};

struct FakeSpec {
  std::string name;
  fakes::Protocol protocol = fakes::Protocol::http;
  std::string behaviour;
  std::map<std::string, fakes::ParamValue, std::less<>> params;
  bool unix_socket = false;  // listen on a socket in the run directory instead of 127.0.0.1:0
  // With nginx.config: the host name and port the user's config connects to ("app:8080"). The
  // fake answers there: the name resolves to a loopback address of its own.
  struct HostName {
    std::string name;
    std::uint16_t port = 0;  // 0 in the file: the one port the config uses for `name`
    SourcePos pos;
  };
  std::optional<HostName> host;
  // With nginx.config: the unix socket the config connects to (`fastcgi_pass
  // unix:/run/php/php8.2-fpm.sock;`). It must live under /run, which each run has of its own.
  std::optional<std::string> socket;
  SourcePos socket_pos;
  // protocol = "dns": a DNS server (UDP and TCP on 127.0.0.1) answering these names; `behaviour`
  // is "dns" and there are no params. nginx reaches it with `resolver {{fakes.NAME}};`.
  std::optional<fakes::dns::Zone> zone;
  // protocol = "dns" with `resolv_conf = true`: the run's /etc/resolv.conf names it (it listens
  // on port 53 of 127.0.53.1, .2, ... in the run's own network), so nginx's start-up resolution
  // (`server app.test:8080;`, `proxy_pass http://app.test`) asks it. Needs a network of its own.
  bool resolv_conf = false;
  std::optional<TlsSpec> tls;  // set: the fake speaks TLS
  // `listen = "192.0.2.10:8080"`, `"127.0.0.5"`, `"[::1]"`: the address (port 0: the kernel's
  // choice) it listens on in the run's network; a documentation address is an upstream host of
  // its own (harness/net/network.hpp). Unset: 127.0.0.1 (or the own config's host).
  std::optional<fakes::Address> listen_on;
  SourcePos pos;
};

struct TimeBound {
  std::optional<Millis> min;
  std::optional<Millis> max;
};

struct FakeCounts {
  std::optional<std::int64_t> connections;
  // `connections = { min = 2, max = 40 }`: bounds instead of an exact count (load scenarios).
  std::optional<CountBound> connections_range;
  std::optional<std::int64_t> requests;
  // A DNS fake's queries (`queries."app.test" = { min = 2 }`), by "NAME" (any type) or
  // "NAME TYPE" ("app.test AAAA"); NAME canonical (lower case, no trailing dot).
  std::map<std::string, CountBound> queries;
};

// Every field optional so version-bound overrides can patch only what differs.
struct Expectation {
  // What becomes of nginx (runs when unset). rejected / fails_to_start: no request is sent; the
  // error_log patterns are matched against what nginx printed.
  std::optional<NginxOutcome> nginx;
  std::optional<std::vector<int>> status;  // one value for all responses, or one per response
  std::optional<std::map<int, int>> status_counts;       // order-free, for concurrent requests
  std::optional<std::vector<int>> status_in;             // every response has one of these (races)
  std::optional<std::vector<GeneratedBy>> generated_by;  // like status
  std::optional<std::vector<Outcome>> outcome;           // like status
  std::optional<std::vector<int>> interim;  // the 1xx statuses each response had, in order
  std::optional<std::vector<std::string>> error_log;     // regexes that must all match
  std::optional<std::vector<std::string>> no_error_log;  // regexes that must not match
  std::optional<TimeBound> elapsed;       // the client's, see docs/scenario-format.md "Timing"
  std::optional<TimeBound> request_time;  // nginx's own $request_time from the access log
  std::optional<std::vector<int>> upstream_attempts;
  std::map<std::string, FakeCounts> fakes;

  void overlay(const Expectation& patch);
  // The error_log and no_error_log patterns with their placeholders (format 2) replaced by the
  // run's values, quoted so they match literally. Throws std::invalid_argument for a name
  // `lookup` does not know (the loader has checked every name, so a bug).
  Expectation with_placeholders(const PlaceholderLookup& lookup) const;
};

struct VersionedExpectation {
  VersionRange range;  // `nginx = "RANGE"`; no clause (the key left out): every nginx
  // `openssl = "RANGE"`: the OpenSSL version nginx runs with (harness/nginx/tls_library.hpp).
  std::optional<VersionRange> openssl;
  Expectation patch;
};

struct ExpectationSet {
  Expectation base;
  std::vector<VersionedExpectation> by_version;
  std::vector<WindowSpec> windows;  // [[expect.window]]: the same for every nginx version
  // The base with every entry whose ranges all hold overlaid, in file order. `openssl` is the
  // OpenSSL version of the nginx under test, nullopt when it has none (built without a TLS
  // library, or LibreSSL/BoringSSL): then no entry with an `openssl` range holds.
  Expectation for_version(const NginxVersion& v,
                          const std::optional<NginxVersion>& openssl = std::nullopt) const;
};

// As the file writes it: what changes for the fixed phase.
struct FixSpec {
  std::string description;
  NginxSpec nginx;                        // fields set here replace the broken ones
  std::map<std::string, FakeSpec> fakes;  // replaced or added fakes (the upstream is back)
  std::optional<NetworkSpec> network;     // set: replaces the broken run's [network] whole
  // [[fix.timeline]]: set, replaces the broken run's timeline whole (a graceful stop instead of
  // a hard one); the traffic stays the same.
  std::optional<std::vector<TimelineAction>> timeline;
  ExpectationSet expect;  // defaults: 200 from the upstream
};

// What one phase runs, resolved by the loader: the fixed phase's plan has the fix merged in, and
// for an own config every host name's port is known (a fake's own port stays the kernel's choice
// at bind time). The runner runs plans as they are; it never merges a fix.
struct PhasePlan {
  std::string phase;                      // "broken" or "fixed"
  std::map<std::string, FakeSpec> fakes;  // every fake the phase binds
  NginxSpec nginx;
  ExpectationSet expect;  // for_version() of the nginx that runs it
  NetworkSpec network;
  std::vector<TimelineAction> timeline;  // played from the start of traffic, in time order
  // Whether the phase needs a network of its own: [network] rules, a timeline firewall action,
  // or a fake on an upstream host. Such a phase never runs on this machine's own network (it would
  // reach real addresses).
  bool needs_network() const;
};

// The scenario file format this loader reads (`format = N`, 1 when absent); see
// docs/scenario-format.md, "Format versions". 2: placeholders in error_log / no_error_log.
inline constexpr int kLatestFormat = 2;

struct Scenario {
  SourcePos origin;
  int format = 1;
  SourcePos requests_origin;  // the first [[requests]], else the file: for time-limit errors
  std::string name;
  std::string description;
  std::string cause;
  std::string teaches;    // the error-log line this scenario teaches to recognise
  std::string directive;  // the directive that matters
  // `only = true`: a run that selects it runs only such scenarios (for working on one; a lint
  // test keeps it out of the catalog). `skip = "reason"`: never run, reported as skipped.
  bool only = false;
  std::optional<std::string> skip;
  // The broken phase and the fix as written (what `explain` shows).
  std::map<std::string, FakeSpec> fakes;
  NginxSpec nginx;
  std::vector<RequestSpec> requests;
  // [[traffic]] streams and the [[timeline]] of actions, both from the start of traffic; the
  // traffic is the same in both phases, the fix may bring a timeline of its own.
  std::vector<TrafficSpec> traffic;
  std::vector<TimelineAction> timeline;
  NetworkSpec network;  // [network]: sysctls, firewall rules, routes
  ExpectationSet expect;
  std::optional<FixSpec> fix;
  // What the runner runs: `broken`, then `fixed` when there is a fix.
  PhasePlan broken;
  std::optional<PhasePlan> fixed;

  std::size_t response_count() const;
};

// The fixed phase of `s` as written: its fakes with the fix's replacing or adding some (a fake
// the fix replaces keeps the broken one's host name or socket unless it names its own), its nginx
// spec overlaid with the fix's, and the fix's expectations.
PhasePlan merge_fix(const Scenario& s, const FixSpec& fix);

// Default no_error_log: nginx itself misbehaving is never an expected part of a scenario.
inline const std::vector<std::string> kDefaultNoErrorLog = {R"(\[alert\])", R"(\[emerg\])"};

}  // namespace badgateway
