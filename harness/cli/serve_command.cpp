#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fakes/behaviours/registry.hpp"
#include "fakes/core/protocol.hpp"
#include "fakes/core/server.hpp"
#include "harness/cli/commands.hpp"
#include "harness/error.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/report/text_escape.hpp"
#include "harness/report/timestamp.hpp"
#include "harness/scenario/loader.hpp"
#include "harness/scenario/tls_reader.hpp"
#include "harness/tls/run_credentials.hpp"

namespace badgateway {
namespace {

// What --listen names: one address, or, for localhost:PORT, 127.0.0.1:PORT and [::1] on the
// same port. nginx resolves `localhost` to both and takes turns between them: a fake on one alone
// would turn every other request into a connect() error in nginx's log before the retry.
struct Listen {
  fakes::Address first;
  bool also_ipv6 = false;
};

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// Flag named in the refusal, so that the way to say "yes, beyond loopback" is one read away.
constexpr std::string_view kBeyondLoopback = "--listen-beyond-loopback";

Listen parse_listen(const std::string& text, bool beyond_loopback) {
  constexpr std::string_view kLocalhost = "localhost:";
  std::string error;
  if (text.starts_with(kLocalhost)) {
    auto a = fakes::Address::parse("127.0.0.1:" + text.substr(kLocalhost.size()), &error);
    if (!a) throw UsageError(fmt::format("--listen {}: {}", text, error));
    return {*a, true};
  }
  auto colon = text.rfind(':');
  if (!text.starts_with("unix:") && colon != std::string::npos) {
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
    if (!host.empty() && !is_ip_literal(host)) {
      throw UsageError(fmt::format(
          "--listen {}: \"{}\" is a host name; serve takes a loopback address (127.0.0.1:PORT, "
          "[::1]:PORT), localhost:PORT or unix:/path",
          text, host));
    }
    if (!beyond_loopback && !host.empty() && !fakes::Address::tcp(host, 0).is_loopback()) {
      throw UsageError(fmt::format(
          "--listen {}: \"{}\" is not a loopback address (serve listens beyond loopback only "
          "with {})",
          text, host, kBeyondLoopback));
    }
  }
  auto address = beyond_loopback ? fakes::Address::parse_any_ip(text, &error)
                                 : fakes::Address::parse(text, &error);
  if (!address) throw UsageError(fmt::format("--listen {}: {}", text, error));
  return {*address, false};
}

// False when this machine has no IPv6 loopback (IPv6 disabled, or not built into the kernel);
// any other failure is left for the real bind to report.
bool ipv6_loopback_exists() {
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno != EAFNOSUPPORT;
  sockaddr_in6 any_port{};
  any_port.sin6_family = AF_INET6;
  any_port.sin6_addr = in6addr_loopback;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&any_port), sizeof any_port) == 0 ||
            errno != EADDRNOTAVAIL;
  ::close(fd);
  return ok;
}

struct Serving {
  std::unique_ptr<fakes::FakeServer> server;
  std::vector<std::pair<std::string, fakes::Address>> endpoints;  // name, bound address
};

// Every endpoint `listen` names, each with a behaviour of its own (a behaviour serves one
// endpoint: counters such as flaky's are per address). Throws std::runtime_error.
Serving bind_all(const std::string& behaviour, const fakes::BehaviourInfo& info,
                 const fakes::Params& params, const Listen& listen, unsigned socket_mode,
                 const std::optional<fakes::TlsOptions>& tls) {
  fakes::EndpointOptions options;
  options.socket_mode = socket_mode;
  options.fake_name = behaviour;  // on ::1 too: the endpoint's name there is only a unique key
  options.tls = tls;
  auto make = [&] {
    fakes::Params copy = params;  // make_behaviour marks what it read
    return fakes::make_behaviour(info, copy);
  };
  // With port 0 the kernel picks 127.0.0.1's port, which something may hold on ::1: then the
  // pair is tried again on another port.
  for (int attempt = 1;; ++attempt) {
    Serving s{std::make_unique<fakes::FakeServer>(), {}};
    fakes::Address bound = s.server->add_endpoint(behaviour, listen.first, make(), options);
    s.endpoints.emplace_back(behaviour, bound);
    if (!listen.also_ipv6) return s;
    try {
      std::string v6 = behaviour + " (::1)";  // endpoint names are unique; not shown to a client
      s.endpoints.emplace_back(
          v6, s.server->add_endpoint(v6, fakes::Address::tcp("::1", bound.port), make(), options));
      return s;
    } catch (const std::runtime_error&) {
      if (listen.first.port != 0 || attempt == 10) throw;
    }
  }
}

// Our own dispositions for the signals that stop us, whatever we inherited: a `serve &` from a
// non-interactive shell starts with SIGINT and SIGQUIT ignored, and a signal ignored at generation
// may be dropped even while blocked. Blocked before any thread exists, so only sigwait() takes
// them. Returns the set to wait on.
sigset_t block_stop_signals() {
  const int stop_signals[] = {SIGINT, SIGTERM, SIGQUIT};
  sigset_t set;
  sigemptyset(&set);
  for (int sig : stop_signals) {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    ::sigaction(sig, &action, nullptr);
    sigaddset(&set, sig);
  }
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// --tls DIR and --tls-config: the settings read as a scenario's `tls` table (the same keys,
// defaults and errors), the certificates made in DIR. nullopt without --tls.
std::optional<fakes::TlsOptions> serve_tls(const ServeArgs& args, fakes::Protocol protocol) {
  if (args.tls_dir.empty()) {
    if (!args.tls_config.empty()) throw UsageError("--tls-config needs --tls DIR");
    return std::nullopt;
  }
  if (protocol != fakes::Protocol::http) throw UsageError("--tls: TLS is for HTTP fakes");
  const std::string label = "--tls-config";
  TlsSpec spec;
  try {
    toml::table doc = parse_toml(fmt::format("tls = {{ {} }}\n", args.tls_config), label);
    Reader r(doc, "", label);
    FakeSpec fake;
    spec = read_tls(r, fake).value_or(TlsSpec{});
  } catch (const ScenarioError& e) {
    throw UsageError(e.what());
  }
  tls::RunCredentials credentials(args.tls_dir);
  tls::ServedFiles files = credentials.issue("serve", spec.certificate);
  fakes::TlsOptions options = spec.options;
  options.certificate_chain_file = files.certificate_chain.string();
  options.private_key_file = files.private_key.string();
  if (spec.client_certificate) options.client_ca_file = files.client_ca.string();
  for (const tls::TlsFile& f : tls::kTlsFiles) {
    fmt::print("tls.{}: {} ({})\n", f.placeholder, (credentials.dir() / f.file).string(),
               f.meaning);
  }
  return options;
}

}  // namespace

int command_serve(const ServeArgs& args) {
  const std::string& behaviour = args.behaviour;
  const std::string& protocol = args.protocol;
  fakes::Params params;
  for (const auto& [key, value] : args.params) params.set(key, value);
  const std::optional<fakes::Protocol> proto = fakes::parse_protocol(protocol);
  if (!proto) throw UsageError(fmt::format("--protocol: expected {}", fakes::kProtocolNames));
  if (behaviour == kPhpFpmBehaviour) {
    throw UsageError(
        "php_fpm (a real PHP-FPM pool) runs in scenarios only: serve cannot run one; start "
        "php-fpm yourself, or serve a FastCGI fake (see serve --help)");
  }
  const auto* info = fakes::find_behaviour(behaviour, *proto);
  if (!info)
    throw UsageError(
        fmt::format("unknown {} behaviour \"{}\" (see serve --help)", protocol, behaviour));
  Listen listen = parse_listen(args.listen, args.listen_beyond_loopback);
  try {
    fakes::Params copy = params;
    fakes::make_behaviour(*info, copy);  // bad parameters are a usage error before any bind
  } catch (const fakes::ParamError& e) {
    throw UsageError(fmt::format("--set {}: {}", e.key(), e.what()));
  }
  if (listen.also_ipv6 && !ipv6_loopback_exists()) {
    listen.also_ipv6 = false;
    fmt::print(stderr, "badgateway: no IPv6 loopback (::1) here: localhost is 127.0.0.1 only\n");
  }
  std::optional<fakes::TlsOptions> tls;
  try {
    tls = serve_tls(args, *proto);
  } catch (const HarnessError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  sigset_t set = block_stop_signals();
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout (serve | head) is not a reason to die
  std::mutex print;               // before the server: its listeners use it until it is stopped
  Serving serving;
  try {
    serving = bind_all(behaviour, *info, params, listen, args.socket_mode, tls);
  } catch (const std::exception& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  fakes::FakeServer& server = *serving.server;
  std::vector<std::string> addresses;
  for (const auto& [name, bound] : serving.endpoints) {
    addresses.push_back(bound.to_string());
    if (args.quiet) continue;
    // With two addresses, which one nginx reached is half of the story.
    std::string label =
        serving.endpoints.size() > 1 ? behaviour + " " + bound.to_string() : behaviour;
    server.recorder(name).set_listener([&print, label](const std::string& line) {
      // Taken before the lock: the time the event happened, not when its turn to print came.
      std::string at = local_timestamp(std::chrono::system_clock::now());
      std::lock_guard lock(print);
      try {
        // A peer chooses these bytes (a FastCGI client can put anything in a param): escape them.
        fmt::print("{} {} {}\n", at, label, terminal_escape(line));
        std::fflush(stdout);
      } catch (const std::exception&) {  // stdout closed: keep serving, unseen
      }
    });
  }
  server.start();
  fmt::print("serving {} ({}{}) on {}; Ctrl-C to stop\n", behaviour, protocol,
             tls ? " over TLS" : "", fmt::join(addresses, " and "));
  std::fflush(stdout);
  // Stop cleanly on any of them: a unix socket file must not outlive us.
  int signo = 0;
  sigwait(&set, &signo);
  server.stop();
  fmt::print("stopped\n");
  return kExitOk;
}

}  // namespace badgateway
