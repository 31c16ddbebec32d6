// Certificates are judged by OpenSSL's own verifier (X509_verify_cert, X509_check_host), the code
// nginx's proxy_ssl_verify runs: what it says here is what nginx will log.
#include "harness/tls/certificates.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "harness/error.hpp"
#include "harness/tls/run_credentials.hpp"
#include "tests/support/temp_dir.hpp"

namespace badgateway::tls {
namespace {

X509* cert_of(const Credential& c) {
  return static_cast<X509*>(c.x509());
}

// X509_verify_cert's result for `leaf` with `untrusted` intermediates the peer sent, trusting
// `anchors`, at OpenSSL's default depth: X509_V_OK or the error code.
// `as_nginx`: with a verify callback that accepts every error, as nginx's ngx_ssl_verify_callback
// does (it lets the handshake finish and checks SSL_get_verify_result itself): the error left is
// then the last one found, not the first.
int verify(X509* leaf, std::initializer_list<X509*> untrusted, std::initializer_list<X509*> anchors,
           int depth = -1, bool as_nginx = false) {
  X509_STORE* store = X509_STORE_new();
  for (X509* a : anchors) X509_STORE_add_cert(store, a);
  STACK_OF(X509)* chain = sk_X509_new_null();
  for (X509* u : untrusted) sk_X509_push(chain, u);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  REQUIRE(X509_STORE_CTX_init(ctx, store, leaf, chain) == 1);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  if (depth >= 0) X509_STORE_CTX_set_depth(ctx, depth);
  if (as_nginx) X509_STORE_CTX_set_verify_cb(ctx, [](int, X509_STORE_CTX*) { return 1; });
  int ok = X509_verify_cert(ctx);
  int error = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  sk_X509_free(chain);
  X509_STORE_free(store);
  if (as_nginx) return error;  // X509_verify_cert "succeeds"; SSL_get_verify_result is this
  return ok == 1 ? X509_V_OK : error;
}

std::vector<X509*> read_pem_certificates(const std::filesystem::path& path) {
  std::vector<X509*> out;
  FILE* f = std::fopen(path.c_str(), "r");
  REQUIRE(f != nullptr);
  while (X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr)) out.push_back(x);
  std::fclose(f);
  ERR_clear_error();  // the end of the file is queued as an error
  return out;
}

}  // namespace

TEST_CASE("a leaf the root CA signed verifies against the root, for its names only") {
  Authority root = Authority::root("test root");
  LeafSpec spec;
  spec.names = {"app.internal", "127.0.0.1"};
  Credential leaf = root.issue(spec);
  CHECK(verify(cert_of(leaf), {}, {cert_of(root.credential())}) == X509_V_OK);
  CHECK(X509_check_host(cert_of(leaf), "app.internal", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(cert_of(leaf), "127.0.0.1", 0) == 1);
  // nginx (ngx_ssl_check_host) checks even an IP address with X509_check_host: DNS entries.
  CHECK(X509_check_host(cert_of(leaf), "127.0.0.1", 0, 0, nullptr) == 1);
  // A wrong host name: what nginx's proxy_ssl_verify reports as "does not match".
  CHECK(X509_check_host(cert_of(leaf), "other.internal", 0, 0, nullptr) == 0);
  CHECK(X509_check_ip_asc(cert_of(leaf), "127.0.0.2", 0) == 0);
}

TEST_CASE("an untrusted issuer: 20, unable to get local issuer certificate") {
  Authority root = Authority::root("test root");
  Authority other = Authority::root("other root");
  Credential leaf = root.issue({});
  CHECK(verify(cert_of(leaf), {}, {cert_of(other.credential())}) ==
        X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_CASE("an intermediate: the full chain verifies, the leaf alone does not") {
  Authority root = Authority::root("test root");
  Authority mid = root.intermediate("test intermediate");
  Credential leaf = mid.issue({});
  X509* anchor = cert_of(root.credential());
  X509* sent = cert_of(mid.credential());
  CHECK(verify(cert_of(leaf), {sent}, {anchor}) == X509_V_OK);
  CHECK(verify(cert_of(leaf), {}, {anchor}) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  CHECK(verify(cert_of(leaf), {}, {anchor}) == 20);
  // (nginx, as a TLS client, logs 21 "unable to verify the first certificate" for this chain:
  // scenarios/tls/tls-incomplete-chain.toml checks that.)
  // The depth counts the CAs between the leaf and the trust anchor: nginx's default
  // proxy_ssl_verify_depth 1 allows this one intermediate, 0 does not.
  CHECK(verify(cert_of(leaf), {sent}, {anchor}, 1) == X509_V_OK);
  CHECK(verify(cert_of(leaf), {sent}, {anchor}, 0) == X509_V_ERR_CERT_CHAIN_TOO_LONG);
  CHECK(verify(cert_of(root.issue({})), {}, {anchor}, 0) == X509_V_OK);
}

TEST_CASE("validity: expired and not yet valid") {
  Authority root = Authority::root("test root");
  LeafSpec spec;
  spec.validity = Validity::expired;
  CHECK(verify(cert_of(root.issue(spec)), {}, {cert_of(root.credential())}) ==
        X509_V_ERR_CERT_HAS_EXPIRED);
  spec.validity = Validity::not_yet_valid;
  CHECK(verify(cert_of(root.issue(spec)), {}, {cert_of(root.credential())}) ==
        X509_V_ERR_CERT_NOT_YET_VALID);
}

TEST_CASE("self-signed: 18, self-signed certificate") {
  Credential leaf = self_signed({});
  Authority root = Authority::root("test root");
  CHECK(verify(cert_of(leaf), {}, {cert_of(root.credential())}) ==
        X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
}

TEST_CASE("key types: EC P-256 by default, RSA 2048 on request") {
  Authority root = Authority::root("test root");
  LeafSpec spec;
  Credential ec = root.issue(spec);
  auto* ec_key = static_cast<EVP_PKEY*>(ec.pkey());
  CHECK(EVP_PKEY_get_base_id(ec_key) == EVP_PKEY_EC);
  char group[64] = {};
  CHECK(EVP_PKEY_get_group_name(ec_key, group, sizeof group, nullptr) == 1);
  CHECK(std::string(group) == "prime256v1");
  spec.key = KeyType::rsa2048;
  Credential rsa = root.issue(spec);
  CHECK(EVP_PKEY_get_base_id(static_cast<EVP_PKEY*>(rsa.pkey())) == EVP_PKEY_RSA);
  CHECK(EVP_PKEY_get_bits(static_cast<EVP_PKEY*>(rsa.pkey())) == 2048);
  CHECK(verify(cert_of(rsa), {}, {cert_of(root.credential())}) == X509_V_OK);
}

TEST_CASE("two intermediates: depth 1 (nginx's default) is one CA short, depth 2 verifies") {
  Authority root = Authority::root("test root");
  Authority first = root.intermediate("test intermediate", KeyType::ec_p256, 1);
  Authority second = first.intermediate("test second intermediate");
  Credential leaf = second.issue({});
  X509* anchor = cert_of(root.credential());
  auto sent = {cert_of(second.credential()), cert_of(first.credential())};
  CHECK(verify(cert_of(leaf), sent, {anchor}) == X509_V_OK);
  CHECK(verify(cert_of(leaf), sent, {anchor}, 2) == X509_V_OK);
  CHECK(verify(cert_of(leaf), sent, {anchor}, 1) == X509_V_ERR_CERT_CHAIN_TOO_LONG);
  CHECK(verify(cert_of(leaf), sent, {anchor}, 1) == 22);
  // What nginx logs for it: the chain cut at the depth ends below the root, so with every error
  // accepted the one left is 20 (scenarios/tls/tls-verify-depth.toml).
  CHECK(verify(cert_of(leaf), sent, {anchor}, 1, true) ==
        X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  CHECK(verify(cert_of(leaf), sent, {anchor}, 2, true) == X509_V_OK);
  // The first intermediate's pathlen is what lets it sign the second: with pathlen 0 the same
  // chain fails on that, whatever the depth.
  Authority strict = root.intermediate("test strict intermediate");
  Authority under_strict = strict.intermediate("test second intermediate");
  Credential leaf2 = under_strict.issue({});
  CHECK(verify(cert_of(leaf2), {cert_of(under_strict.credential()), cert_of(strict.credential())},
               {anchor}, 2) == X509_V_ERR_PATH_LENGTH_EXCEEDED);
}

TEST_CASE("a run's files: PEM, keys 0600, and the chains they describe") {
  test::TempDir tmp("badgateway-tls");
  RunCredentials run(tmp.path("tls"));
  struct stat st {};
  REQUIRE(::stat(tmp.path("tls").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  for (const TlsFile& f : kTlsFiles) CHECK(std::filesystem::exists(run.dir() / f.file));
  REQUIRE(::stat((run.dir() / "client.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  CertificateSpec incomplete;
  incomplete.issuer = Issuer::intermediate;
  incomplete.full_chain = false;
  CertificateSpec full;
  full.issuer = Issuer::intermediate;
  ServedFiles leaf_only = run.issue("leaf_only", incomplete);
  ServedFiles chained = run.issue("chained", full);
  CertificateSpec deep;
  deep.issuer = Issuer::second_intermediate;
  ServedFiles deeper = run.issue("deeper", deep);
  auto sent_deep = read_pem_certificates(deeper.certificate_chain);
  auto root_ca = read_pem_certificates(run.dir() / "ca.pem");
  REQUIRE(root_ca.size() == 1);
  REQUIRE(sent_deep.size() == 3);  // the leaf, the second intermediate, the first
  CHECK(verify(sent_deep[0], {sent_deep[1], sent_deep[2]}, {root_ca[0]}, 2) == X509_V_OK);
  CHECK(verify(sent_deep[0], {sent_deep[1], sent_deep[2]}, {root_ca[0]}, 1) ==
        X509_V_ERR_CERT_CHAIN_TOO_LONG);
  for (X509* x : sent_deep) X509_free(x);
  X509_free(root_ca[0]);
  REQUIRE(::stat(chained.private_key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto anchors = read_pem_certificates(run.dir() / "ca.pem");
  auto bundle = read_pem_certificates(run.dir() / "ca-bundle.pem");
  auto other = read_pem_certificates(run.dir() / "other-ca.pem");
  auto sent_alone = read_pem_certificates(leaf_only.certificate_chain);
  auto sent_chain = read_pem_certificates(chained.certificate_chain);
  REQUIRE(anchors.size() == 1);
  REQUIRE(bundle.size() == 2);
  REQUIRE(other.size() == 1);
  REQUIRE(sent_alone.size() == 1);
  REQUIRE(sent_chain.size() == 2);
  CHECK(verify(sent_chain[0], {sent_chain[1]}, {anchors[0]}) == X509_V_OK);
  CHECK(verify(sent_alone[0], {}, {anchors[0]}) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  CHECK(verify(sent_alone[0], {}, {bundle[0], bundle[1]}) == X509_V_OK);
  CHECK(verify(sent_chain[0], {sent_chain[1]}, {other[0]}) ==
        X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  auto client = read_pem_certificates(run.dir() / "client.pem");
  REQUIRE(client.size() == 1);
  CHECK(X509_check_purpose(client[0], X509_PURPOSE_SSL_CLIENT, 0) == 1);
  for (auto* list : {&anchors, &bundle, &other, &sent_alone, &sent_chain, &client}) {
    for (X509* x : *list) X509_free(x);
  }
  CHECK_THROWS_AS(RunCredentials(tmp.path("tls")), HarnessError);  // never over an existing one
}

}  // namespace badgateway::tls
