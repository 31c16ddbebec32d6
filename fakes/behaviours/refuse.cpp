// Nothing listening: the port is bound but never listen()ed, so connect() gets ECONNREFUSED and
// no other process can take the port while the scenario runs. Protocol-free, so it is also the
// FastCGI `refuse`: on a unix socket the file exists but nobody listens (a stale socket left by a
// dead PHP-FPM) and nginx logs "connect() to unix:... failed (111: Connection refused)".
#include "fakes/behaviours/registry.hpp"

namespace badgateway::fakes {
namespace {

class Refuse final : public Behaviour {
 public:
  Listening listening() const override { return Listening::bound_only; }
  Task<void> serve(Connection&) override { co_return; }
};

}  // namespace

extern constexpr BehaviourInfo refuse_behaviour{
    .name = "refuse",
    .protocol = Protocol::http,
    .summary = "nothing listening: connect() gets ECONNREFUSED",
    .make = [](Params&) -> BehaviourPtr { return std::make_unique<Refuse>(); },
};

extern constexpr BehaviourInfo fastcgi_refuse_behaviour{
    .name = "refuse",
    .protocol = Protocol::fastcgi,
    .summary = "nothing listening: ECONNREFUSED (unix: a stale socket file)",
    .make = [](Params&) -> BehaviourPtr { return std::make_unique<Refuse>(); },
};

}  // namespace badgateway::fakes
