// Sends the response one byte every `interval`: each byte restarts nginx's read timer, so a
// slow-but-alive upstream never trips proxy_read_timeout (it is per read, not total).
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class Dribble final : public Behaviour {
 public:
  explicit Dribble(Params& p)
      : interval_(p.duration("interval", Millis(50))),
        body_size_(p.size("body_size", 16)),
        only_body_(p.choice("what", "all", {"all", "body"}) == "body") {}

  Task<void> serve(Connection& c) override {
    if (!co_await c.read_request()) co_return;
    std::string response = make_response(c, 200, make_body(body_size_));
    std::size_t start = 0;
    if (only_body_) {
      start = response.size() - body_size_;
      if (!co_await c.write(std::string_view(response).substr(0, start))) co_return;
    }
    for (std::size_t i = start; i < response.size(); ++i) {
      co_await c.pause(interval_);
      if (!co_await c.write(std::string_view(response).substr(i, 1))) co_return;
    }
    c.close();
  }

 private:
  Millis interval_;
  std::uint64_t body_size_;
  bool only_body_;
};

constexpr ParamInfo kParameters[] = {
    {"interval", "50ms"},
    {"body_size", "16"},
    {"what", "all", "all|body"},
};

}  // namespace

extern constexpr BehaviourInfo dribble_behaviour{
    .name = "dribble",
    .protocol = Protocol::http,
    .summary = "sends the response one byte every interval",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Dribble>(p); },
};

}  // namespace badgateway::fakes
