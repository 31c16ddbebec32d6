// Fails the first `failures` connections (reads the request, then closes), then is healthy: a
// brief blip, enough for max_fails to mark the server down for fail_timeout.
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class Flaky final : public Behaviour {
 public:
  explicit Flaky(Params& p)
      : failures_(p.integer("failures", 1, 0, 1'000'000)),
        how_(p.choice("fail_with", "close", {"close", "reset"})),
        body_(make_body(p.size("body_size", 64))) {}

  Task<void> serve(Connection& c) override {
    if (seen_++ < failures_) {
      co_await c.read_request();
      how_ == "reset" ? c.reset() : c.close();
      co_return;
    }
    co_await serve_ok_responses(c, 200, body_, Millis(0));
  }

 private:
  std::int64_t failures_;
  std::string how_;
  std::string body_;
  std::int64_t seen_ = 0;
};

constexpr ParamInfo kParameters[] = {
    {"failures", "1"},
    {"fail_with", "close", "close|reset"},
    {"body_size", "64"},
};

}  // namespace

extern constexpr BehaviourInfo flaky_behaviour{
    .name = "flaky",
    .protocol = Protocol::http,
    .summary = "fails the first N connections, then answers normally",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Flaky>(p); },
};

}  // namespace badgateway::fakes
