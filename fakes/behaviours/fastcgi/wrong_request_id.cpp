// A normal response sent under another request id than the request's (nginx always uses 1):
// 502 "upstream sent unexpected FastCGI request id low byte: 2" (or "high byte" for id >= 256).
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class WrongRequestId final : public FastcgiResponder {
 public:
  explicit WrongRequestId(Params& p)
      : id_(static_cast<std::uint16_t>(p.integer("id", 2, 0, 65535))) {}

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    // If the request itself used `id`, answer under the next id so the reply is still wrong.
    std::uint16_t id = id_ == request.id ? static_cast<std::uint16_t>(id_ + 1) : id_;
    std::string response = fastcgi_response(id, cgi_page(c, 200, make_body(64)));
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  std::uint16_t id_;
};

constexpr ParamInfo kParameters[] = {
    {"id", "2"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_wrong_request_id_behaviour{
    .name = "wrong_request_id",
    .protocol = Protocol::fastcgi,
    .summary = "answers under another request id",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<WrongRequestId>(p); },
};

}  // namespace badgateway::fakes
