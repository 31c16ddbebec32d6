#pragma once
// What an endpoint saw, so verdicts can check retries and what nginx forwarded.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace badgateway::fakes {

struct SeenRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::uint64_t body_bytes = 0;
  std::chrono::steady_clock::time_point at;

  // First value of a header, case-insensitive; empty if absent.
  std::string header(std::string_view name) const;
};

struct EndpointStats {
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t resets_sent = 0;
  std::vector<SeenRequest> seen;
};

// Shared between the fake's I/O thread (writer) and the harness (reader), hence the mutex.
class Recorder {
 public:
  using Listener = std::function<void(const std::string& line)>;

  void on_connection();
  void on_request(SeenRequest request);
  void on_bytes_in(std::uint64_t n);
  void on_bytes_out(std::uint64_t n);
  void on_reset();
  void note(const std::string& line);  // free-form event, for `serve`'s live output
  EndpointStats snapshot() const;
  void set_listener(Listener listener);

 private:
  mutable std::mutex mutex_;
  EndpointStats stats_;
  Listener listener_;
};

}  // namespace badgateway::fakes
