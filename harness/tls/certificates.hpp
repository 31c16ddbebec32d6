#pragma once
// X.509 certificates for TLS fakes, made with OpenSSL 3's API for each run: a private root CA,
// intermediate CAs, and leaves with the names, validity and key type a scenario asks for
// (self-signed, expired, not yet valid, for another host name, ...). Held in memory; written as
// PEM by the caller (run_credentials.hpp). Every function throws HarnessError when OpenSSL fails.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace badgateway::tls {

enum class KeyType {
  ec_p256,  // ECDSA on P-256 (prime256v1): the default, fast to make
  rsa2048,  // RSA, 2048 bits
};

enum class Validity {
  valid,          // from an hour ago to 30 days ahead
  expired,        // ended 30 days ago (X509_V_ERR_CERT_HAS_EXPIRED, 10)
  not_yet_valid,  // starts in 30 days (X509_V_ERR_CERT_NOT_YET_VALID, 9)
};

// What a leaf certificate says.
struct LeafSpec {
  // subjectAltName entries: anything but an IP literal becomes DNS:; an IPv4/IPv6 literal becomes
  // IP: and DNS: both (nginx checks names with X509_check_host, DNS entries only). The first is
  // also the subject's CN. Empty: "localhost".
  std::vector<std::string> names;
  KeyType key = KeyType::ec_p256;
  Validity validity = Validity::valid;
  bool client = false;  // extendedKeyUsage clientAuth (a client certificate), else serverAuth
};

// A certificate with its private key. Movable; the OpenSSL objects are owned.
class Credential {
 public:
  Credential();
  ~Credential();
  Credential(Credential&&) noexcept;
  Credential& operator=(Credential&&) noexcept;

  std::string certificate_pem() const;
  std::string private_key_pem() const;  // PKCS#8, unencrypted
  // The underlying OpenSSL objects (X509*, EVP_PKEY*), owned by this Credential.
  void* x509() const;
  void* pkey() const;

  struct Impl;  // OpenSSL's objects, kept out of this header
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// A certificate authority: a root (self-signed) or an intermediate signed by another.
class Authority {
 public:
  static Authority root(const std::string& common_name, KeyType key = KeyType::ec_p256);
  // An intermediate CA this one signs. `pathlen`: how many CAs may follow it in a chain (0: it
  // signs leaves only; 1: also an intermediate that signs leaves).
  Authority intermediate(const std::string& common_name, KeyType key = KeyType::ec_p256,
                         int pathlen = 0) const;
  Credential issue(const LeafSpec& spec) const;
  const Credential& credential() const { return self_; }

 private:
  Credential self_;
};

// A leaf that signs itself (no CA: X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 18, when verified).
Credential self_signed(const LeafSpec& spec);

// Writes `text` to a new file `path` with `mode` (0600 for a key): the file must not exist.
// Throws HarnessError.
void write_private_file(const std::filesystem::path& path, const std::string& text, unsigned mode);

}  // namespace badgateway::tls
