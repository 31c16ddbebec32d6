// Accepts and reads the request, then never answers: a hung application.
#include "fakes/behaviours/stall.hpp"

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

}  // namespace

BehaviourPtr make_stall(Params& p) {
  return std::make_unique<Stall>(p);
}

}  // namespace badgateway::fakes
