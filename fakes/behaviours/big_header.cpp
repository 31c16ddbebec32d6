// A response whose header block is `size` bytes, larger than proxy_buffer_size (one page, 4k,
// by default): "upstream sent too big header".
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class BigHeader final : public Behaviour {
 public:
  explicit BigHeader(Params& p) : size_(p.size("size", 8 * 1024)) {
    if (size_ < 64 || size_ > 1024 * 1024) throw ParamError("size", "must be between 64 and 1MiB");
  }

  Task<void> serve(Connection& c) override {
    while (auto request = co_await c.read_request()) {
      std::string body = make_body(16);
      std::string base = make_response(c, 200, body, {{"X-Big", ""}}, request->keep_alive);
      std::size_t head = base.size() - body.size(), filler = size_ > head ? size_ - head : 0;
      HeaderList headers{{"X-Big", std::string(filler, 'b')}};
      if (!co_await c.write(make_response(c, 200, body, headers, request->keep_alive))) co_return;
      if (!request->keep_alive) break;
    }
    c.close();
  }

 private:
  std::uint64_t size_;
};

constexpr ParamInfo kParameters[] = {
    {"size", "8k"},
};

}  // namespace

extern constexpr BehaviourInfo big_header_behaviour{
    .name = "big_header",
    .protocol = Protocol::http,
    .summary = "answers with a header block of `size` bytes",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<BigHeader>(p); },
};

}  // namespace badgateway::fakes
