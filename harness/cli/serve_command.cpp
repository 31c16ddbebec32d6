#include <pthread.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <mutex>

#include <fmt/format.h>

#include "fakes/behaviours/registry.hpp"
#include "fakes/core/protocol.hpp"
#include "fakes/core/server.hpp"
#include "harness/cli/commands.hpp"
#include "harness/report/text_escape.hpp"
#include "harness/report/timestamp.hpp"

namespace badgateway {

int command_serve(const ServeArgs& args) {
  const std::string& behaviour = args.behaviour;
  const std::string& protocol = args.protocol;
  fakes::Params params;
  for (const auto& [key, value] : args.params) params.set(key, value);
  const std::optional<fakes::Protocol> proto = fakes::parse_protocol(protocol);
  if (!proto) throw UsageError(fmt::format("--protocol: expected {}", fakes::kProtocolNames));
  const auto* info = fakes::find_behaviour(behaviour, *proto);
  if (!info)
    throw UsageError(
        fmt::format("unknown {} behaviour \"{}\" (see serve --help)", protocol, behaviour));
  std::string error;
  auto address = fakes::Address::parse(args.listen, &error);
  if (!address) throw UsageError(fmt::format("--listen {}: {}", args.listen, error));

  fakes::BehaviourPtr made;
  try {
    made = fakes::make_behaviour(*info, params);
  } catch (const fakes::ParamError& e) {
    throw UsageError(fmt::format("--set {}: {}", e.key(), e.what()));
  }
  // Our own dispositions for the signals that stop us, whatever we inherited: a `serve &` from a
  // non-interactive shell starts with SIGINT and SIGQUIT ignored, and a signal ignored at
  // generation may be dropped even while blocked. Blocked here, before any thread exists, so
  // only sigwait() below takes them.
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
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout (serve | head) is not a reason to die
  fakes::FakeServer server;
  fakes::Address bound;
  try {
    fakes::EndpointOptions options;
    options.socket_mode = args.socket_mode;
    bound = server.add_endpoint(behaviour, *address, std::move(made), options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return kExitUsage;
  }
  std::mutex print;
  server.recorder(behaviour).set_listener([&](const std::string& line) {
    // Taken before the lock: the time the event happened, not when its turn to print came.
    std::string at = local_timestamp(std::chrono::system_clock::now());
    std::lock_guard lock(print);
    try {
      // A peer chooses these bytes (a FastCGI client can put anything in a param): escape them.
      fmt::print("{} {} {}\n", at, behaviour, terminal_escape(line));
      std::fflush(stdout);
    } catch (const std::exception&) {  // stdout closed: keep serving, unseen
    }
  });
  server.start();
  fmt::print("serving {} ({}) on {}; Ctrl-C to stop\n", behaviour, protocol, bound.to_string());
  std::fflush(stdout);
  // Stop cleanly on any of them: a unix socket file must not outlive us.
  int signo = 0;
  sigwait(&set, &signo);
  server.stop();
  fmt::print("stopped\n");
  return kExitOk;
}

}  // namespace badgateway
