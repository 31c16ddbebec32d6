#include "harness/nginx/tls_library.hpp"

#include <doctest/doctest.h>

namespace bg = badgateway;

namespace {

// The first lines of `nginx -V` as nginx prints them to stderr.
std::string nginx_V(const std::string& tls_line) {
  return "nginx version: nginx/1.22.1\n"
         "built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) \n" +
         tls_line +
         "TLS SNI support enabled\n"
         "configure arguments: --with-cc-opt='-g -O2' --prefix=/usr/share/nginx\n";
}

}  // namespace

TEST_CASE("tls_library_from_nginx_V: OpenSSL as built") {
  auto lib = bg::tls_library_from_nginx_V(nginx_V("built with OpenSSL 3.0.11 19 Sep 2023\n"));
  CHECK(lib.text == "OpenSSL 3.0.11 19 Sep 2023");
  REQUIRE(lib.openssl);
  CHECK(*lib.openssl == bg::NginxVersion{3, 0, 11});
}

TEST_CASE("tls_library_from_nginx_V: the running library wins over the one built against") {
  auto lib = bg::tls_library_from_nginx_V(
      nginx_V("built with OpenSSL 3.0.2 15 Mar 2022 (running with OpenSSL 3.0.13 30 Jan 2024)\n"));
  CHECK(lib.text == "OpenSSL 3.0.13 30 Jan 2024");
  REQUIRE(lib.openssl);
  CHECK(lib.openssl->str() == "3.0.13");
}

TEST_CASE("tls_library_from_nginx_V: a letter release is its numbers; pre-releases too") {
  auto lib = bg::tls_library_from_nginx_V(nginx_V("built with OpenSSL 1.1.1w  11 Sep 2023\n"));
  CHECK(lib.text == "OpenSSL 1.1.1w  11 Sep 2023");
  REQUIRE(lib.openssl);
  CHECK(lib.openssl->str() == "1.1.1");
  lib = bg::tls_library_from_nginx_V(nginx_V("built with OpenSSL 3.2.0-alpha1 7 Sep 2023\n"));
  REQUIRE(lib.openssl);
  CHECK(lib.openssl->str() == "3.2.0");
  // Debian's own line ends the line with nothing after the version.
  lib = bg::tls_library_from_nginx_V("built with OpenSSL 3.5.1\n");
  REQUIRE(lib.openssl);
  CHECK(lib.openssl->str() == "3.5.1");
}

TEST_CASE("tls_library_from_nginx_V: LibreSSL and BoringSSL are named but are not OpenSSL") {
  auto libre = bg::tls_library_from_nginx_V(nginx_V("built with LibreSSL 3.8.2\n"));
  CHECK(libre.text == "LibreSSL 3.8.2");
  CHECK_FALSE(libre.openssl);
  // BoringSSL's OPENSSL_VERSION_TEXT claims API compatibility with 1.1.1, not a release.
  auto boring = bg::tls_library_from_nginx_V(
      nginx_V("built with OpenSSL 1.1.1 (compatible; BoringSSL) (running with BoringSSL)\n"));
  CHECK(boring.text == "BoringSSL");
  CHECK_FALSE(boring.openssl);
  boring =
      bg::tls_library_from_nginx_V(nginx_V("built with OpenSSL 1.1.1 (compatible; BoringSSL)\n"));
  CHECK(boring.text == "OpenSSL 1.1.1 (compatible; BoringSSL)");
  CHECK_FALSE(boring.openssl);
}

TEST_CASE("tls_library_from_nginx_V: nginx built without a TLS library") {
  auto lib = bg::tls_library_from_nginx_V(
      "nginx version: nginx/1.31.4\n"
      "built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) \n"
      "configure arguments: --without-http_rewrite_module\n");
  CHECK(lib.text.empty());
  CHECK_FALSE(lib.openssl);
  CHECK(bg::tls_library_from_nginx_V("").text.empty());
  // CR LF line ends (a captured log) are tolerated.
  lib = bg::tls_library_from_nginx_V(
      "nginx version: nginx/1.22.1\r\nbuilt with OpenSSL 3.0.8 7 "
      "Feb 2023\r\n");
  CHECK(lib.text == "OpenSSL 3.0.8 7 Feb 2023");
  REQUIRE(lib.openssl);
  CHECK(lib.openssl->str() == "3.0.8");
}
