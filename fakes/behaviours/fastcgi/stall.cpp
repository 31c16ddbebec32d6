// Reads the request and never answers: a hung PHP script (sleep, lock, slow query). nginx gives
// up after fastcgi_read_timeout: 504 "upstream timed out ... while reading response header".
#include "fakes/behaviours/registry.hpp"

#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

class Stall final : public Behaviour {
 public:
  explicit Stall(Params& p) : limit_(p.duration("limit", Millis(60'000))) {}

  Task<void> serve(Connection& c) override {
    auto request = co_await fastcgi::read_fastcgi_request(c);
    if (request) co_await c.hold(limit_);
    c.close();
  }

 private:
  Millis limit_;
};

constexpr ParamInfo kParameters[] = {
    {"limit", "60s"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_stall_behaviour{
    .name = "stall",
    .protocol = Protocol::fastcgi,
    .summary = "reads the request and never answers",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Stall>(p); },
};

}  // namespace badgateway::fakes
