// A CGI header block of `size` bytes, larger than fastcgi_buffer_size (one page, 4k, by
// default): 502 "upstream sent too big header".
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class BigHeader final : public FastcgiResponder {
 public:
  explicit BigHeader(Params& p) : size_(p.size("size", 8 * 1024)) {
    if (size_ < 128 || size_ > 1024 * 1024)
      throw ParamError("size", "must be between 128 and 1MiB");
  }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    HeaderList headers{{"Content-Type", "text/html"}, {"X-Big", ""}};
    std::size_t base = cgi_head(c, 200, headers).size();
    headers.back().second.assign(size_ > base ? size_ - base : 0, 'b');
    std::string response = fastcgi_response(request.id, cgi_head(c, 200, headers) + make_body(16));
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  std::uint64_t size_;
};

constexpr ParamInfo kParameters[] = {
    {"size", "8k"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_big_header_behaviour{
    .name = "big_header",
    .protocol = Protocol::fastcgi,
    .summary = "a CGI header block of `size` bytes (fastcgi_buffer_size is 4k)",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<BigHeader>(p); },
};

}  // namespace badgateway::fakes
