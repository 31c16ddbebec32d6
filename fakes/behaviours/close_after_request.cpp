// The upstream reads the whole request and then dies (FIN, no response byte), like a worker that
// crashes while handling it.
#include "fakes/behaviours/registry.hpp"

namespace badgateway::fakes {
namespace {

class CloseAfterRequest final : public Behaviour {
 public:
  explicit CloseAfterRequest(Params& p) : delay_(p.duration("delay", Millis(0))) {}

  Task<void> serve(Connection& c) override {
    // Named, not used as a condition: GCC 12 miscompiles co_await results used directly in if().
    auto request = co_await c.read_request();
    if (request) co_await c.pause(delay_);
    c.close();
  }

 private:
  Millis delay_;
};

constexpr ParamInfo kParameters[] = {
    {"delay", "0ms"},
};

}  // namespace

extern constexpr BehaviourInfo close_after_request_behaviour{
    .name = "close_after_request",
    .protocol = Protocol::http,
    .summary = "reads the request, then closes (FIN) without a response byte",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<CloseAfterRequest>(p); },
};

}  // namespace badgateway::fakes
