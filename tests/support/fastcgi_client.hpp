#pragma once
// A blocking FastCGI client for tests of FastCGI fakes: speaks as nginx does (request id 1,
// BEGIN_REQUEST, PARAMS, empty PARAMS, STDIN, empty STDIN) and reads back records until
// END_REQUEST, EOF, RST, a record the decoder rejects, or a deadline. connect() reports the
// exact errno, so tests can tell ENOENT, EACCES, ECONNREFUSED and EAGAIN apart.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/core/server.hpp"
#include "fakes/fastcgi/record.hpp"
#include "tests/support/fake_fixture.hpp"
#include "tests/support/raw_client.hpp"

namespace badgateway::test {

using FcgiParams = std::vector<std::pair<std::string, std::string>>;

// What nginx's fastcgi_params plus SCRIPT_FILENAME send for `method uri` (with CONTENT_LENGTH).
FcgiParams nginx_params(std::string method = "GET", std::string uri = "/index.php",
                        std::size_t content_length = 0);

struct FcgiRequest {
  std::uint16_t id = 1;
  bool keep_conn = false;
  FcgiParams params = nginx_params();
  std::string stdin_data;
};

// BEGIN_REQUEST(responder, keep_conn), PARAMS, empty PARAMS, STDIN (if any), empty STDIN.
std::string encode_request(const FcgiRequest& request);

struct FcgiResponse {
  std::vector<fakes::fastcgi::Record> records;
  EndKind end = EndKind::open;  // open: stopped at END_REQUEST with the connection still open
  std::string decode_error;     // set when the byte stream stopped being valid records
  std::string raw;              // every byte received

  bool has_end_request() const;
  std::optional<fakes::fastcgi::EndRequest> end_request() const;
  // Concatenated content of every STDOUT / STDERR record.
  std::string stdout_data() const;
  std::string stderr_data() const;
  // True if an empty STDOUT record (end of the stdout stream) arrived.
  bool stdout_ended() const;
  // Record types in arrival order, e.g. {STDOUT, STDOUT, END_REQUEST}.
  std::vector<std::uint8_t> types() const;

  // The CGI header block of stdout through "\r\n\r\n" ("" if incomplete), and what follows it.
  std::string cgi_headers() const;
  std::string cgi_body() const;
  // First value of a CGI header (case-insensitive name).
  std::optional<std::string> header(std::string_view name) const;
};

class FastcgiClient {
 public:
  FastcgiClient() = default;
  ~FastcgiClient();
  FastcgiClient(const FastcgiClient&) = delete;
  FastcgiClient& operator=(const FastcgiClient&) = delete;

  // 0 when connected, else the errno: ECONNREFUSED, ENOENT, EACCES, EAGAIN (unix backlog full),
  // ETIMEDOUT (no answer within `limit`), ...
  int connect(const fakes::Address& to,
              std::chrono::milliseconds limit = std::chrono::milliseconds(2000));
  bool send(std::string_view bytes);
  bool send_request(const FcgiRequest& request) { return send(encode_request(request)); }
  // Reads one response: stops after END_REQUEST (leaving later bytes unread), at EOF/RST, on a
  // decoding error, or when `limit` passes (end = timed_out).
  FcgiResponse read_response(std::chrono::milliseconds limit = std::chrono::milliseconds(2000));
  // Raw bytes until the peer closes or resets, or `limit` passes.
  Received read_all(std::chrono::milliseconds limit = std::chrono::milliseconds(2000));
  void close();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  fakes::fastcgi::RecordDecoder decoder_;
};

// connect() from a forked child that switched to `uid` (the tests run as root; nginx's worker
// does not): returns the child's result, 0 or an errno. Requires root.
int connect_as_user(const fakes::Address& to, unsigned uid);

// Builds a FastCGI behaviour from the registry (unknown keys rejected, as in a scenario) and adds
// it to a server that has not started. Throws like add_fake().
fakes::Address add_fastcgi_fake(fakes::FakeServer& server, const std::string& name,
                                std::string_view behaviour, ParamMap params = {},
                                const fakes::Address& where = any_loopback_port());

// The key of the ParamError that rejects `params` for a FastCGI behaviour, or nullopt.
std::optional<std::string> fastcgi_param_error_key(std::string_view behaviour, ParamMap params);

// One started FakeServer with one FastCGI endpoint named after its behaviour.
class FastcgiFixture : public FakeFixture {
 public:
  explicit FastcgiFixture(std::string_view behaviour, ParamMap params = {},
                          const fakes::Address& where = any_loopback_port())
      : FakeFixture(behaviour, std::move(params), where, fakes::Protocol::fastcgi) {}
};

// Connects, sends `request` and reads one response.
struct FcgiExchange {
  int connect_error = -1;
  bool sent = false;
  FcgiResponse response;
};
FcgiExchange fastcgi_round_trip(const fakes::Address& to, const FcgiRequest& request = {},
                                std::chrono::milliseconds limit = std::chrono::milliseconds(2000));

}  // namespace badgateway::test
