// A CGI Status header whose first three characters are not digits: 502 "upstream sent invalid
// status "abc"".
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class InvalidStatus final : public FastcgiResponder {
 public:
  explicit InvalidStatus(Params& p) : status_(p.text("status", "abc")) {}

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    HeaderList headers{{"Status", status_}, {"Content-Type", "text/html"}};
    std::string response =
        fastcgi_response(request.id, cgi_head(c, std::nullopt, headers) + make_body(64));
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  std::string status_;
};

constexpr ParamInfo kParameters[] = {
    {"status", "abc"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_invalid_status_behaviour{
    .name = "invalid_status",
    .protocol = Protocol::fastcgi,
    .summary = "a Status header that does not start with 3 digits",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<InvalidStatus>(p); },
};

}  // namespace badgateway::fakes
