// A saturated PHP-FPM pool: `capacity` workers (pm.max_children), each request taking `latency`.
// Connections beyond capacity are not accepted; they wait in the listen backlog (listen.backlog):
// nginx's connect succeeds, then fastcgi_read_timeout fires (504) unless a worker frees up in
// time. Once the backlog is full too, a unix socket connect() fails at once with EAGAIN:
// 502 "connect() to unix:... failed (11: Resource temporarily unavailable)". Over TCP a full
// backlog makes the kernel drop handshake packets instead: nginx still ends with a 504.
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class Overload final : public FastcgiResponder {
 public:
  explicit Overload(Params& p)
      : capacity_(static_cast<int>(p.integer("capacity", 1, 1, 100'000))),
        backlog_(static_cast<int>(p.integer("backlog", 511, 0, 65'535))),
        latency_(p, Millis(200)),
        body_(make_body(p.size("body_size", 64))) {}

  int backlog() const override { return backlog_; }
  std::optional<int> accept_limit() const override { return capacity_; }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    co_await c.pause(latency_.next());
    std::string response = fastcgi_response(request.id, cgi_page(c, 200, body_));
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  int capacity_;
  int backlog_;
  Latency latency_;
  std::string body_;
};

constexpr ParamInfo kParameters[] = {
    {"capacity", "1"},
    {"backlog", "511"},
    BADGATEWAY_LATENCY_PARAMETERS("200ms"),
    {"body_size", "64"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_overload_behaviour{
    .name = "overload",
    .protocol = Protocol::fastcgi,
    .summary =
        "PHP-FPM pool: `capacity` workers; the rest wait unaccepted in a `backlog`-long queue, "
        "beyond it a unix connect() gets EAGAIN",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Overload>(p); },
};

}  // namespace badgateway::fakes
