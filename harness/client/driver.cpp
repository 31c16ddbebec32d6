#include "harness/client/driver.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include "fakes/core/asio.hpp"
#include "fakes/core/connection.hpp"
#include "harness/client/exchange.hpp"
#include "harness/client/kernel_clock.hpp"

namespace badgateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using fakes::Task;
using fakes::use_tuple;
using Clock = std::chrono::steady_clock;

std::string build_request(const RequestSpec& spec, const std::string& id, bool keepalive) {
  // A scenario's own Host picks the server {} of a real config (server_name shop.example.com).
  bool has_host = std::any_of(spec.headers.begin(), spec.headers.end(),
                              [](const auto& h) { return beast::iequals(h.first, "host"); });
  std::string out = fmt::format("{} {} HTTP/1.1\r\n{}{}: {}\r\n{}", spec.method, spec.path,
                                has_host ? "" : "Host: badgateway\r\n", kRequestIdHeader, id,
                                keepalive ? "" : "Connection: close\r\n");
  bool has_length = false;
  for (const auto& [k, v] : spec.headers) {
    out += fmt::format("{}: {}\r\n", k, v);
    if (beast::iequals(k, "content-length")) has_length = true;
  }
  if (!has_length && (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT")) {
    out += fmt::format("Content-Length: {}\r\n", spec.body.size());
  }
  out += "\r\n";
  out += spec.body;
  return out;
}

bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_version).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more;
}

// Reads one response with recvmsg() so each segment brings the kernel's receive timestamp.
// Returns like http::async_read: an error code (beast::error::timeout at the deadline) and the
// number of bytes of this response received, those an earlier response's read left in `buffer`
// included.
Task<std::tuple<boost::system::error_code, std::size_t>> read_response(
    beast::tcp_stream& stream, beast::flat_buffer& buffer,
    http::response_parser<http::string_body>& parser, Clock::time_point deadline, bool stamping,
    std::optional<KernelTime>& first_sent, std::optional<KernelTime>& last_received) {
  auto& socket = stream.socket();
  // The deadline cancels the socket's wait. Not `wait || timer`: awaitable_operators spawn two
  // coroutines per wait, the client's largest cost per request at full speed (perf, issue 15).
  // The handler touches nothing once the timer is gone (destroyed: operation_aborted).
  asio::steady_timer timer(socket.get_executor());
  timer.expires_at(deadline);
  bool timed_out = false;
  timer.async_wait([&socket, &timed_out](const boost::system::error_code& e) {
    if (e) return;
    timed_out = true;
    boost::system::error_code ignored;
    socket.cancel(ignored);
  });
  // The segment that ended an interim (1xx) response may have brought this one, or all of it.
  std::size_t total = buffer.size();
  boost::system::error_code ec;
  // Parses what is buffered; true once the message is complete or unparseable.
  auto parse = [&] {
    while (buffer.size() > 0 && !parser.is_done()) {
      std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        return false;
      }
      if (ec) return true;
      if (used == 0) return false;
    }
    return parser.is_done();
  };
  // Parsed before any read: a response already whole in the buffer gets no more bytes, only the
  // FIN (read as an empty reply) or nothing until the deadline.
  if (total > 0 && parse()) co_return std::tuple{ec, total};
  for (;;) {
    auto space = buffer.prepare(64 * 1024);
    ssize_t n =
        receive_with_timestamp(socket.native_handle(), space.data(), space.size(), last_received);
    if (n > 0) {
      buffer.commit(static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
      if (parse()) break;
      continue;
    }
    if (n == 0) {  // the peer's FIN
      if (total == 0) {
        ec = http::error::end_of_stream;
      } else {
        parser.put_eof(ec);  // completes a body delimited by the close, else partial_message
      }
      break;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec.assign(errno, boost::system::system_category());
      break;
    }
    if (stamping) {  // a send timestamp queued late: take it, or it keeps POLLERR raised
      if (auto t = take_send_timestamp(socket.native_handle());
          t && (!first_sent || *t < *first_sent)) {
        first_sent = t;
      }
    }
    if (Clock::now() >= deadline) {
      ec = beast::error::timeout;
      break;
    }
    // Woken by data, FIN, RST, or a send timestamp arriving on the error queue (POLLERR).
    co_await socket.async_wait(asio::socket_base::wait_read, use_tuple);
    if (timed_out) {
      ec = beast::error::timeout;
      break;
    }
  }
  co_return std::tuple{ec, total};
}

// After a whole response to `Connection: close`, the server closes: wait (at most `limit`) for
// its FIN before closing our end, so that the server is the side that closed first and holds
// the TIME_WAIT. The client's ports then never sit in TIME_WAIT, which matters where ports are
// few (a run's network with a narrow net.ipv4.ip_local_port_range, a loaded CI machine).
Task<void> await_peer_close(beast::tcp_stream& stream, Millis limit) {
  auto& socket = stream.socket();
  asio::steady_timer timer(socket.get_executor());
  timer.expires_after(limit);
  char scratch[4096];
  for (;;) {
    ssize_t n = ::recv(socket.native_handle(), scratch, sizeof scratch, MSG_DONTWAIT);
    if (n == 0) co_return;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) co_return;
    if (n > 0) continue;  // bytes past the response: not ours to judge here
    // A late send timestamp raises POLLERR: take it, or the wait below wakes at once forever.
    (void)take_send_timestamp(socket.native_handle());
    using namespace asio::experimental::awaitable_operators;
    auto woke = co_await (socket.async_wait(asio::socket_base::wait_read, use_tuple) ||
                          timer.async_wait(use_tuple));
    if (woke.index() == 1) co_return;
  }
}

// Kernel time needs both ends: the end of a response that ended with FIN or RST and no byte after
// the last one read has no receive timestamp of its own. Otherwise the steady clock's figure
// (set when the exchange ended) stays, with why.
void record_clock(Response& out, const std::optional<KernelTime>& first_sent,
                  const std::optional<KernelTime>& last_received, bool complete, bool stamped,
                  const std::string& why_steady) {
  if (first_sent && last_received && complete && *last_received >= *first_sent) {
    out.elapsed = std::chrono::duration_cast<Micros>(*last_received - *first_sent);
    out.clock = "kernel";
  } else if (stamped) {
    out.clock = !first_sent      ? "steady: no send timestamp"
                : !last_received ? "steady: no byte received"
                : !complete      ? "steady: the response did not complete"
                                 : "steady: timestamps out of order";
  } else {
    out.clock = "steady: " + why_steady;
  }
}

// Status, signature, body and outcome from what the parser made of the bytes (`n` of them for
// the final response, `ec` how reading ended; `wec` how writing the request ended).
void record_result(Response& out, const http::response_parser<http::string_body>& parser,
                   const boost::system::error_code& ec, std::size_t n,
                   const beast::flat_buffer& buffer, const boost::system::error_code& wec) {
  if (parser.is_header_done()) {
    const auto& msg = parser.get();
    out.status = static_cast<int>(msg.result_int());
    if (auto it = msg.find(fakes::kFakeHeader); it != msg.end())
      out.fake = std::string(it->value());
    if (auto cl = parser.content_length()) out.content_length = *cl;
    out.body_bytes = msg.body().size();
    out.outcome = ec ? Outcome::truncated : Outcome::complete;
  } else if (n == 0 && buffer.size() == 0) {
    const bool timed_out = ec == beast::error::timeout;
    // After a 100 Continue the connection was not empty: the final response is what is missing.
    out.outcome = timed_out             ? Outcome::timeout
                  : out.interim.empty() ? Outcome::empty_reply
                                        : Outcome::truncated;
  } else {
    // The parser takes a status line it accepts before the rest of the head arrives: bytes gone
    // from the buffer were HTTP's, and what is left need not be the reply's start.
    std::string_view left(static_cast<const char*>(buffer.data().data()), buffer.size());
    const bool began_as_http = n > buffer.size() || left.starts_with("HTTP/");
    out.outcome = (is_parse_error(ec) || !began_as_http) ? Outcome::not_http : Outcome::truncated;
    out.body_bytes = n;
  }
  if (ec) out.error = ec.message();
  if (wec && out.outcome != Outcome::complete)
    out.error += fmt::format(" (write: {})", wec.message());
}

// Asio opens without SOCK_CLOEXEC; a copy of this socket in a process spawned meanwhile (the
// nginx of a parallel run) would outlive the exchange.
boost::system::error_code open_socket(beast::tcp_stream& stream,
                                      const asio::ip::tcp::endpoint& ep) {
  boost::system::error_code ec;
  const int fd = ::socket(ep.protocol().family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ec.assign(errno, boost::system::system_category());
  } else {
    stream.socket().assign(ep.protocol(), fd, ec);
    if (ec) ::close(fd);
  }
  return ec;
}

// Opens and connects conn's socket to `nginx` within spec.timeout, turning on kernel timestamps.
// On failure fills `out` (connect_failed or timeout, sent_at the connect attempt) and returns
// false.
Task<bool> connect(ClientConnection& conn, const fakes::Address& nginx, const RequestSpec& spec,
                   Response& out) {
  auto& stream = conn.stream;
  const auto start = Clock::now();
  out.sent_at = start;
  auto fail = [&](Outcome outcome, const boost::system::error_code& ec) {
    out.outcome = outcome;
    out.error = ec.message();
    out.ended_at = Clock::now();
    out.elapsed = std::chrono::duration_cast<Micros>(*out.ended_at - start);
    out.clock = "steady";
  };
  stream.expires_after(spec.timeout);
  asio::ip::tcp::endpoint ep(asio::ip::make_address(nginx.host), nginx.port);
  if (const boost::system::error_code oec = open_socket(stream, ep)) {
    fail(Outcome::connect_failed, oec);
    co_return false;
  }
  auto [cec] = co_await stream.async_connect(ep, use_tuple);
  if (cec) {
    fail(cec == beast::error::timeout ? Outcome::timeout : Outcome::connect_failed, cec);
    boost::system::error_code ignored;
    stream.socket().close(ignored);
    co_return false;
  }
  conn.open = true;
  out.connected = true;
  conn.exchanges = 0;
  conn.buffer.clear();
  if (conn.kernel_timestamps) {
    conn.stamped = enable_kernel_timestamps(stream.socket().native_handle());
    conn.why_steady = conn.stamped ? "" : fmt::format("SO_TIMESTAMPING: {}", std::strerror(errno));
  } else {
    conn.stamped = false;
    conn.why_steady = "kernel timestamps off";
  }
  co_return true;
}

// One request on the connected `conn` and its response, read and classified into `out`, all by
// `deadline`. Returns whether the connection may carry another request: the final response
// completed, and nginx neither said `Connection: close` nor switched protocols.
Task<bool> request_on(ClientConnection& conn, const RequestSpec& spec, Response& out,
                      bool keepalive, Clock::time_point deadline) {
  auto& stream = conn.stream;
  const int fd = stream.socket().native_handle();
  // Send timestamps of an earlier exchange on this connection must not be taken for this one's.
  if (conn.stamped && conn.exchanges > 0) (void)take_send_timestamp(fd);
  out.reused = conn.exchanges > 0;
  ++conn.exchanges;
  std::string request = build_request(spec, out.request_id, keepalive);
  const auto start = Clock::now();  // from here on elapsed time is the request's, not the connect's
  out.sent_at = start;
  stream.expires_at(deadline);
  auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(request), use_tuple);
  (void)wn;
  std::optional<KernelTime> first_sent;
  if (conn.stamped) first_sent = take_send_timestamp(fd);
  // A write error is not final: nginx may have answered before reading the whole body.
  // RFC 9110 15.2: any number of interim (1xx) responses may precede the final one (nginx sends
  // 100 Continue for `Expect: 100-continue`). Record each and read on. 101 ends HTTP on the
  // connection, so it is the last response there is.
  std::optional<http::response_parser<http::string_body>> parser;
  std::optional<KernelTime> last_received;
  boost::system::error_code ec;
  std::size_t n = 0;  // bytes of the last response read
  for (;;) {
    parser.emplace();
    parser->header_limit(1024 * 1024);
    parser->body_limit(256ull * 1024 * 1024);
    auto [rec, rn] = co_await read_response(stream, conn.buffer, *parser, deadline, conn.stamped,
                                            first_sent, last_received);
    ec = rec;
    n = rn;
    const unsigned status = parser->is_header_done() ? parser->get().result_int() : 0;
    if (ec || status < 100 || status > 199 || status == 101) break;
    out.interim.push_back(static_cast<int>(status));
  }
  out.ended_at = Clock::now();
  out.elapsed = std::chrono::duration_cast<Micros>(*out.ended_at - start);
  out.clock = "steady";
  if (conn.stamped) {
    if (auto t = take_send_timestamp(fd); t && (!first_sent || *t < *first_sent)) {
      first_sent = t;
    }
  }
  record_clock(out, first_sent, last_received, parser->is_done(), conn.stamped, conn.why_steady);
  record_result(out, *parser, ec, n, conn.buffer, wec);
  const bool whole = !ec && parser->is_done() && parser->get().result_int() != 101;
  co_return whole && parser->get().keep_alive();
}

// Ends conn's connection. After a whole response nginx closes first (see await_peer_close).
Task<void> end_connection(ClientConnection& conn, bool wait_for_peer, Clock::time_point deadline) {
  if (wait_for_peer) {
    co_await await_peer_close(
        conn.stream, std::min(Millis(250), std::chrono::duration_cast<Millis>(std::max(
                                               deadline - Clock::now(), Clock::duration::zero()))));
  }
  boost::system::error_code ignored;
  conn.stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  conn.stream.socket().close(ignored);
  conn.open = false;
}

}  // namespace

ClientConnection::ClientConnection(const boost::asio::any_io_executor& exec) : stream(exec) {}

Task<void> exchange(const fakes::Address& nginx, const RequestSpec& spec, Response& out) {
  ClientConnection conn(co_await asio::this_coro::executor);
  const auto deadline = Clock::now() + spec.timeout;
  if (!co_await connect(conn, nginx, spec, out)) co_return;
  co_await request_on(conn, spec, out, false, deadline);
  const bool whole = out.outcome == Outcome::complete && out.status != 101;
  co_await end_connection(conn, whole, deadline);
}

Task<void> exchange_keepalive(ClientConnection& conn, const fakes::Address& nginx,
                              const RequestSpec& spec, Response& out) {
  const auto deadline = Clock::now() + spec.timeout;
  if (!conn.open) {
    if (!co_await connect(conn, nginx, spec, out)) co_return;
  }
  if (co_await request_on(conn, spec, out, true, deadline)) co_return;
  // Not reusable: after a whole response (nginx said Connection: close) nginx closes first.
  const bool whole = out.outcome == Outcome::complete && out.status != 101;
  co_await end_connection(conn, whole, deadline);
}

namespace {

Task<void> worker(const fakes::Address& nginx, const RequestSpec& spec,
                  std::vector<Response>& responses, std::size_t& next, std::size_t end) {
  while (next < end) {
    Response& r = responses[next++];
    co_await exchange(nginx, spec, r);
  }
}

}  // namespace

std::vector<Response> send_requests(const fakes::Address& nginx,
                                    const std::vector<RequestSpec>& requests,
                                    const std::string& id_prefix,
                                    std::chrono::steady_clock::time_point deadline, bool* overran) {
  std::vector<Response> responses;
  for (const auto& spec : requests) {
    for (int i = 0; i < spec.count; ++i) {
      Response r;
      r.index = responses.size();
      r.request_id = fmt::format("{}-{}", id_prefix, r.index);
      r.method = spec.method;
      r.path = spec.path;
      responses.push_back(std::move(r));
    }
  }
  std::size_t next = 0;
  for (const auto& spec : requests) {
    asio::io_context io;
    std::size_t end = next + static_cast<std::size_t>(spec.count);
    asio::co_spawn(
        io,
        [&]() -> Task<void> {
          if (spec.delay.count() > 0) {
            asio::steady_timer gap(co_await asio::this_coro::executor, spec.delay);
            co_await gap.async_wait(use_tuple);
          }
          auto exec = co_await asio::this_coro::executor;
          for (int w = 0; w < std::min(spec.concurrency, spec.count); ++w) {
            asio::co_spawn(exec, worker(nginx, spec, responses, next, end), asio::detached);
          }
        },
        asio::detached);
    io.run_until(deadline);
    if (!io.stopped()) {
      // Over the time limit: destroying the io_context closes the sockets still open.
      // The exchanges cut short keep their initial Outcome::timeout.
      if (overran) *overran = true;
      break;
    }
    next = end;
  }
  return responses;
}

}  // namespace badgateway
