// A connect that never completes, without root or a firewall: the listen backlog is full and
// never drained, so the kernel drops nginx's SYN and proxy_connect_timeout fires.
#include "fakes/behaviours/registry.hpp"

namespace badgateway::fakes {
namespace {

class Blackhole final : public Behaviour {
 public:
  Listening listening() const override { return Listening::full_backlog; }
  Task<void> serve(Connection&) override { co_return; }
};

}  // namespace

extern constexpr BehaviourInfo blackhole_behaviour{
    .name = "blackhole",
    .protocol = Protocol::http,
    .summary = "connect never completes (full listen backlog): connect timeout",
    .make = [](Params&) -> BehaviourPtr { return std::make_unique<Blackhole>(); },
};

}  // namespace badgateway::fakes
