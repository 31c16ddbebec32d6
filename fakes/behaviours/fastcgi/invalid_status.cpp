// A CGI Status header whose first three characters are not digits: 502 "upstream sent invalid
// status "abc"".
#include "fakes/behaviours/fastcgi/invalid_status.hpp"

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

}  // namespace

BehaviourPtr make_fastcgi_invalid_status(Params& p) {
  return std::make_unique<InvalidStatus>(p);
}

}  // namespace badgateway::fakes
