#pragma once
// The TLS library an nginx uses, as `nginx -V` says: "built with OpenSSL 3.0.11 19 Sep 2023",
// followed by " (running with OpenSSL 3.0.13 30 Jan 2024)" when the library loaded at run time is
// not the one nginx was compiled against. The running one is what makes the handshakes and the
// reason strings nginx logs, so it is the one `[[expect.versions]] openssl = "RANGE"` matches.
#include <optional>
#include <string>
#include <string_view>

#include "harness/nginx/version.hpp"

namespace badgateway {

struct TlsLibrary {
  // What nginx runs with, as printed: "OpenSSL 3.0.11 19 Sep 2023", "LibreSSL 3.8.2",
  // "OpenSSL 1.1.1 (compatible; BoringSSL)". Empty: nginx was built without a TLS library.
  std::string text;
  // Set only for OpenSSL itself: its version, a letter release's letter dropped ("1.1.1w" is
  // 1.1.1). LibreSSL and BoringSSL are not OpenSSL (BoringSSL's "OpenSSL 1.1.1" is a claim of
  // API compatibility, not a release), so an `openssl` range never matches them.
  std::optional<NginxVersion> openssl;
};

// From the whole output of `nginx -V`. Never throws; output without a "built with" line (nginx
// built without --with-http_ssl_module and without a library) gives an empty TlsLibrary.
TlsLibrary tls_library_from_nginx_V(std::string_view nginx_V_output);

}  // namespace badgateway
