// RST (SO_LINGER 0) at a chosen point, the way a crashed process or a firewall ends a connection.
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class Reset final : public Behaviour {
 public:
  explicit Reset(Params& p)
      : at_(p.choice("at", "request", {"accept", "request", "headers", "body"})),
        body_size_(p.size("body_size", 4096)),
        delay_(p.duration("delay", Millis(0))) {}

  Task<void> serve(Connection& c) override {
    if (at_ != "accept") {
      auto request = co_await c.read_request();  // not inside &&: GCC 12 miscompiles that
      if (!request) co_return;
    }
    if (at_ == "headers" || at_ == "body") {
      std::string head = c.response_head(200, {{"Content-Type", "text/plain"}}, body_size_);
      if (at_ == "body") head += make_body(body_size_ / 2);
      if (!co_await c.write(head)) co_return;
    }
    co_await c.pause(delay_);
    c.reset();
  }

 private:
  std::string at_;
  std::uint64_t body_size_;
  Millis delay_;
};

constexpr ParamInfo kParameters[] = {
    {"at", "request", "accept|request|headers|body"},
    {"body_size", "4096"},
    {"delay", "0ms"},
};

}  // namespace

extern constexpr BehaviourInfo reset_behaviour{
    .name = "reset",
    .protocol = Protocol::http,
    .summary = "sends RST (SO_LINGER 0) at a chosen point",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Reset>(p); },
};

}  // namespace badgateway::fakes
