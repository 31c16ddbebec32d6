// Not HTTP at all, like proxy_pass pointed at Redis or SSH. nginx does NOT answer 502 here: it
// falls back to HTTP/0.9 and relays the bytes ("upstream sent no valid HTTP/1.0 header").
#include "fakes/behaviours/registry.hpp"

namespace badgateway::fakes {
namespace {

class Garbage final : public Behaviour {
 public:
  explicit Garbage(Params& p)
      : payload_(
            p.text("payload", "-ERR unknown command 'GET', with args beginning with: '/'\r\n")),
        read_request_(p.boolean("read_request", true)) {
    if (payload_.empty()) throw ParamError("payload", "must not be empty");
  }

  Task<void> serve(Connection& c) override {
    // GCC 12 miscompiles co_await inside && / ||: keep each co_await in its own statement.
    if (read_request_) {
      auto request = co_await c.read_request();
      if (!request) co_return;
    }
    co_await c.write(payload_);
    c.close();
  }

 private:
  std::string payload_;
  bool read_request_;
};

constexpr ParamInfo kParameters[] = {
    {"payload", "", "TEXT"},
    {"read_request", "true"},
};

}  // namespace

extern constexpr BehaviourInfo garbage_behaviour{
    .name = "garbage",
    .protocol = Protocol::http,
    .summary = "answers with bytes that are not HTTP",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Garbage>(p); },
};

}  // namespace badgateway::fakes
