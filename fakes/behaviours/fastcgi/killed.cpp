// The PHP-FPM worker dies mid-request (segfault, OOM kill, request_terminate_timeout) without
// sending END_REQUEST. What nginx 1.22 makes of it (observed) depends on how far the output got:
//   before_output   502 "upstream prematurely closed connection while reading response header
//                   from upstream" (how=reset: "recv() failed (104: Connection reset by peer)")
//   after_headers,  the 200 header is already relayed, so never a 502 page:
//   mid_body        - fastcgi_keep_conn off: the close is taken as the end of the response, no log
//                     line. Without Content-Length the client sees a complete-looking, truncated
//                     200; with it (the default) the client gets fewer bytes than announced, and a
//                     keep-alive client then waits for the rest until its own timeout.
//                   - fastcgi_keep_conn on: "upstream prematurely closed connection while reading
//                     upstream", client connection closed after the partial body.
// last_record: what the worker still managed to send before dying. stdout_end (the empty STDOUT
// record) short of Content-Length: "upstream prematurely closed FastCGI stdout"; end_request:
// "upstream prematurely closed FastCGI request" (both "while reading upstream", or for
// stdout_end before any output "... while reading response header from upstream").
#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

class Killed final : public FastcgiResponder {
 public:
  explicit Killed(Params& p)
      : when_(p.choice("when", "before_output", {"before_output", "after_headers", "mid_body"})),
        how_(p.choice("how", "close", {"close", "reset"})),
        delay_(p.duration("delay", Millis(0))),
        body_size_(p.size("body_size", 1024)),
        content_length_(p.boolean("content_length", true)),
        last_record_(p.choice("last_record", "none", {"none", "stdout_end", "end_request"})) {
    if (body_size_ < 2) throw ParamError("body_size", "must be at least 2 (half of it is sent)");
  }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    std::string out;
    if (when_ != "before_output") {
      HeaderList headers{{"Content-Type", "text/html"}};
      if (content_length_) headers.emplace_back("Content-Length", std::to_string(body_size_));
      std::string output = cgi_head(c, 200, headers);
      if (when_ == "mid_body") output += make_body(body_size_ / 2);
      out = encode_stream(RecordType::stdout_, request.id, output);
    }
    if (last_record_ == "stdout_end") out += encode_record(RecordType::stdout_, request.id, "");
    if (last_record_ == "end_request") out += encode_end_request(request.id, 0);
    if (!out.empty()) {
      bool written = co_await c.write(out);
      if (!written) co_return false;
    }
    co_await c.pause(delay_);
    if (how_ == "reset") {
      c.reset();
    } else {
      c.close();
    }
    co_return false;
  }

 private:
  std::string when_;
  std::string how_;
  Millis delay_;
  std::uint64_t body_size_;
  bool content_length_;
  std::string last_record_;
};

constexpr ParamInfo kParameters[] = {
    {"when", "before_output", "before_output|after_headers|mid_body"},
    {"how", "close", "close|reset"},
    {"delay", "0ms"},
    {"body_size", "1024"},
    {"content_length", "true"},
    {"last_record", "none", "none|stdout_end|end_request"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_killed_behaviour{
    .name = "killed",
    .protocol = Protocol::fastcgi,
    .summary = "the worker dies mid-request without END_REQUEST",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<Killed>(p); },
};

}  // namespace badgateway::fakes
