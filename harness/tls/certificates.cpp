#include "harness/tls/certificates.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "harness/error.hpp"

namespace badgateway::tls {
namespace {

constexpr long kHour = 3600;
constexpr long kDay = 24 * kHour;

// OpenSSL's queued reason for the failure, or `what` alone.
[[noreturn]] void fail(const std::string& what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) throw HarnessError(fmt::format("making certificates: {}", what));
  char reason[256];
  ERR_error_string_n(e, reason, sizeof reason);
  throw HarnessError(fmt::format("making certificates: {}: {}", what, reason));
}

template <typename T>
T* check(T* p, const char* what) {
  if (!p) fail(what);
  return p;
}

void check(int ok, const char* what) {
  if (ok != 1) fail(what);
}

EVP_PKEY* make_key(KeyType type) {
  if (type == KeyType::rsa2048) return check(EVP_RSA_gen(2048), "RSA key");
  return check(EVP_EC_gen("P-256"), "EC key");
}

bool is_ip_literal(const std::string& name) {
  unsigned char bytes[16];
  return ::inet_pton(AF_INET, name.c_str(), bytes) == 1 ||
         ::inet_pton(AF_INET6, name.c_str(), bytes) == 1;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext =
      check(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()), "certificate extension");
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok, "adding an extension");
}

struct Window {
  long not_before;  // seconds from now
  long not_after;
};

Window window_of(Validity v) {
  switch (v) {
    case Validity::expired:
      return {-60 * kDay, -30 * kDay};
    case Validity::not_yet_valid:
      return {30 * kDay, 60 * kDay};
    case Validity::valid:
      break;
  }
  return {-kHour, 30 * kDay};
}

// A certificate for `key`, named `cn`, valid over `window`, not yet signed. `issuer` null:
// self-issued.
X509* make_certificate(EVP_PKEY* key, const std::string& cn, Window window) {
  X509* cert = check(X509_new(), "X509_new");
  check(X509_set_version(cert, X509_VERSION_3), "version");
  // A random 64-bit serial: two runs' certificates never share one.
  unsigned char serial[8];
  check(RAND_bytes(serial, sizeof serial), "serial");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = check(BN_bin2bn(serial, sizeof serial, nullptr), "serial");
  ASN1_INTEGER* asn1 = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  check(asn1, "serial");
  check(X509_gmtime_adj(X509_getm_notBefore(cert), window.not_before), "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert), window.not_after), "notAfter");
  check(X509_set_pubkey(cert, key), "public key");
  X509_NAME* name = X509_get_subject_name(cert);
  check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("badgateway"), -1, -1, 0),
        "subject");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0),
        "subject");
  return cert;
}

std::string to_pem(const std::function<int(BIO*)>& write) {
  BIO* bio = check(BIO_new(BIO_s_mem()), "BIO");
  if (write(bio) != 1) {
    BIO_free(bio);
    fail("PEM");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

struct Credential::Impl {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
  ~Impl() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

Credential::Credential() : impl_(std::make_unique<Impl>()) {}
Credential::~Credential() = default;
Credential::Credential(Credential&&) noexcept = default;
Credential& Credential::operator=(Credential&&) noexcept = default;

std::string Credential::certificate_pem() const {
  return to_pem([this](BIO* b) { return PEM_write_bio_X509(b, impl_->cert); });
}

std::string Credential::private_key_pem() const {
  return to_pem([this](BIO* b) {
    return PEM_write_bio_PrivateKey(b, impl_->key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

void* Credential::x509() const {
  return impl_->cert;
}

void* Credential::pkey() const {
  return impl_->key;
}

Authority Authority::root(const std::string& common_name, KeyType key) {
  Authority ca;
  Credential::Impl& self = ca.self_.impl();
  self.key = make_key(key);
  self.cert = make_certificate(self.key, common_name, {-kHour, 365 * kDay});
  check(X509_set_issuer_name(self.cert, X509_get_subject_name(self.cert)), "issuer");
  add_extension(self.cert, self.cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(self.cert, self.cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(self.cert, self.cert, NID_subject_key_identifier, "hash");
  if (X509_sign(self.cert, self.key, EVP_sha256()) == 0) fail("signing the root CA");
  return ca;
}

Authority Authority::intermediate(const std::string& common_name, KeyType key, int pathlen) const {
  Authority ca;
  Credential::Impl& self = ca.self_.impl();
  const Credential::Impl& issuer = self_.impl();
  self.key = make_key(key);
  self.cert = make_certificate(self.key, common_name, {-kHour, 365 * kDay});
  check(X509_set_issuer_name(self.cert, X509_get_subject_name(issuer.cert)), "issuer");
  add_extension(self.cert, issuer.cert, NID_basic_constraints,
                fmt::format("critical,CA:TRUE,pathlen:{}", pathlen));
  add_extension(self.cert, issuer.cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(self.cert, issuer.cert, NID_subject_key_identifier, "hash");
  add_extension(self.cert, issuer.cert, NID_authority_key_identifier, "keyid:always");
  if (X509_sign(self.cert, issuer.key, EVP_sha256()) == 0) fail("signing an intermediate CA");
  return ca;
}

namespace {

void make_leaf(Credential::Impl& leaf, const LeafSpec& spec, X509* issuer_cert,
               EVP_PKEY* issuer_key) {
  std::vector<std::string> names = spec.names;
  if (names.empty()) names.emplace_back("localhost");
  leaf.key = make_key(spec.key);
  leaf.cert = make_certificate(leaf.key, names.front(), window_of(spec.validity));
  X509* issuer = issuer_cert ? issuer_cert : leaf.cert;
  check(X509_set_issuer_name(leaf.cert, X509_get_subject_name(issuer)), "issuer");
  std::string san;
  for (const auto& n : names) {
    if (!san.empty()) san += ',';
    // An IP address is also written as a DNS name: nginx's proxy_ssl_verify checks the name with
    // X509_check_host(), which reads DNS entries only, so "IP:127.0.0.1" alone never matches.
    san += is_ip_literal(n) ? fmt::format("IP:{},DNS:{}", n, n) : "DNS:" + n;
  }
  add_extension(leaf.cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
  // keyEncipherment only means something for RSA key exchange (TLS 1.2's RSA suites).
  add_extension(leaf.cert, issuer, NID_key_usage,
                spec.key == KeyType::rsa2048 ? "critical,digitalSignature,keyEncipherment"
                                             : "critical,digitalSignature");
  add_extension(leaf.cert, issuer, NID_ext_key_usage, spec.client ? "clientAuth" : "serverAuth");
  add_extension(leaf.cert, issuer, NID_subject_alt_name, san);
  add_extension(leaf.cert, issuer, NID_subject_key_identifier, "hash");
  if (issuer_cert) {
    add_extension(leaf.cert, issuer, NID_authority_key_identifier, "keyid:always");
  }
  if (X509_sign(leaf.cert, issuer_key ? issuer_key : leaf.key, EVP_sha256()) == 0) {
    fail("signing a certificate");
  }
}

}  // namespace

Credential Authority::issue(const LeafSpec& spec) const {
  Credential leaf;
  make_leaf(leaf.impl(), spec, self_.impl().cert, self_.impl().key);
  return leaf;
}

Credential self_signed(const LeafSpec& spec) {
  Credential leaf;
  make_leaf(leaf.impl(), spec, nullptr, nullptr);
  return leaf;
}

void write_private_file(const std::filesystem::path& path, const std::string& text, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    throw HarnessError(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  }
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      throw HarnessError(fmt::format("cannot write {}: {}", path.string(), std::strerror(e)));
    }
    done += static_cast<std::size_t>(n);
  }
  // The umask must not widen or narrow what was asked for.
  ::fchmod(fd, static_cast<mode_t>(mode));
  ::close(fd);
}

}  // namespace badgateway::tls
