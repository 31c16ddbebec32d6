// Two Content-Length headers. nginx 1.22 takes the last one and answers 200; 1.23+ rejects the
// response: "upstream sent duplicate header line" -> 502.
#include "fakes/behaviours/registry.hpp"

#include <fmt/format.h>

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class DuplicateLength final : public Behaviour {
 public:
  explicit DuplicateLength(Params& p)
      : body_size_(p.size("body_size", 16)), second_(p.size("second", body_size_)) {}

  Task<void> serve(Connection& c) override {
    if (!co_await c.read_request()) co_return;
    HeaderList headers{{"Content-Length", fmt::format("{}", body_size_)},
                       {"Content-Length", fmt::format("{}", second_)}};
    co_await c.write(c.response_head(200, headers, std::nullopt) + make_body(body_size_));
    c.close();
  }

 private:
  std::uint64_t body_size_;
  std::uint64_t second_;
};

constexpr ParamInfo kParameters[] = {
    {"body_size", "16"},
    {"second", "body_size"},
};

}  // namespace

extern constexpr BehaviourInfo duplicate_length_behaviour{
    .name = "duplicate_length",
    .protocol = Protocol::http,
    .summary = "answers with two Content-Length headers",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<DuplicateLength>(p); },
};

}  // namespace badgateway::fakes
