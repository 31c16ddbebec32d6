#include "fakes/core/tls.hpp"

#include <strings.h>

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "fakes/core/connection.hpp"

namespace badgateway::fakes {
namespace {

namespace ssl = boost::asio::ssl;

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(e);
  return reason ? reason : fmt::format("OpenSSL error {:#x}", e);
}

// The SNI check: OpenSSL (1.1.1 and later) calls it for every ClientHello, with or without SNI.
int check_server_name(SSL* ssl, int* alert, void* arg) {
  const auto* options = static_cast<const TlsOptions*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (name) {
    for (const auto& wanted : options->required_server_names) {
      if (::strcasecmp(wanted.c_str(), name) == 0) return SSL_TLSEXT_ERR_OK;
    }
  }
  *alert = SSL_AD_UNRECOGNIZED_NAME;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

}  // namespace

std::optional<int> parse_tls_version(std::string_view name) {
  if (name == "TLSv1") return TLS1_VERSION;
  if (name == "TLSv1.1") return TLS1_1_VERSION;
  if (name == "TLSv1.2") return TLS1_2_VERSION;
  if (name == "TLSv1.3") return TLS1_3_VERSION;
  return std::nullopt;
}

std::string check_cipher_list(const std::string& list, bool tls13) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  if (!ctx) return openssl_reason();
  int ok = tls13 ? SSL_CTX_set_ciphersuites(ctx, list.c_str())
                 : SSL_CTX_set_cipher_list(ctx, list.c_str());
  SSL_CTX_free(ctx);
  if (ok == 1) return {};
  return fmt::format("OpenSSL accepts no cipher in it ({})", openssl_reason());
}

TlsContext::TlsContext(TlsOptions options)
    : options_(std::move(options)),
      context_(std::make_unique<ssl::context>(ssl::context::tls_server)) {
  SSL_CTX* ctx = context_->native_handle();
  auto fail = [](const std::string& what) {
    throw std::runtime_error(fmt::format("TLS: {}: {}", what, openssl_reason()));
  };
  if (SSL_CTX_use_certificate_chain_file(ctx, options_.certificate_chain_file.c_str()) != 1) {
    fail(options_.certificate_chain_file);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, options_.private_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    fail(options_.private_key_file);
  }
  // TLS 1.1 and older need OpenSSL 3's security level 0 (SHA-1 signatures).
  const bool legacy = (options_.min_version && options_.min_version < TLS1_2_VERSION) ||
                      (options_.max_version && options_.max_version < TLS1_2_VERSION);
  if (legacy) SSL_CTX_set_security_level(ctx, 0);
  if (options_.min_version && SSL_CTX_set_min_proto_version(ctx, options_.min_version) != 1) {
    fail("min_version");
  }
  if (options_.max_version && SSL_CTX_set_max_proto_version(ctx, options_.max_version) != 1) {
    fail("max_version");
  }
  if (!options_.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, options_.ciphers.c_str()) != 1) {
    fail("ciphers");
  }
  if (!options_.ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx, options_.ciphersuites.c_str()) != 1) {
    fail("ciphersuites");
  }
  if (!options_.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, options_.client_ca_file.c_str(), nullptr) != 1) {
      fail(options_.client_ca_file);
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(options_.client_ca_file.c_str());
    if (!names) fail(options_.client_ca_file);
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  if (!options_.required_server_names.empty()) {
    SSL_CTX_set_tlsext_servername_callback(ctx, check_server_name);
    SSL_CTX_set_tlsext_servername_arg(ctx, &options_);
  }
  // One handshake per connection, as the faults are about handshakes.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
}

// nginx's words for it (its 497 turned into a 400 page).
constexpr std::string_view kPlainHttpBody = "The plain HTTP request was sent to HTTPS port\n";

std::string Connection::bad_request_answer() const {
  return response_head(400, {{"Content-Type", "text/plain"}}, kPlainHttpBody.size()) +
         std::string(kPlainHttpBody);
}

TlsContext::~TlsContext() = default;

Task<bool> Connection::accept_tls(TlsContext& tls) {
  const TlsOptions& o = tls.options();
  // The first bytes say whether this is TLS at all: a record of type 22, handshake.
  stream_.expires_after(o.handshake_timeout);
  auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(16 * 1024), use_tuple);
  stream_.expires_never();
  buffer_.commit(n);
  recorder_.on_bytes_in(n);
  if (ec || n == 0) {
    if (ec == beast::error::timeout) recorder_.note("TLS: no ClientHello before the deadline");
    co_return false;
  }
  const auto* first = static_cast<const unsigned char*>(buffer_.data().data());
  if (first[0] != 0x16 && o.plain_http == PlainHttp::bad_request) {
    recorder_.note("TLS: plain HTTP on the TLS port, answered 400");
    auto request = co_await read_request();
    if (!request) co_return false;
    std::string answer = bad_request_answer();
    co_await write(answer);
    close();
    co_return false;
  }
  switch (o.handshake) {
    case TlsHandshake::complete:
      break;
    case TlsHandshake::stall:
      recorder_.note("TLS: handshake stalled (ClientHello read, never answered)");
      co_await hold(io_timeout_);
      close();
      co_return false;
    case TlsHandshake::close:
      recorder_.note("TLS: closed in the handshake (FIN after the ClientHello)");
      close();
      co_return false;
    case TlsHandshake::reset:
      recorder_.note("TLS: reset in the handshake (RST after the ClientHello)");
      reset();
      co_return false;
  }
  tls_ = std::make_unique<ssl::stream<Stream&>>(stream_, tls.context());
  stream_.expires_after(o.handshake_timeout);
  auto [hec, used] =
      co_await tls_->async_handshake(ssl::stream_base::server, buffer_.data(), use_tuple);
  stream_.expires_never();
  buffer_.consume(buffer_.size());  // every byte read went to OpenSSL
  (void)used;
  if (!hec) co_return true;
  recorder_.note(fmt::format("TLS: handshake failed: {}", hec.message()));
  tls_.reset();
  // OpenSSL's alert is on its way. Closing with the peer's bytes unread would send an RST that
  // can overtake it: half-close, read until the peer closes (bounded), then close.
  boost::system::error_code ignored;
  stream_.socket().shutdown(asio::socket_base::shutdown_send, ignored);
  co_await hold(o.handshake_timeout);
  close();
  co_return false;
}

}  // namespace badgateway::fakes
