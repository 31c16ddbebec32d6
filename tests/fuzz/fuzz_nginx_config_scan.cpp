// A user's nginx.conf from bytes, scanned as for an own-config run: it must scan or throw
// ConfigScanError, never crash. The text is written to a private temporary directory that is
// the config root, so includes resolve inside it (or to the image's files, which are skipped).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/nginx/config_scan.hpp"

namespace fs = std::filesystem;

namespace {
const fs::path& root() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "bgw-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(root(), ignored);
    });
    return fs::path(tmpl);
  }();
  return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path file = root() / "nginx.conf";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const auto facts = badgateway::scan_nginx_config(file, root());
    for (const auto& ref : facts.hosts) (void)facts.ports_of(ref.host);
  } catch (const badgateway::ConfigScanError&) {
  }
  return 0;
}
