// The FastCGI record codec on arbitrary bytes: the decoder fed in slices, the request assembler,
// the params and BEGIN/END_REQUEST bodies, and a round trip of every decoded record.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fakes/fastcgi/record.hpp"

using namespace badgateway::fakes::fastcgi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks a slice length, so records arrive split the way a socket splits them.
  const std::size_t slice = size > 0 ? std::size_t{data[0]} + 1 : 1;
  RecordDecoder decoder;
  RequestAssembler assembler(4096);
  for (std::size_t at = 0; at < bytes.size(); at += slice) {
    decoder.feed(bytes.substr(at, slice));
    while (auto record = decoder.next()) {
      assembler.consume(*record);
      (void)record_type_name(record->type);
      (void)decode_begin_request(record->content);
      (void)decode_end_request(record->content);
      auto params = decode_params(record->content);
      if (params.ok()) {
        const auto again = decode_params(encode_params(params.pairs));
        if (!again.ok() || again.pairs != params.pairs) std::abort();
      }
      // Re-encoding a decoded record gives back the same record.
      RecordDecoder echo;
      echo.feed(encode_record(static_cast<RecordType>(record->type), record->request_id,
                              record->content, record->padding, record->version));
      const auto back = echo.next();
      if (!back || back->content != record->content || back->type != record->type ||
          back->request_id != record->request_id) {
        std::abort();
      }
    }
    if (decoder.failed()) break;
  }
  (void)assembler.ready();
  return 0;
}
