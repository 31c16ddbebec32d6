// PHP-FPM is not running at all. Unix socket: the path is reported to nginx but never created,
// so connect() fails with "(2: No such file or directory)" ([crit]). TCP has no such state: the
// port is bound and never listen()ed (ECONNREFUSED, as `refuse`), which keeps it reserved.
#include "fakes/behaviours/registry.hpp"

namespace badgateway::fakes {
namespace {

class NotRunning final : public Behaviour {
 public:
  Listening listening() const override { return Listening::none; }
  Task<void> serve(Connection&) override { co_return; }
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_not_running_behaviour{
    .name = "not_running",
    .protocol = Protocol::fastcgi,
    .summary = "no listener and no socket file: unix connect() gets ENOENT (TCP: refused)",
    .make = [](Params&) -> BehaviourPtr { return std::make_unique<NotRunning>(); },
};

}  // namespace badgateway::fakes
