// The upstream itself answers 502/503/504. nginx relays it unchanged, with no error-log line:
// the response carries the fake's signature header, unlike an nginx-generated error page.
#include "fakes/behaviours/registry.hpp"

#include <fmt/format.h>

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class Status final : public Behaviour {
 public:
  explicit Status(Params& p)
      : code_(static_cast<int>(p.integer("code", 502, 100, 599))), latency_(p, Millis(0)) {}

  Task<void> serve(Connection& c) override {
    co_await serve_ok_responses(
        c, code_, fmt::format("upstream {} says {}\n", c.endpoint_name(), code_), latency_);
  }

 private:
  int code_;
  Latency latency_;
};

constexpr ParamInfo kParameters[] = {
    {"code", "502"},
    BADGATEWAY_LATENCY_PARAMETERS("0ms"),
};

}  // namespace

extern constexpr BehaviourInfo status_behaviour{
    .name = "status",
    .protocol = Protocol::http,
    .summary = "the upstream itself answers with an error status",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Status>(p); },
};

}  // namespace badgateway::fakes
