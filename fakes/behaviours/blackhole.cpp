// A connect that never completes, without root or a firewall: the listen backlog is full and
// never drained, so the kernel drops nginx's SYN and proxy_connect_timeout fires.
#include "fakes/behaviours/blackhole.hpp"

namespace badgateway::fakes {
namespace {

class Blackhole final : public Behaviour {
 public:
  Listening listening() const override { return Listening::full_backlog; }
  Task<void> serve(Connection&) override { co_return; }
};

}  // namespace

BehaviourPtr make_blackhole(Params&) {
  return std::make_unique<Blackhole>();
}

}  // namespace badgateway::fakes
