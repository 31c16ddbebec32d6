// The Node.js/gunicorn keep-alive race, made deterministic. The upstream keeps connections alive
// and closes each one after `idle_close` of idleness; on a real network that FIN can cross a
// request nginx has just sent on the cached connection. Here a request that arrives after the
// connection has been idle for `idle_close` or longer is treated as having crossed the FIN: the
// connection is closed without a response byte. A request that arrives sooner is answered.
#include "fakes/behaviours/registry.hpp"

#include <fmt/format.h>

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class KeepaliveRace final : public Behaviour {
 public:
  explicit KeepaliveRace(Params& p)
      : idle_close_(p.duration("idle_close", Millis(100))),
        body_(make_body(p.size("body_size", 64))) {
    if (idle_close_.count() <= 0) throw ParamError("idle_close", "must be greater than 0");
  }

  Task<void> serve(Connection& c) override {
    auto idle_since = std::chrono::steady_clock::now();
    while (auto request = co_await c.read_request()) {
      auto idle = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - idle_since);
      if (c.requests_served() > 1 && idle >= idle_close_) {
        c.recorder().note(fmt::format(
            "request after {}ms idle crossed the idle close: FIN, no response", idle.count()));
        break;
      }
      if (!co_await c.write(make_response(c, 200, body_, {}, request->keep_alive))) co_return;
      if (!request->keep_alive) break;
      idle_since = std::chrono::steady_clock::now();
    }
    c.close();
  }

 private:
  Millis idle_close_;
  std::string body_;
};

constexpr ParamInfo kParameters[] = {
    {"idle_close", "100ms"},
    {"body_size", "64"},
};

}  // namespace

extern constexpr BehaviourInfo keepalive_race_behaviour{
    .name = "keepalive_race",
    .protocol = Protocol::http,
    .summary = "keep-alive upstream that closes connections idle for idle_close",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<KeepaliveRace>(p); },
};

}  // namespace badgateway::fakes
