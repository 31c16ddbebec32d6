// Chunked framing that breaks after `valid_chunks` good chunks: "upstream sent invalid chunked
// response". The status line is already on its way, so the client sees 200 then a cut.
#include "fakes/behaviours/registry.hpp"

#include <fmt/format.h>

#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {
namespace {

class BadChunked final : public Behaviour {
 public:
  explicit BadChunked(Params& p)
      : valid_chunks_(p.integer("valid_chunks", 1, 0, 1000)),
        gap_(p.duration("gap", Millis(0))),
        bad_(p.text("bad", "zz\r\n")) {}

  Task<void> serve(Connection& c) override {
    if (!co_await c.read_request()) co_return;
    std::string out = c.response_head(200, {{"Transfer-Encoding", "chunked"}}, std::nullopt);
    std::string chunk = make_body(32);
    for (std::int64_t i = 0; i < valid_chunks_; ++i)
      out += fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk);
    if (!co_await c.write(out)) co_return;
    co_await c.pause(gap_);
    co_await c.write(bad_);
    c.close();
  }

 private:
  std::int64_t valid_chunks_;
  Millis gap_;
  std::string bad_;
};

constexpr ParamInfo kParameters[] = {
    {"valid_chunks", "1"},
    {"gap", "0ms"},
    {"bad", R"("zz\r\n")"},
};

}  // namespace

extern constexpr BehaviourInfo bad_chunked_behaviour{
    .name = "bad_chunked",
    .protocol = Protocol::http,
    .summary = "chunked body with invalid framing",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<BadChunked>(p); },
};

}  // namespace badgateway::fakes
