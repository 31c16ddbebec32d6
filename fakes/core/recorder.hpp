#pragma once
// What an endpoint saw, so verdicts can check retries and what nginx forwarded.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
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
  // Exact counts over the endpoint's whole life (verdicts compare them).
  std::uint64_t connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t resets_sent = 0;
  // The most recent requests, oldest first: at most the recorder's window, so a long `serve`
  // keeps constant memory. `requests - seen.size()` older ones were dropped.
  std::vector<SeenRequest> seen;
};

// Shared between the fake's I/O thread (writer) and the harness (reader), hence the mutex.
class Recorder {
 public:
  using Listener = std::function<void(const std::string& line)>;
  // Far more than any scenario sends; a few hundred KiB at most.
  static constexpr std::size_t kDefaultWindow = 1024;

  explicit Recorder(std::size_t window = kDefaultWindow) : window_(window) {}

  void on_connection();
  void on_request(SeenRequest request);
  void on_bytes_in(std::uint64_t n);
  void on_bytes_out(std::uint64_t n);
  void on_reset();
  void note(const std::string& line);  // free-form event, for `serve`'s live output
  EndpointStats snapshot() const;
  // The counts alone, without the window of requests: cheap enough to read every second while
  // the endpoint serves (live metrics).
  EndpointStats counters() const;
  void set_listener(Listener listener);

 private:
  mutable std::mutex mutex_;
  std::size_t window_;
  EndpointStats stats_;  // `seen` unused: the window lives in recent_
  std::deque<SeenRequest> recent_;
  Listener listener_;
};

}  // namespace badgateway::fakes
