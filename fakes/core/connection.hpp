#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/core/flat_buffer.hpp>

#include "fakes/base/units.hpp"
#include "fakes/core/asio.hpp"
#include "fakes/core/recorder.hpp"

namespace boost::asio::ssl {
template <typename Stream>
class stream;
}  // namespace boost::asio::ssl

namespace badgateway::fakes {

class TlsContext;

struct HttpRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = false;
};

// Lets a behaviour act on its listener, e.g. stop accepting while overloaded.
class ListenerControl {
 public:
  virtual ~ListenerControl() = default;
  virtual void stop_listening() = 0;
  virtual void resume_listening() = 0;
};

// One accepted connection as a behaviour sees it. Every operation is bounded by io_timeout;
// pauses are cancelled when the server stops, so a behaviour that stalls on purpose still ends.
class Connection {
 public:
  Connection(Stream stream, std::string endpoint_name, Recorder& recorder,
             ListenerControl& listener, Millis io_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The server side of TLS as the endpoint's options say (fakes/core/tls.hpp): the handshake's
  // faults, or the handshake itself within its deadline. true: from now on every read and write
  // goes through TLS; false: the connection ended here (the recorder notes why).
  Task<bool> accept_tls(TlsContext& tls);

  // nullopt when the peer closed, timed out or sent something that is not HTTP/1.x.
  Task<std::optional<HttpRequest>> read_request();
  // Reads and records a FastCGI request's raw bytes instead of HTTP (used by fastcgi fakes).
  Task<std::size_t> read_some(std::string& out, std::size_t max);
  // Counts and records a request that a protocol layer above read_some() assembled (FastCGI).
  void record_request(SeenRequest request);
  Task<bool> write(std::string_view bytes);
  // Waits d, or less if the server stops or wake() is called.
  Task<void> pause(Millis d);
  // Ends a pause() early; lets a behaviour park connections in a queue.
  void wake() { timer_.cancel(); }
  // Waits until the peer closes, the server stops or `limit` passes. What the peer still sends is
  // read and discarded (counted as bytes in by the recorder): reading is how a close is noticed.
  Task<void> hold(Millis limit);

  void close();  // FIN: a clean end of stream
  void reset();  // RST: SO_LINGER 0, the way a crashed process or a firewall ends a connection
  void abort();  // server shutdown
  bool is_open() const;

  // Response head with the fake's signature header, so a verdict can tell a response the fake
  // produced from one nginx generated.
  std::string response_head(int status,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            std::optional<std::uint64_t> content_length,
                            bool keep_alive = false) const;

  const std::string& endpoint_name() const { return endpoint_name_; }
  Recorder& recorder() { return recorder_; }
  ListenerControl& listener() { return listener_; }
  std::uint64_t requests_served() const { return requests_read_; }
  Millis io_timeout() const { return io_timeout_; }

 private:
  std::string bad_request_answer() const;

  Stream stream_;
  std::unique_ptr<asio::ssl::stream<Stream&>> tls_;  // set once a TLS handshake succeeded
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  std::string endpoint_name_;
  Recorder& recorder_;
  ListenerControl& listener_;
  Millis io_timeout_;
  std::uint64_t requests_read_ = 0;
  bool aborted_ = false;
};

inline constexpr std::string_view kFakeHeader = "X-Badgateway-Fake";

std::string_view reason_phrase(int status);

}  // namespace badgateway::fakes
