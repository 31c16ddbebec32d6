// Durations ("1.5s") and sizes ("8KiB") as scenario files and --set write them. A parsed
// duration formats to text that parses back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fakes/base/units.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto d = badgateway::parse_duration(text)) {
    if (d->count() < 0) std::abort();
    // format_duration rounds to 10 ms above a second ("1.23s"); below, and whole seconds, are
    // exact and must read back as they were.
    const auto again = badgateway::parse_duration(badgateway::format_duration(*d));
    if (!again) std::abort();
    if ((d->count() < 1000 || d->count() % 1000 == 0) && *again != *d) std::abort();
  }
  if (auto n = badgateway::parse_size(text); n && *n > (std::uint64_t{1} << 30)) std::abort();
  return 0;
}
