#pragma once
// Sends a scenario's requests to nginx and records exactly what came back.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "harness/client/outcome.hpp"
#include "harness/client/request.hpp"

namespace badgateway {

struct Response {
  std::size_t index = 0;
  std::string request_id;  // X-Badgateway-Request, matched against nginx's access log
  std::string method;
  std::string path;
  int status = 0;            // the final response's; 0 when no status line arrived
  std::vector<int> interim;  // 1xx responses before the final one (100 Continue), in order
  // Until the exchange ends: one the scenario's time limit cuts short (or never starts) keeps it.
  Outcome outcome = Outcome::timeout;
  std::string fake;  // the fake that produced the response (its signature header), empty for nginx
  std::uint64_t body_bytes = 0;
  std::optional<std::uint64_t> content_length;
  // From the request's first byte sent to the response's last byte received, as the kernel
  // timestamped them (see docs/scenario-format.md, "Timing"). Without a byte sent (connect
  // failed): from the connect attempt to its failure. Without a byte received: until the client
  // saw the stream end.
  Micros elapsed{0};
  std::string clock;  // "kernel", or "steady" and why the kernel's timestamps were not usable
  std::string error;  // low-level detail for reports
  // On the steady clock, the one a scenario's timeline is measured on: when the request went out
  // (right before its first write; the connect attempt when it was never sent) and when the
  // exchange ended. Unset for an exchange the time limit cut before it began (or ended).
  std::optional<std::chrono::steady_clock::time_point> sent_at;
  std::optional<std::chrono::steady_clock::time_point> ended_at;
  // An open-loop request's planned send time (traffic.hpp): its connect began then, or later on
  // a client that was itself late.
  std::optional<std::chrono::steady_clock::time_point> scheduled_at;
  // Keep-alive traffic (traffic.hpp): this exchange opened a connection; an earlier request went
  // on the same connection. A stream with a request mix: the entry this request is (from 0).
  bool connected = false;
  bool reused = false;
  std::optional<std::size_t> mix_entry;
};

inline constexpr const char* kRequestIdHeader = "X-Badgateway-Request";

// Sends every request of `requests` to nginx at `nginx` (a TCP address: a numeric IP and port)
// and returns one Response per request, `count` per spec, in spec order: Response::index is the
// position in the result, request_id is "ID_PREFIX-INDEX" and is sent as kRequestIdHeader so
// that the access log's line can be matched. The specs run one after another: each waits its
// `delay`, then runs `count` exchanges with at most `concurrency` at a time, each on a new
// connection (Connection: close) limited by the spec's `timeout` (connect and response
// together). Units: RequestSpec::delay and timeout as given (milliseconds), Response::elapsed
// in microseconds (Micros), body_bytes in bytes.
//
// A failed exchange is a Response, not an error: `outcome` says what happened (connect_failed,
// empty_reply, not_http, truncated, timeout) and `error` the low-level detail. Stops at
// `deadline` (the scenario's time limit) with the requests still open closed and `overran` set
// (when given); those that had not completed then have the outcome "timeout", elapsed 0 and an
// empty clock, whether sent or not. Call it from a thread in the run's network namespace (the
// connections are made there).
//
// Throws only std::bad_alloc, from building the list. The exchanges run as detached coroutines,
// whose exceptions are dropped: `nginx.host` must be a numeric IP address (asio's make_address
// would throw inside each exchange, and those Responses would keep an empty outcome).
std::vector<Response> send_requests(
    const fakes::Address& nginx, const std::vector<RequestSpec>& requests,
    const std::string& id_prefix,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(),
    bool* overran = nullptr);

}  // namespace badgateway
