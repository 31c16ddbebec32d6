// TLS as a property of an endpoint, seen from an OpenSSL client (the library nginx uses): every
// handshake fault ends with the exact alert or result nginx will log, and a behaviour serves over
// TLS as it does in the clear.
#include "fakes/core/tls.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "fakes/behaviours/registry.hpp"
#include "fakes/core/server.hpp"
#include "harness/tls/run_credentials.hpp"
#include "tests/support/fake_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace badgateway::test;
using badgateway::Millis;
using badgateway::fakes::Address;
using badgateway::fakes::FakeServer;
using badgateway::fakes::PlainHttp;
using badgateway::fakes::TlsHandshake;
using badgateway::fakes::TlsOptions;
namespace tls = badgateway::tls;

namespace {

// A run's certificates and a fake's served files, in a temp directory.
struct Credentials {
  TempDir tmp{"badgateway-tls-fake"};
  tls::RunCredentials run{tmp.path("tls")};
  tls::ServedFiles served = run.issue("app", {{{"localhost", "127.0.0.1"}}, tls::Issuer::ca, true});
  std::string path(std::string_view placeholder) const {
    return (run.dir() / tls::find_tls_file(placeholder)->file).string();
  }
  TlsOptions options() const {
    TlsOptions o;
    o.certificate_chain_file = served.certificate_chain.string();
    o.private_key_file = served.private_key.string();
    return o;
  }
};

// One TLS endpoint of `behaviour`, started, its events watched.
struct TlsFake {
  TlsFake(const TlsOptions& tls, std::string_view behaviour = "ok", ParamMap params = {}) {
    badgateway::fakes::Params p(std::move(params));
    const auto* info =
        badgateway::fakes::find_behaviour(behaviour, badgateway::fakes::Protocol::http);
    REQUIRE(info != nullptr);
    badgateway::fakes::EndpointOptions options;
    options.tls = tls;
    address = server.add_endpoint("app", any_loopback_port(),
                                  badgateway::fakes::make_behaviour(*info, p), options);
    events = watch(server.recorder("app"));
    server.start();
  }
  FakeServer server;
  Address address;
  std::shared_ptr<EventLog> events;
};

struct ClientOptions {
  std::string sni;
  int max_version = 0;
  std::string ciphers;
  std::string ca_file;  // set: verify the server's chain and that it is for 127.0.0.1
  std::string certificate_file, key_file;
  bool send_request = true;
  // Without SSL_OP_IGNORE_UNEXPECTED_EOF (which nginx sets): a close without close_notify is then
  // an error, "unexpected eof while reading", rather than a clean end.
  bool strict_eof = false;
};

struct ClientResult {
  bool handshake = false;     // SSL_connect succeeded
  int ssl_error = 0;          // SSL_get_error of the call that failed
  std::string error;          // OpenSSL's "error:0A000458:SSL routines::tlsv1 unrecognized name"
  std::string response;       // what was read after the handshake
  long verify = -1;           // SSL_get_verify_result
  bool close_notify = false;  // the server's close_notify arrived (SSL_RECEIVED_SHUTDOWN)
};

int connect_to(const Address& a, std::chrono::milliseconds read_limit) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval tv{static_cast<time_t>(read_limit.count() / 1000),
             static_cast<suseconds_t>((read_limit.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(a.port);
  ::inet_pton(AF_INET, a.host.c_str(), &sa.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  return fd;
}

std::string last_error() {
  unsigned long e = ERR_peek_last_error();
  ERR_clear_error();
  if (e == 0) return {};
  char text[256];
  ERR_error_string_n(e, text, sizeof text);
  return text;
}

// A blocking OpenSSL client: handshake, then (optionally) GET / and read to the end.
ClientResult tls_get(const Address& to, const ClientOptions& o,
                     std::chrono::milliseconds read_limit = 3s) {
  ClientResult r;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  REQUIRE(ctx != nullptr);
  if (!o.strict_eof) {
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);  // as nginx does (ngx_ssl_create)
  }
  if (o.max_version) SSL_CTX_set_max_proto_version(ctx, o.max_version);
  if (!o.ciphers.empty()) REQUIRE(SSL_CTX_set_cipher_list(ctx, o.ciphers.c_str()) == 1);
  if (!o.ca_file.empty()) {
    REQUIRE(SSL_CTX_load_verify_locations(ctx, o.ca_file.c_str(), nullptr) == 1);
  }
  if (!o.certificate_file.empty()) {
    REQUIRE(SSL_CTX_use_certificate_file(ctx, o.certificate_file.c_str(), SSL_FILETYPE_PEM) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) == 1);
  }
  SSL* ssl = SSL_new(ctx);
  int fd = connect_to(to, read_limit);
  SSL_set_fd(ssl, fd);
  if (!o.sni.empty()) SSL_set_tlsext_host_name(ssl, o.sni.c_str());
  if (!o.ca_file.empty()) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
    SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  }
  int rc = SSL_connect(ssl);
  r.verify = SSL_get_verify_result(ssl);
  if (rc != 1) {
    r.ssl_error = SSL_get_error(ssl, rc);
    r.error = last_error();
  } else {
    r.handshake = true;
    if (o.send_request) {
      std::string get = http_get("/");
      REQUIRE(SSL_write(ssl, get.data(), static_cast<int>(get.size())) > 0);
      char buf[4096];
      for (;;) {
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) {
          int e = SSL_get_error(ssl, n);
          if (e != SSL_ERROR_ZERO_RETURN) {
            r.ssl_error = e;
            r.error = last_error();
          }
          break;
        }
        r.response.append(buf, static_cast<std::size_t>(n));
      }
      r.close_notify = r.ssl_error == 0 && (SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) != 0;
    }
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  ::close(fd);
  return r;
}

}  // namespace

TEST_CASE("tls: a behaviour serves over TLS with a chain that verifies for 127.0.0.1") {
  Credentials c;
  TlsFake fake(c.options());
  ClientOptions o;
  o.ca_file = c.path("ca");
  ClientResult r = tls_get(fake.address, o);
  CHECK(r.handshake);
  CHECK(r.verify == X509_V_OK);
  CHECK(status_of(r.response) == 200);
  CHECK(header_value(r.response, "X-Badgateway-Fake") == "app");
  fake.server.stop();
  CHECK(fake.server.stats("app").requests == 1);
}

TEST_CASE("tls: other behaviours too, unchanged") {
  Credentials c;
  TlsFake status(c.options(), "status", {{"code", 503}});
  CHECK(status_of(tls_get(status.address, {}).response) == 503);
  TlsFake garbage(c.options(), "garbage");
  CHECK(tls_get(garbage.address, {}).response.starts_with("-ERR unknown command"));
}

TEST_CASE("tls: SNI required: unrecognized_name (112) when missing or wrong") {
  Credentials c;
  TlsOptions options = c.options();
  options.required_server_names = {"app.internal"};
  TlsFake fake(options);
  ClientResult missing = tls_get(fake.address, {});
  CHECK_FALSE(missing.handshake);
  CHECK(missing.error == "error:0A000458:SSL routines::tlsv1 unrecognized name");
  ClientOptions wrong;
  wrong.sni = "other.internal";
  CHECK(tls_get(fake.address, wrong).error ==
        "error:0A000458:SSL routines::tlsv1 unrecognized name");
  ClientOptions right;
  right.sni = "APP.internal";
  CHECK(status_of(tls_get(fake.address, right).response) == 200);
}

TEST_CASE(
    "tls: version bounds: TLS 1.3 only against a TLS 1.2 client is a protocol_version alert") {
  Credentials c;
  TlsOptions options = c.options();
  options.min_version = TLS1_3_VERSION;
  TlsFake fake(options);
  ClientOptions old;
  old.max_version = TLS1_2_VERSION;
  ClientResult r = tls_get(fake.address, old);
  CHECK_FALSE(r.handshake);
  CHECK(r.error == "error:0A00042E:SSL routines::tlsv1 alert protocol version");
  CHECK(fake.events->wait_for("TLS: handshake failed: unsupported protocol"));
  CHECK(status_of(tls_get(fake.address, {}).response) == 200);
}

TEST_CASE("tls: no shared cipher: a handshake_failure alert (40)") {
  Credentials c;
  TlsOptions options = c.options();
  options.max_version = TLS1_2_VERSION;
  options.ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384";
  TlsFake fake(options);
  ClientOptions client;
  client.ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256";
  ClientResult r = tls_get(fake.address, client);
  CHECK_FALSE(r.handshake);
  CHECK(r.error == "error:0A000410:SSL routines::sslv3 alert handshake failure");
  CHECK(fake.events->wait_for("TLS: handshake failed: no shared cipher"));
}

TEST_CASE("tls: client certificate required: TLS 1.2 fails in the handshake, 1.3 after it") {
  Credentials c;
  TlsOptions options = c.options();
  options.client_ca_file = c.path("ca");
  TlsFake fake(options);
  ClientOptions tls12;
  tls12.max_version = TLS1_2_VERSION;
  ClientResult r12 = tls_get(fake.address, tls12);
  CHECK_FALSE(r12.handshake);
  CHECK(r12.error == "error:0A000410:SSL routines::sslv3 alert handshake failure");
  // TLS 1.3: the client's handshake is over before the server has checked its certificate; the
  // alert arrives on the first read (nginx: "SSL_read() failed ... while reading response header").
  ClientResult r13 = tls_get(fake.address, {});
  CHECK(r13.handshake);
  CHECK(r13.response.empty());
  CHECK(r13.error == "error:0A00045C:SSL routines::tlsv13 alert certificate required");
  ClientOptions with_cert;
  with_cert.certificate_file = c.path("client_certificate");
  with_cert.key_file = c.path("client_certificate_key");
  CHECK(status_of(tls_get(fake.address, with_cert).response) == 200);
  // A certificate from a CA the fake does not trust.
  tls::ServedFiles stranger = c.run.issue("stranger", {{}, tls::Issuer::other_ca, true});
  ClientOptions untrusted;
  untrusted.certificate_file = stranger.certificate_chain.string();
  untrusted.key_file = stranger.private_key.string();
  untrusted.max_version = TLS1_2_VERSION;
  CHECK(tls_get(fake.address, untrusted).error ==
        "error:0A000418:SSL routines::tlsv1 alert unknown ca");
}

TEST_CASE("tls: a stalled handshake: the ClientHello is never answered") {
  Credentials c;
  TlsOptions options = c.options();
  options.handshake = TlsHandshake::stall;
  TlsFake fake(options);
  auto start = Clock::now();
  ClientResult r = tls_get(fake.address, {}, 300ms);  // the client's deadline, as nginx's
  CHECK_FALSE(r.handshake);
  CHECK(r.ssl_error == SSL_ERROR_WANT_READ);  // the read timed out (EAGAIN)
  CHECK(elapsed_since(start) >= 290ms);
  CHECK(fake.events->wait_for("TLS: handshake stalled"));
}

TEST_CASE("tls: closed in the handshake: EOF with no alert (nginx: peer closed connection)") {
  Credentials c;
  TlsOptions options = c.options();
  options.handshake = TlsHandshake::close;
  TlsFake fake(options);
  ClientResult r = tls_get(fake.address, {});
  CHECK_FALSE(r.handshake);
  // EOF, with no OpenSSL reason queued: what nginx reports as "peer closed connection in SSL
  // handshake" (ngx_ssl_handshake).
  CHECK((r.ssl_error == SSL_ERROR_ZERO_RETURN || r.ssl_error == SSL_ERROR_SYSCALL));
  CHECK(r.error.empty());
  options.handshake = TlsHandshake::reset;
  TlsFake reset(options);
  ClientResult rst = tls_get(reset.address, {});
  CHECK_FALSE(rst.handshake);
  CHECK(rst.ssl_error == SSL_ERROR_SYSCALL);
  CHECK(reset.events->wait_for("TLS: reset in the handshake"));
}

TEST_CASE("tls: plain HTTP on the TLS port: closed like OpenSSL, or 400 like nginx") {
  Credentials c;
  TlsFake closes(c.options());
  Exchange x = round_trip(closes.address, http_get("/"));
  CHECK(x.received.bytes.empty());
  CHECK(x.received.end == EndKind::eof);
  CHECK(closes.events->wait_for("TLS: handshake failed: http request"));
  TlsOptions options = c.options();
  options.plain_http = PlainHttp::bad_request;
  TlsFake answers(options);
  Exchange y = round_trip(answers.address, http_get("/"));
  CHECK(status_of(y.received.bytes) == 400);
  CHECK(body_of(y.received.bytes) == "The plain HTTP request was sent to HTTPS port\n");
}

TEST_CASE("tls: every handshake has a deadline: a silent client is dropped") {
  Credentials c;
  TlsOptions options = c.options();
  options.handshake_timeout = Millis(200);
  TlsFake fake(options);
  auto start = Clock::now();
  Received r = connect_and_read(fake.address, 3s);
  CHECK(r.end == EndKind::eof);
  CHECK(elapsed_since(start) < 2500ms);
  CHECK(fake.events->wait_for("TLS: no ClientHello before the deadline"));
}

TEST_CASE("tls: settings OpenSSL refuses are errors, named") {
  CHECK(badgateway::fakes::parse_tls_version("TLSv1.3") == TLS1_3_VERSION);
  CHECK_FALSE(badgateway::fakes::parse_tls_version("TLS1.3"));
  CHECK(badgateway::fakes::check_cipher_list("ECDHE-ECDSA-AES128-GCM-SHA256", false).empty());
  CHECK_FALSE(badgateway::fakes::check_cipher_list("NO-SUCH-CIPHER", false).empty());
  CHECK_FALSE(badgateway::fakes::check_cipher_list("TLS_NOPE", true).empty());
  Credentials c;
  TlsOptions options = c.options();
  options.private_key_file = "/nonexistent/key.pem";
  FakeServer server;
  badgateway::fakes::Params p;
  badgateway::fakes::EndpointOptions endpoint;
  endpoint.tls = options;
  CHECK_THROWS_WITH_AS(
      server.add_endpoint(
          "app", any_loopback_port(),
          badgateway::fakes::make_behaviour(
              *badgateway::fakes::find_behaviour("ok", badgateway::fakes::Protocol::http), p),
          endpoint),
      doctest::Contains("/nonexistent/key.pem"), std::runtime_error);
}

TEST_CASE("tls: a graceful close sends close_notify; a strict client sees a clean end") {
  Credentials c;
  // ok closes after a response without keep-alive; close_after_request closes with no response.
  for (const char* behaviour : {"ok", "close_after_request"}) {
    CAPTURE(behaviour);
    TlsFake fake(c.options(), behaviour);
    ClientOptions o;
    o.strict_eof = true;
    ClientResult r = tls_get(fake.address, o);
    CHECK(r.handshake);
    CHECK(r.error == "");  // not "unexpected eof while reading": the alert came before the FIN
    CHECK(r.ssl_error == 0);
    CHECK(r.close_notify);
  }
  // nginx's own setting: the same clean end.
  TlsFake fake(c.options());
  ClientResult r = tls_get(fake.address, {});
  CHECK(r.close_notify);
  CHECK(status_of(r.response) == 200);
}

TEST_CASE("tls: a reset sends no close_notify: a strict client sees the connection end hard") {
  Credentials c;
  TlsFake fake(c.options(), "reset", {{"at", "headers"}});
  ClientOptions o;
  o.strict_eof = true;
  ClientResult r = tls_get(fake.address, o);
  CHECK(r.handshake);
  CHECK_FALSE(r.close_notify);
  CHECK(r.ssl_error != 0);
}
