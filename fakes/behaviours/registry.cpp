#include "fakes/behaviours/registry.hpp"

#include "fakes/behaviours/bad_chunked.hpp"
#include "fakes/behaviours/big_header.hpp"
#include "fakes/behaviours/blackhole.hpp"
#include "fakes/behaviours/close_after_request.hpp"
#include "fakes/behaviours/close_on_accept.hpp"
#include "fakes/behaviours/dribble.hpp"
#include "fakes/behaviours/duplicate_length.hpp"
#include "fakes/behaviours/fastcgi/bad_record_type.hpp"
#include "fakes/behaviours/fastcgi/bad_version.hpp"
#include "fakes/behaviours/fastcgi/big_header.hpp"
#include "fakes/behaviours/fastcgi/end_before_stdout.hpp"
#include "fakes/behaviours/fastcgi/invalid_header.hpp"
#include "fakes/behaviours/fastcgi/invalid_status.hpp"
#include "fakes/behaviours/fastcgi/killed.hpp"
#include "fakes/behaviours/fastcgi/not_running.hpp"
#include "fakes/behaviours/fastcgi/ok.hpp"
#include "fakes/behaviours/fastcgi/overload.hpp"
#include "fakes/behaviours/fastcgi/permission_denied.hpp"
#include "fakes/behaviours/fastcgi/stall.hpp"
#include "fakes/behaviours/fastcgi/stderr.hpp"
#include "fakes/behaviours/fastcgi/wrong_request_id.hpp"
#include "fakes/behaviours/flaky.hpp"
#include "fakes/behaviours/garbage.hpp"
#include "fakes/behaviours/keepalive_race.hpp"
#include "fakes/behaviours/ok.hpp"
#include "fakes/behaviours/overload.hpp"
#include "fakes/behaviours/refuse.hpp"
#include "fakes/behaviours/reset.hpp"
#include "fakes/behaviours/stall.hpp"
#include "fakes/behaviours/stall_body.hpp"
#include "fakes/behaviours/status.hpp"

namespace badgateway::fakes {
namespace {

constexpr Protocol http = Protocol::http;
constexpr Protocol fastcgi = Protocol::fastcgi;

constexpr BehaviourInfo kTable[] = {
    {"ok", http, "answers normally", "status=200, body_size=64 | body=TEXT, latency=0ms", make_ok},
    {"refuse", http, "nothing listening: connect() gets ECONNREFUSED", "", make_refuse},
    {"blackhole", http, "connect never completes (full listen backlog): connect timeout", "",
     make_blackhole},
    {"close_on_accept", http, "closes (FIN) as soon as the connection is accepted", "",
     make_close_on_accept},
    {"close_after_request", http, "reads the request, then closes (FIN) without a response byte",
     "delay=0ms", make_close_after_request},
    {"reset", http, "sends RST (SO_LINGER 0) at a chosen point",
     "at=accept|request|headers|body (request), body_size=4096, delay=0ms", make_reset},
    {"stall", http, "reads the request and never answers", "read_request=true, limit=60s",
     make_stall},
    {"stall_body", http, "sends the header block, never the body",
     "body_size=1024, body_sent=0, limit=60s", make_stall_body},
    {"dribble", http, "sends the response one byte every interval",
     "interval=50ms, body_size=16, what=all|body", make_dribble},
    {"garbage", http, "answers with bytes that are not HTTP", "payload=TEXT, read_request=true",
     make_garbage},
    {"big_header", http, "answers with a header block of `size` bytes", "size=8k", make_big_header},
    {"bad_chunked", http, "chunked body with invalid framing",
     "valid_chunks=1, gap=0ms, bad=\"zz\\r\\n\"", make_bad_chunked},
    {"duplicate_length", http, "answers with two Content-Length headers",
     "body_size=16, second=body_size", make_duplicate_length},
    {"status", http, "the upstream itself answers with an error status", "code=502, latency=0ms",
     make_status},
    {"keepalive_race", http, "keep-alive upstream that closes connections idle for idle_close",
     "idle_close=100ms, body_size=64", make_keepalive_race},
    {"overload", http, "serves at most `capacity` requests at once",
     "capacity=1, mode=refuse|reset|queue|status (status), latency=200ms, queue_timeout=30s",
     make_overload},
    {"flaky", http, "fails the first N connections, then answers normally",
     "failures=1, fail_with=close|reset, body_size=64", make_flaky},

    // FastCGI (fastcgi_pass): a PHP-FPM-like application; nginx always uses request id 1.
    {"ok", fastcgi, "answers normally (Status, Content-Type: text/html, body); honours keep_conn",
     "status=200, body_size=64 | body=TEXT, latency=0ms", make_fastcgi_ok},
    {"refuse", fastcgi, "nothing listening: ECONNREFUSED (unix: a stale socket file)", "",
     make_refuse},
    {"not_running", fastcgi,
     "no listener and no socket file: unix connect() gets ENOENT (TCP: refused)", "",
     make_fastcgi_not_running},
    {"permission_denied", fastcgi,
     "unix socket with a real file mode/owner: a non-root worker without write access gets EACCES",
     "mode=\"0600\", owner=root", make_fastcgi_permission_denied},
    {"stall", fastcgi, "reads the request and never answers", "limit=60s", make_fastcgi_stall},
    {"killed", fastcgi, "the worker dies mid-request without END_REQUEST",
     "when=before_output|after_headers|mid_body (before_output), how=close|reset (close), "
     "delay=0ms, body_size=1024, content_length=true, "
     "last_record=none|stdout_end|end_request (none)",
     make_fastcgi_killed},
    {"stderr", fastcgi, "STDERR record(s) (a PHP warning) before a normal 200",
     "message=\"PHP Warning:  Undefined variable $x in /var/www/index.php on line 3\", count=1, "
     "body_size=64",
     make_fastcgi_stderr},
    {"bad_version", fastcgi, "the first record header has another FastCGI version (72 = 'H')",
     "version=2", make_fastcgi_bad_version},
    {"bad_record_type", fastcgi, "the first record has a type nginx does not accept", "type=8",
     make_fastcgi_bad_record_type},
    {"wrong_request_id", fastcgi, "answers under another request id", "id=2",
     make_fastcgi_wrong_request_id},
    {"end_before_stdout", fastcgi, "END_REQUEST before any STDOUT (no output at all)",
     "app_status=0", make_fastcgi_end_before_stdout},
    {"invalid_status", fastcgi, "a Status header that does not start with 3 digits", "status=abc",
     make_fastcgi_invalid_status},
    {"big_header", fastcgi, "a CGI header block of `size` bytes (fastcgi_buffer_size is 4k)",
     "size=8k", make_fastcgi_big_header},
    {"invalid_header", fastcgi, "a line that is not a header before the header block",
     "line=\"Hello world\"", make_fastcgi_invalid_header},
    {"overload", fastcgi,
     "PHP-FPM pool: `capacity` workers; the rest wait unaccepted in a `backlog`-long queue, "
     "beyond it a unix connect() gets EAGAIN",
     "capacity=1, backlog=511, latency=200ms, body_size=64", make_fastcgi_overload},
};

}  // namespace

std::span<const BehaviourInfo> behaviour_table() {
  return kTable;
}

const BehaviourInfo* find_behaviour(std::string_view name, Protocol protocol) {
  for (const auto& info : kTable) {
    if (info.name == name && info.protocol == protocol) return &info;
  }
  return nullptr;
}

BehaviourPtr make_behaviour(const BehaviourInfo& info, Params& params) {
  BehaviourPtr behaviour = info.make(params);
  params.reject_unused();
  return behaviour;
}

}  // namespace badgateway::fakes
