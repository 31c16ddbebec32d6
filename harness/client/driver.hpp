#pragma once
// Sends a scenario's requests to nginx and records exactly what came back.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "harness/client/request.hpp"

namespace badgateway {

struct Response {
  std::size_t index = 0;
  std::string request_id;  // X-Badgateway-Request, matched against nginx's access log
  std::string method;
  std::string path;
  int status = 0;            // the final response's; 0 when no status line arrived
  std::vector<int> interim;  // 1xx responses before the final one (100 Continue), in order
  // complete | truncated | empty_reply | not_http | connect_failed | timeout
  std::string outcome;
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
};

inline constexpr const char* kRequestIdHeader = "X-Badgateway-Request";

// Stops at `deadline` (the scenario's time limit) with the requests still open closed and
// `overran` set; those that never completed have the outcome "timeout".
std::vector<Response> send_requests(
    const fakes::Address& nginx, const std::vector<RequestSpec>& requests,
    const std::string& id_prefix,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(),
    bool* overran = nullptr);

}  // namespace badgateway
