// The upstream reads the whole request and then dies (FIN, no response byte), like a worker that
// crashes while handling it.
#include "fakes/behaviours/close_after_request.hpp"

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

}  // namespace

BehaviourPtr make_close_after_request(Params& p) {
  return std::make_unique<CloseAfterRequest>(p);
}

}  // namespace badgateway::fakes
