#pragma once
// Reading nginx's own words out of its output and error log, the same way for every launcher:
// a user sees nginx's [emerg] line whether nginx ran on the host or in a container.
#include <string>

#include "fakes/base/units.hpp"
#include "harness/observe/log_file.hpp"

namespace badgateway {

// The most telling line of nginx's output: an [emerg] if any, else the last non-empty line.
std::string nginx_key_line(const std::string& output);

// Ends a start that failed with `message` (nginx's own line in it): PortInUse when nginx says
// its bind() failed with EADDRINUSE, else HarnessError.
[[noreturn]] void throw_start_failure(const std::string& message);

}  // namespace badgateway
