// An HTTP fake reading requests (pipelined, keep-alive) from arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/fuzz_support.hpp"

using namespace badgateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::read_as_fake({reinterpret_cast<const char*>(data), size},
                     [](fakes::Connection& c) -> fakes::Task<void> {
                       for (int i = 0; i < 64; ++i) {
                         auto request = co_await c.read_request();
                         if (!request) break;
                       }
                     });
  return 0;
}
