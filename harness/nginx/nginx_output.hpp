#pragma once
// Reading nginx's own words out of its output and error log, the same way for every launcher:
// a user sees nginx's [emerg] line whether nginx ran on the host or in a container.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "harness/observe/log_file.hpp"

namespace badgateway {

// The most telling line of nginx's output: an [emerg] if any, else the last non-empty line.
std::string nginx_key_line(const std::string& output);

struct LaunchPaths;

// Watches a starting nginx the same way for every launcher: up means its error log (`log`, read
// from where the start began) says "start worker process", it accepts connections on `listen`
// (from the sandbox's network namespace, if any) and its log has no bind() that failed with
// EADDRINUSE. That last one matters because nginx retries a failed bind() 5 times, 500 ms apart
// (ngx_open_listening_sockets, src/core/ngx_connection.c): when another process held the port
// for a moment, nginx comes up with an [emerg] line in its log that would fail the verdict.
// `alive` returning false ends the wait early. Returns std::nullopt when nginx is up, else why
// it is not, with nginx's own [emerg] line when it wrote one (else "").
struct StartFailure {
  std::string why;    // "did not listen on ... within ...", or "" when nginx is gone
  std::string emerg;  // nginx's [emerg] line, or ""
};
std::optional<StartFailure> await_nginx_start(const LogFile& log, const LaunchPaths& paths,
                                              const fakes::Address& listen, Millis limit,
                                              const std::function<bool()>& alive);

// Ends a start that failed with `message` (nginx's own line in it): PortInUse when nginx says
// its bind() failed with EADDRINUSE, else StartFailed carrying `output` (what nginx printed and
// logged).
// After a SIGHUP was sent (with `since_signal` positioned before it): waits until new workers
// run the new config. Throws HarnessError past `limit`, ConfigRejected when nginx refused it.
void await_reload(const LogFile& since_signal, Millis limit);

[[noreturn]] void throw_start_failure(const std::string& message,
                                      std::vector<std::string> output = {});

}  // namespace badgateway
