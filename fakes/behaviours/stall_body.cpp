// Sends a complete header block announcing a body, then never sends the body: nginx has
// already relayed the 200 when its read timeout fires.
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class StallBody final : public Behaviour {
 public:
  explicit StallBody(Params& p)
      : body_size_(p.size("body_size", 1024)),
        sent_(p.size("body_sent", 0)),
        limit_(p.duration("limit", Millis(60'000))) {
    if (sent_ >= body_size_) throw ParamError("body_sent", "must be smaller than body_size");
  }

  Task<void> serve(Connection& c) override {
    if (!co_await c.read_request()) co_return;
    std::string head = c.response_head(200, {{"Content-Type", "text/plain"}}, body_size_);
    if (!co_await c.write(head + make_body(sent_))) co_return;
    co_await c.hold(limit_);
    c.close();
  }

 private:
  std::uint64_t body_size_;
  std::uint64_t sent_;
  Millis limit_;
};

constexpr ParamInfo kParameters[] = {
    {"body_size", "1024"},
    {"body_sent", "0"},
    {"limit", "60s"},
};

}  // namespace

extern constexpr BehaviourInfo stall_body_behaviour{
    .name = "stall_body",
    .protocol = Protocol::http,
    .summary = "sends the header block, never the body",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<StallBody>(p); },
};

}  // namespace badgateway::fakes
