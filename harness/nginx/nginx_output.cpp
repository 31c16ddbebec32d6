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

}  // namespace badgateway
