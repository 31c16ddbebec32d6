#pragma once
// TLS as a property of an endpoint: any HTTP behaviour serves over it unchanged (Connection's
// reads and writes go through an Asio SSL stream over OpenSSL once the handshake is done), and
// the handshake's own faults are knobs here, not behaviours.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/base/units.hpp"

namespace boost::asio::ssl {
class context;  // <boost/asio/ssl/context.hpp> is heavy: only tls.cpp and connection.cpp need it
}  // namespace boost::asio::ssl

namespace badgateway::fakes {

// What the fake does with a connection before (or instead of) the handshake.
enum class TlsHandshake {
  complete,  // a normal handshake
  stall,     // reads the ClientHello, never answers: the peer's handshake timer fires
  close,     // reads the ClientHello, then FIN: "peer closed connection in SSL handshake"
  reset,     // reads the ClientHello, then RST
};

// What the fake does when the first bytes are not a TLS record (plain HTTP on the TLS port).
enum class PlainHttp {
  close,        // what an OpenSSL server does: the handshake fails ("http request"), no alert, FIN
  bad_request,  // what nginx, Apache and Go servers do: 400, then FIN
};

struct TlsOptions {
  std::string certificate_chain_file;  // PEM: the leaf first, then what else the fake sends
  std::string private_key_file;        // PEM
  // Set: a client certificate is required (SSL_VERIFY_FAIL_IF_NO_PEER_CERT), verified against
  // the CAs in this PEM file.
  std::string client_ca_file;
  // Non-empty: the ClientHello must carry SNI equal (case-insensitively) to one of these, else the
  // handshake ends with a fatal unrecognized_name alert (112).
  std::vector<std::string> required_server_names;
  int min_version = 0;       // TLS1_2_VERSION, ...; 0: OpenSSL's own bound
  int max_version = 0;       // likewise
  std::string ciphers;       // TLS 1.2 and older, OpenSSL's syntax; empty: OpenSSL's default
  std::string ciphersuites;  // TLS 1.3, OpenSSL's syntax; empty: OpenSSL's default
  TlsHandshake handshake = TlsHandshake::complete;
  PlainHttp plain_http = PlainHttp::close;
  // Bounds the wait for the ClientHello and the whole handshake; a stall holds until the
  // connection's io_timeout instead.
  Millis handshake_timeout{10'000};
};

// nginx's ssl_protocols words: "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" -> TLS1_2_VERSION etc.
std::optional<int> parse_tls_version(std::string_view name);
inline constexpr std::string_view kTlsVersionNames = "TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3";
// Empty when OpenSSL accepts `list` as a cipher list (`tls13`: a TLS 1.3 ciphersuites list),
// else what is wrong.
std::string check_cipher_list(const std::string& list, bool tls13);

// The OpenSSL context of one TLS endpoint, made from its options. Not copyable: OpenSSL keeps a
// pointer to the options for the SNI check.
class TlsContext {
 public:
  // Throws std::runtime_error naming the file or setting OpenSSL refused.
  explicit TlsContext(TlsOptions options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  boost::asio::ssl::context& context() { return *context_; }
  const TlsOptions& options() const { return options_; }

 private:
  TlsOptions options_;
  std::unique_ptr<boost::asio::ssl::context> context_;
};

}  // namespace badgateway::fakes
