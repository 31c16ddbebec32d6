#pragma once
// A blocking loopback client for tests that must see exactly what a fake does on the wire:
// refused vs timed-out connects, FIN vs RST, partial responses. Every call has a deadline.
#include <chrono>
#include <string>
#include <string_view>

#include "fakes/base/address.hpp"

namespace badgateway::test {

enum class ConnectResult { connected, refused, timed_out, failed };
enum class EndKind { eof, reset, timed_out, open };  // how reading ended

struct Received {
  std::string bytes;
  EndKind end = EndKind::open;
};

// Writes all of `bytes` to a non-blocking socket, waiting for room; false on error or after
// `limit`. Shared by the HTTP and FastCGI test clients.
bool send_all(int fd, std::string_view bytes,
              std::chrono::milliseconds limit = std::chrono::milliseconds(2000));

class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  ConnectResult connect(const fakes::Address& to,
                        std::chrono::milliseconds limit = std::chrono::milliseconds(2000));
  bool send(const std::string& bytes);
  // Reads until the peer closes, resets, or `limit` passes.
  Received read_all(std::chrono::milliseconds limit = std::chrono::milliseconds(2000));
  // Reads until `n` bytes arrived or the stream ends/limit passes.
  Received read_at_least(std::size_t n,
                         std::chrono::milliseconds limit = std::chrono::milliseconds(2000));
  void close();

 private:
  int fd_ = -1;
};

// "GET / HTTP/1.1" with Host and Connection: close (or keep-alive).
std::string http_get(const std::string& path = "/", bool keep_alive = false);

}  // namespace badgateway::test
