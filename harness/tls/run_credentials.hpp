#pragma once
// The certificates of one run, as PEM files in a directory of the run (`RUN_DIR/tls`): the
// run's private root CA, an intermediate it signs and a second one that intermediate signs, a CA
// that signed nothing of the run's (a bundle lacking the right CA), a client certificate for nginx,
// and each TLS fake's own certificate chain and key. Keys are mode 0600. The placeholders
// `{{tls.NAME}}` name the shared files (kTlsFiles).
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "harness/tls/certificates.hpp"

namespace badgateway::tls {

// The directory of a run's certificates, under its run directory.
inline constexpr std::string_view kTlsDir = "tls";

struct TlsFile {
  std::string_view placeholder;  // after "tls.": {{tls.ca}}
  std::string_view file;         // in kTlsDir
  std::string_view meaning;
};

inline constexpr std::array<TlsFile, 5> kTlsFiles{{
    {"ca", "ca.pem", "the run's root CA certificate (proxy_ssl_trusted_certificate)"},
    {"ca_bundle", "ca-bundle.pem", "the root CA and the intermediate it signed"},
    {"other_ca", "other-ca.pem", "a CA that signed none of the run's certificates"},
    {"client_certificate", "client.pem",
     "a client certificate the root CA signed (proxy_ssl_certificate)"},
    {"client_certificate_key", "client.key", "its key (proxy_ssl_certificate_key)"},
}};

// `name` after "tls." (e.g. "ca"); nullptr for a name kTlsFiles lacks.
const TlsFile* find_tls_file(std::string_view name);

// Who signs a fake's certificate.
enum class Issuer {
  ca,            // the run's root CA
  intermediate,  // the run's intermediate CA (which the root signed)
  // A second intermediate CA, which the first one signed: root, two intermediates, leaf. Verified
  // with nginx's default proxy_ssl_verify_depth 1 it is one CA too deep (X509_V_ERR_CERT_CHAIN_
  // TOO_LONG, 22); depth 2 takes it.
  second_intermediate,
  self,      // nobody: self-signed
  other_ca,  // a CA nginx is never given ({{tls.other_ca}} names it)
};

struct CertificateSpec {
  LeafSpec leaf;
  Issuer issuer = Issuer::ca;
  // Whether the fake sends the intermediates after its leaf; false: the leaf alone, an
  // incomplete chain (only matters for Issuer::intermediate and second_intermediate).
  bool full_chain = true;
};

// What a TLS fake serves, as files.
struct ServedFiles {
  std::filesystem::path certificate_chain;  // leaf first, then the intermediate if sent
  std::filesystem::path private_key;        // 0600
  std::filesystem::path client_ca;          // verifies client certificates: the root CA
};

class RunCredentials {
 public:
  // Makes the CAs and the client certificate and writes them into `dir` (created, 0700; it must
  // not exist). Throws HarnessError.
  explicit RunCredentials(std::filesystem::path dir);

  // Makes and writes the certificate and key of the fake `name` (a fake name: [a-z0-9_]).
  ServedFiles issue(const std::string& name, const CertificateSpec& spec);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  Authority root_;
  Authority intermediate_;         // pathlen 1: it also signs second_intermediate_
  Authority second_intermediate_;  // pathlen 0
  Authority other_;
};

}  // namespace badgateway::tls
