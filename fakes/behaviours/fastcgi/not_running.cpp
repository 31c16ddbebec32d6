// PHP-FPM is not running at all. Unix socket: the path is reported to nginx but never created,
// so connect() fails with "(2: No such file or directory)" ([crit]). TCP has no such state: the
// port is bound and never listen()ed (ECONNREFUSED, as `refuse`), which keeps it reserved.
#include "fakes/behaviours/fastcgi/not_running.hpp"

namespace badgateway::fakes {
namespace {

class NotRunning final : public Behaviour {
 public:
  Listening listening() const override { return Listening::none; }
  Task<void> serve(Connection&) override { co_return; }
};

}  // namespace

BehaviourPtr make_fastcgi_not_running(Params&) {
  return std::make_unique<NotRunning>();
}

}  // namespace badgateway::fakes
