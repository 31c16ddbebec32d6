// A normal response whose first record has another type (8 = DATA by default): nginx accepts
// only STDOUT, STDERR and END_REQUEST, so 502 "upstream sent invalid FastCGI record type: N".
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class BadRecordType final : public FastcgiResponder {
 public:
  explicit BadRecordType(Params& p)
      : type_(static_cast<std::uint8_t>(p.integer("type", 8, 0, 255))) {
    if (type_ == 6 || type_ == 7)
      throw ParamError("type", "6 (STDOUT) and 7 (STDERR) are valid here");
  }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    std::string response = fastcgi_response(request.id, cgi_page(c, 200, make_body(64)));
    response[1] = static_cast<char>(type_);  // byte 1 of the first record header
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  std::uint8_t type_;
};

constexpr ParamInfo kParameters[] = {
    {"type", "8"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_bad_record_type_behaviour{
    .name = "bad_record_type",
    .protocol = Protocol::fastcgi,
    .summary = "the first record has a type nginx does not accept",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<BadRecordType>(p); },
};

}  // namespace badgateway::fakes
