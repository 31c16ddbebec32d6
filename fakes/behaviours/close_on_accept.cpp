// The upstream process dies as soon as the connection is accepted: FIN, no response byte.
#include "fakes/behaviours/close_on_accept.hpp"

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

BehaviourPtr make_close_on_accept(Params&) {
  return std::make_unique<CloseOnAccept>();
}

}  // namespace badgateway::fakes
