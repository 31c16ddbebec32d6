#include "harness/nginx/nginx_output.hpp"

#include <sstream>

#include <fmt/format.h>

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

void throw_start_failure(const std::string& message) {
  // nginx reports a failed bind() only in words: strerror(EADDRINUSE), after its errno.
  if (message.find("Address already in use") != std::string::npos) throw PortInUse(message);
  throw HarnessError(message);
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
