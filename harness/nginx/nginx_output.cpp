#include "harness/nginx/nginx_output.hpp"

#include <sstream>

#include <fmt/format.h>

#include "harness/net/netns.hpp"
#include "harness/net/probe.hpp"
#include "harness/nginx/launcher.hpp"

namespace badgateway {

std::string nginx_key_line(const std::string& output) {
  std::istringstream in(output);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find("[emerg]") != std::string::npos) return line;
    if (!line.empty() && line.find("test failed") == std::string::npos) last = line;
  }
  return last.empty() ? "no output" : last;
}

std::optional<StartFailure> await_nginx_start(const LogFile& log, const LaunchPaths& paths,
                                              const fakes::Address& listen, Millis limit,
                                              const std::function<bool()>& alive) {
  // nginx logs "start worker process" only after bind(), so a port answering before it could
  // still be somebody else's.
  bool started = log.wait_for_regex("start worker process", limit, alive);
  bool up = started && [&] {
    InNetNamespace there(paths.sandbox ? &paths.sandbox->netns() : nullptr);
    return wait_until_listening(listen, limit, alive);
  }();
  auto emerg = log.find_regex(R"(.*\[emerg\].*)");
  if (up && !emerg) return std::nullopt;
  StartFailure failure{"", emerg.value_or("")};
  if (up) {
    failure.why = "nginx bound its port only after retrying";
  } else if (alive()) {
    failure.why =
        fmt::format("did not listen on {} within {}", listen.to_string(), format_duration(limit));
  }
  return failure;
}

void throw_start_failure(const std::string& message, std::vector<std::string> output) {
  // nginx reports a failed bind() only in words: strerror(EADDRINUSE), after its errno.
  if (message.find("Address already in use") != std::string::npos)
    throw PortInUse(message, std::move(output));
  throw StartFailed(message, std::move(output));
}

void await_reload(const LogFile& since_signal, Millis limit) {
  // The master logs "start worker process" once the new config runs; the old worker logs
  // "gracefully shutting down" when it stops accepting, after which every new connection
  // reaches the new config.
  if (!since_signal.wait_for_regex(R"(gracefully shutting down|\[emerg\])", limit) ||
      !since_signal.wait_for_regex(R"(start worker process|\[emerg\])", limit)) {
    throw HarnessError(fmt::format("nginx did not reload within {}", format_duration(limit)));
  }
  if (auto emerg = since_signal.find_regex(R"(.*\[emerg\].*)")) {
    throw ConfigRejected(fmt::format("nginx rejected the new config: {}", *emerg));
  }
}

}  // namespace badgateway
