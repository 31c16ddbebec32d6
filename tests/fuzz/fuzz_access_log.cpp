// One access-log line in the rendered config's format (request id|status|upstream status|...).
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/observe/observation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string line(reinterpret_cast<const char*>(data), size);
  if (auto record = badgateway::parse_access_line(line)) (void)record->attempts();
  return 0;
}
