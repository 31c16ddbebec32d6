// The application ends the request without writing anything: END_REQUEST is the first record.
// nginx: 502 "upstream sent unexpected FastCGI record: 3".
#include "fakes/behaviours/fastcgi/end_before_stdout.hpp"

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

}  // namespace

BehaviourPtr make_fastcgi_end_before_stdout(Params& p) {
  return std::make_unique<EndBeforeStdout>(p);
}

}  // namespace badgateway::fakes
