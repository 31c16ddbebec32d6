// A healthy FastCGI application (PHP-FPM answering a script): the reference every FastCGI fault is
// compared with. Honours FCGI_KEEP_CONN.
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class Ok final : public FastcgiResponder {
 public:
  explicit Ok(Params& p)
      : status_(static_cast<int>(p.integer("status", 200, 100, 599))),
        body_(p.has("body") ? p.text("body", "") : make_body(p.size("body_size", 64))),
        latency_(p, Millis(0)) {}

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    co_await c.pause(latency_.next());
    std::string response = fastcgi_response(request.id, cgi_page(c, status_, body_));
    bool written = co_await c.write(response);
    co_return written;
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

extern constexpr BehaviourInfo fastcgi_ok_behaviour{
    .name = "ok",
    .protocol = Protocol::fastcgi,
    .summary = "answers normally (Status, Content-Type: text/html, body); honours keep_conn",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Ok>(p); },
};

}  // namespace badgateway::fakes
