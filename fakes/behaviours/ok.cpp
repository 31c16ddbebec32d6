// A healthy upstream: the reference every fault is compared with.
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class Ok final : public Behaviour {
 public:
  explicit Ok(Params& p)
      : status_(static_cast<int>(p.integer("status", 200, 100, 599))),
        body_(p.has("body") ? p.text("body", "") : make_body(p.size("body_size", 64))),
        latency_(p, Millis(0)) {}

  Task<void> serve(Connection& c) override {
    co_await serve_ok_responses(c, status_, body_, latency_);
  }

 private:
  int status_;
  std::string body_;
  Latency latency_;
};

constexpr ParamInfo kParameters[] = {
    {"status", "200"},
    {"body_size", "64"},
    {.name = "body", .values = "TEXT", .alternative = true},
    BADGATEWAY_LATENCY_PARAMETERS("0ms"),
};

}  // namespace

extern constexpr BehaviourInfo ok_behaviour{
    .name = "ok",
    .protocol = Protocol::http,
    .summary = "answers normally",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Ok>(p); },
};

}  // namespace badgateway::fakes
