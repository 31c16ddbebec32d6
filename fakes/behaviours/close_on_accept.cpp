// The upstream process dies as soon as the connection is accepted: FIN, no response byte.
#include "fakes/behaviours/registry.hpp"

namespace badgateway::fakes {
namespace {

class CloseOnAccept final : public Behaviour {
 public:
  Task<void> serve(Connection& c) override {
    c.close();
    co_return;
  }
};

}  // namespace

extern constexpr BehaviourInfo close_on_accept_behaviour{
    .name = "close_on_accept",
    .protocol = Protocol::http,
    .summary = "closes (FIN) as soon as the connection is accepted",
    .make = [](Params&) -> BehaviourPtr { return std::make_unique<CloseOnAccept>(); },
};

}  // namespace badgateway::fakes
