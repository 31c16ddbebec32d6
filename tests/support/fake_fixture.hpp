#pragma once
// Shared helpers for tests that run real fakes on loopback: start a FakeServer with endpoints
// built from the registry, wait for what a fake recorded, and take apart the raw HTTP bytes a
// RawClient received.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/core/behaviour.hpp"
#include "fakes/core/params.hpp"
#include "fakes/core/recorder.hpp"
#include "fakes/core/server.hpp"
#include "tests/support/raw_client.hpp"

namespace badgateway::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using ParamMap = std::map<std::string, fakes::ParamValue, std::less<>>;

// 127.0.0.1 with port 0: the kernel picks a free port.
fakes::Address any_loopback_port();

// A unix socket path under the temp directory that does not exist yet (unique per call).
std::string unique_socket_path();

// Builds `behaviour` from the registry with `params` (unknown keys are rejected, as in a
// scenario) and adds it to a server that has not started. Returns the bound address.
// Throws fakes::ParamError, std::invalid_argument (unknown behaviour) or std::runtime_error.
fakes::Address add_fake(fakes::FakeServer& server, const std::string& name,
                        std::string_view behaviour, ParamMap params = {},
                        const fakes::Address& where = any_loopback_port(),
                        fakes::Protocol protocol = fakes::Protocol::http);

// Builds `behaviour` without a server and returns the key of the ParamError that rejects
// `params`, or nullopt when they are accepted.
std::optional<std::string> param_error_key(std::string_view behaviour, ParamMap params,
                                           fakes::Protocol protocol = fakes::Protocol::http);

// Every line a Recorder reports ("connection accepted", "request GET / (0 body bytes)", ...),
// so a test can wait for the fake to reach a point instead of sleeping.
class EventLog {
 public:
  void add(const std::string& line);
  std::vector<std::string> lines() const;
  std::size_t count(std::string_view prefix) const;
  // Waits until at least `n` lines start with `prefix`; false if `limit` passed first.
  bool wait_for(std::string_view prefix, std::size_t n = 1, std::chrono::milliseconds limit = 2s);

 private:
  std::size_t count_locked(std::string_view prefix) const;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

// Installs an EventLog as the recorder's listener. The listener owns it too, so it outlives any
// callback the I/O thread is still making.
std::shared_ptr<EventLog> watch(fakes::Recorder& recorder);

// One started FakeServer with one endpoint named after its behaviour.
class FakeFixture {
 public:
  explicit FakeFixture(std::string_view behaviour, ParamMap params = {},
                       const fakes::Address& where = any_loopback_port(),
                       fakes::Protocol protocol = fakes::Protocol::http);

  const fakes::Address& address() const { return address_; }
  const std::string& name() const { return name_; }
  fakes::FakeServer& server() { return server_; }
  EventLog& events() { return *events_; }
  // A live snapshot: only what the I/O thread has recorded so far.
  fakes::EndpointStats stats() const { return server_.stats(name_); }
  // Stops the server (the I/O thread is joined) and returns the final stats.
  fakes::EndpointStats stop_and_stats();

 private:
  fakes::FakeServer server_;
  std::string name_;
  fakes::Address address_;
  std::shared_ptr<EventLog> events_;
};

// Connects, sends `request` (nothing if empty) and reads until the fake ends the stream or
// `limit` passes.
struct Exchange {
  ConnectResult connect = ConnectResult::failed;
  bool sent = false;
  Received received;
};
Exchange round_trip(const fakes::Address& to, const std::string& request,
                    std::chrono::milliseconds limit = 2s);

// Connects and reads without sending anything, for fakes that end a connection as soon as they
// accept it. An RST sent right after accept() can beat the client's connect() to the finish, so
// connect() failing with ECONNRESET counts as `reset` too. A connect that fails otherwise gives
// `timed_out`.
Received connect_and_read(const fakes::Address& to, std::chrono::milliseconds limit = 2s);

// Reads until the header block is complete ("\r\n\r\n"), the stream ends or `limit` passes;
// `end` is `open` when the block is complete. May return bytes past the block.
Received read_head(RawClient& client, std::chrono::milliseconds limit = 2s);
// Reads one response framed by Content-Length (for keep-alive exchanges); `end` is `open` when
// it is complete.
Received read_response(RawClient& client, std::chrono::milliseconds limit = 2s);

// Raw HTTP/1.x response pieces; all tolerate incomplete input.
std::string header_block(std::string_view response);  // through the blank line, "" if incomplete
std::string body_of(std::string_view response);       // after the blank line
int status_of(std::string_view response);             // -1 unless "HTTP/1.x NNN ..."
// Values of every header line named `name` (case-insensitive), in order.
std::vector<std::string> header_values(std::string_view response, std::string_view name);
std::optional<std::string> header_value(std::string_view response, std::string_view name);

inline std::chrono::milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace badgateway::test
