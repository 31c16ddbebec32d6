// A FastCGI fake reading requests (kept connection: one after another) from arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fakes/fastcgi/responder.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace badgateway;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::read_as_fake({reinterpret_cast<const char*>(data), size},
                     [](fakes::Connection& c) -> fakes::Task<void> {
                       fakes::fastcgi::RecordDecoder decoder;
                       for (int i = 0; i < 64; ++i) {
                         auto request = co_await fakes::fastcgi::read_fastcgi_request(c, decoder);
                         if (!request) break;
                         (void)request->param("REQUEST_METHOD");
                       }
                     });
  return 0;
}
