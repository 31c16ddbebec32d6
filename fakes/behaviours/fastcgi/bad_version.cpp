// A normal response whose first record header carries another protocol version: 502 "upstream
// sent unsupported FastCGI protocol version: N". version=72 ('H') is what nginx reports when
// fastcgi_pass points at an HTTP server.
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class BadVersion final : public FastcgiResponder {
 public:
  explicit BadVersion(Params& p)
      : version_(static_cast<std::uint8_t>(p.integer("version", 2, 0, 255))) {
    if (version_ == 1) throw ParamError("version", "1 is the valid FastCGI version");
  }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    std::string response = fastcgi_response(request.id, cgi_page(c, 200, make_body(64)));
    response[0] = static_cast<char>(version_);  // byte 0 of the first record header
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  std::uint8_t version_;
};

constexpr ParamInfo kParameters[] = {
    {"version", "2"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_bad_version_behaviour{
    .name = "bad_version",
    .protocol = Protocol::fastcgi,
    .summary = "the first record header has another FastCGI version (72 = 'H')",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<BadVersion>(p); },
};

}  // namespace badgateway::fakes
