// The application ends the request without writing anything: END_REQUEST is the first record.
// nginx: 502 "upstream sent unexpected FastCGI record: 3".
#include "fakes/behaviours/registry.hpp"

#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class EndBeforeStdout final : public FastcgiResponder {
 public:
  explicit EndBeforeStdout(Params& p)
      : app_status_(static_cast<std::uint32_t>(p.integer("app_status", 0, 0, 255))) {}

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    std::string response = encode_end_request(request.id, app_status_);
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  std::uint32_t app_status_;
};

constexpr ParamInfo kParameters[] = {
    {"app_status", "0"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_end_before_stdout_behaviour{
    .name = "end_before_stdout",
    .protocol = Protocol::fastcgi,
    .summary = "END_REQUEST before any STDOUT (no output at all)",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<EndBeforeStdout>(p); },
};

}  // namespace badgateway::fakes
