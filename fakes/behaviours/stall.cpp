// Accepts and reads the request, then never answers: a hung application.
#include "fakes/behaviours/registry.hpp"

namespace badgateway::fakes {
namespace {

class Stall final : public Behaviour {
 public:
  explicit Stall(Params& p)
      : read_request_(p.boolean("read_request", true)),
        limit_(p.duration("limit", Millis(60'000))) {}

  Task<void> serve(Connection& c) override {
    if (read_request_) {
      auto request = co_await c.read_request();
      (void)request;
    }
    co_await c.hold(limit_);
    c.close();
  }

 private:
  bool read_request_;
  Millis limit_;
};

constexpr ParamInfo kParameters[] = {
    {"read_request", "true"},
    {"limit", "60s"},
};

}  // namespace

extern constexpr BehaviourInfo stall_behaviour{
    .name = "stall",
    .protocol = Protocol::http,
    .summary = "reads the request and never answers",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Stall>(p); },
};

}  // namespace badgateway::fakes
