#include "harness/nginx/tls_library.hpp"

#include "harness/regex/regex.hpp"

namespace badgateway {
namespace {

// ngx_show_version_info() prints "built with " OPENSSL_VERSION_TEXT, then, when the library
// loaded differs, " (running with " SSLeay_version(SSLEAY_VERSION) ")", on one line.
std::string_view built_with_line(std::string_view output) {
  constexpr std::string_view kBuiltWith = "built with ";
  for (std::size_t pos = 0; pos < output.size();) {
    std::size_t end = output.find('\n', pos);
    if (end == std::string_view::npos) end = output.size();
    std::string_view line = output.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // "built by gcc ..." is the compiler's line; "built with" names the TLS library.
    if (line.substr(0, kBuiltWith.size()) == kBuiltWith) return line.substr(kBuiltWith.size());
    pos = end + 1;
  }
  return {};
}

}  // namespace

TlsLibrary tls_library_from_nginx_V(std::string_view nginx_V_output) {
  TlsLibrary lib;
  std::string_view line = built_with_line(nginx_V_output);
  if (line.empty()) return lib;
  constexpr std::string_view kRunning = " (running with ";
  std::string_view running = line;
  if (auto at = line.find(kRunning); at != std::string_view::npos) {
    running = line.substr(at + kRunning.size());
    if (!running.empty() && running.back() == ')') running.remove_suffix(1);
  }
  lib.text = std::string(running);
  if (running.find("BoringSSL") != std::string_view::npos) return lib;
  // "OpenSSL 3.0.11 19 Sep 2023", "OpenSSL 1.1.1w  11 Sep 2023", "OpenSSL 3.2.0-alpha1 ...".
  static const Regex re(R"(^OpenSSL (\d+\.\d+(?:\.\d+)?)(?:[a-z]*)(?:[ -]|$))");
  if (auto m = re.search_groups(running)) lib.openssl = NginxVersion::parse((*m)[1]);
  return lib;
}

}  // namespace badgateway
