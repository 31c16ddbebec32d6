// A script that logs a PHP warning: STDERR record(s) before a normal 200. nginx logs
// `FastCGI sent in stderr: "<message>"` at [error] but the response is unaffected (unless the
// text matches fastcgi_catch_stderr).
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class Stderr final : public FastcgiResponder {
 public:
  explicit Stderr(Params& p)
      : message_(p.text("message",
                        "PHP Warning:  Undefined variable $x in /var/www/index.php on line 3")),
        count_(p.integer("count", 1, 1, 1000)),
        body_(make_body(p.size("body_size", 64))) {
    if (message_.empty())
      throw ParamError("message", "must not be empty (an empty STDERR ends the stream)");
  }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    std::string out;
    for (std::int64_t i = 0; i < count_; ++i) {
      out += encode_stream(RecordType::stderr_, request.id, message_ + "\n");
    }
    out += fastcgi_response(request.id, cgi_page(c, 200, body_));
    bool written = co_await c.write(out);
    co_return written;
  }

 private:
  std::string message_;
  std::int64_t count_;
  std::string body_;
};

constexpr ParamInfo kParameters[] = {
    {"message", R"("PHP Warning:  Undefined variable $x in /var/www/index.php on line 3")"},
    {"count", "1"},
    {"body_size", "64"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_stderr_behaviour{
    .name = "stderr",
    .protocol = Protocol::fastcgi,
    .summary = "STDERR record(s) (a PHP warning) before a normal 200",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Stderr>(p); },
};

}  // namespace badgateway::fakes
