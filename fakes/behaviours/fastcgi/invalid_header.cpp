// A line nginx cannot parse as a header before the real header block: text a script printed
// before its headers ("Hello world", the default) or a header name with a space ("Bad Header: x").
// 502 "upstream sent invalid header: "Hello\x20..."".
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class InvalidHeader final : public FastcgiResponder {
 public:
  explicit InvalidHeader(Params& p) : line_(p.text("line", "Hello world")) {
    if (line_.empty())
      throw ParamError("line", "must not be empty (it would end the header block)");
  }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    std::string output = line_ + "\r\n" + cgi_page(c, 200, make_body(64));
    std::string response = fastcgi_response(request.id, output);
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  std::string line_;
};

constexpr ParamInfo kParameters[] = {
    {"line", R"("Hello world")"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_invalid_header_behaviour{
    .name = "invalid_header",
    .protocol = Protocol::fastcgi,
    .summary = "a line that is not a header before the header block",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<InvalidHeader>(p); },
};

}  // namespace badgateway::fakes
