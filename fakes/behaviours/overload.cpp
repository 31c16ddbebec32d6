// Serves at most `capacity` requests at once, each taking `latency`. Beyond that, per `mode`:
// refuse (stop listening until a slot frees), reset (RST), queue (wait up to queue_timeout for a
// slot) or status (answer 503 at once, like a load shedder).
#include "fakes/behaviours/registry.hpp"

#include <algorithm>
#include <deque>

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class Overload final : public Behaviour {
 public:
  explicit Overload(Params& p)
      : capacity_(p.integer("capacity", 1, 1, 100'000)),
        mode_(p.choice("mode", "status", {"refuse", "reset", "queue", "status"})),
        latency_(p, Millis(200)),
        queue_timeout_(p.duration("queue_timeout", Millis(30'000))),
        body_(make_body(p.size("body_size", 64))) {}

  Task<void> serve(Connection& c) override {
    if (active_ >= capacity_) {
      bool admitted = co_await handle_excess(c);  // not inside &&: GCC 12 miscompiles that
      if (!admitted) co_return;
    }
    ++active_;
    if (mode_ == "refuse" && active_ >= capacity_) c.listener().stop_listening();
    co_await serve_ok_responses(c, 200, body_, latency_);
    --active_;
    if (mode_ == "refuse") c.listener().resume_listening();
    if (!waiting_.empty()) {
      waiting_.front()->wake();
      waiting_.pop_front();
    }
  }

 private:
  // Returns true when the connection got a slot after all.
  Task<bool> handle_excess(Connection& c) {
    if (mode_ == "status") {
      if (auto request = co_await c.read_request()) {
        // Built outside co_await: GCC 12 miscompiles braced temporaries inside it.
        std::string response = make_response(c, 503, std::string("overloaded\n"), retry_after_);
        co_await c.write(response);
      }
      c.close();
      co_return false;
    }
    if (mode_ != "queue") {  // refuse lets a few through before the listener closes: reset them
      c.reset();
      co_return false;
    }
    auto deadline = std::chrono::steady_clock::now() + queue_timeout_;
    while (active_ >= capacity_ && c.is_open() && std::chrono::steady_clock::now() < deadline) {
      waiting_.push_back(&c);
      co_await c.pause(
          std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()));
      waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), &c), waiting_.end());
    }
    if (active_ < capacity_ && c.is_open()) co_return true;
    c.close();
    co_return false;
  }

  std::int64_t capacity_;
  std::string mode_;
  Latency latency_;
  Millis queue_timeout_;
  std::string body_;
  std::int64_t active_ = 0;
  std::deque<Connection*> waiting_;
  HeaderList retry_after_{{"Retry-After", "1"}};
};

constexpr ParamInfo kParameters[] = {
    {"capacity", "1"},
    {"mode", "status", "refuse|reset|queue|status"},
    BADGATEWAY_LATENCY_PARAMETERS("200ms"),
    {"queue_timeout", "30s"},
};

}  // namespace

extern constexpr BehaviourInfo overload_behaviour{
    .name = "overload",
    .protocol = Protocol::http,
    .summary = "serves at most `capacity` requests at once",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Overload>(p); },
};

}  // namespace badgateway::fakes
