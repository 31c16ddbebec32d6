#include "harness/client/traffic.hpp"

#include <cmath>
#include <deque>
#include <memory>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "harness/client/exchange.hpp"

namespace badgateway {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using fakes::Task;
using fakes::use_tuple;

// Every response of the run, in the order its request started. A deque: the exchanges still
// going hold references to their entries while new ones are appended.
struct Log : TrafficSink {
  std::deque<Response> responses;
  std::string id_prefix;
  TrafficProgress* progress = nullptr;  // the live status line's counts, when shown
  Response& begin() override {
    Response& r = responses.emplace_back();
    r.index = responses.size() - 1;
    r.request_id = fmt::format("{}-t{}", id_prefix, r.index);
    return r;
  }
  void done(Response& r) override {
    if (progress) progress->record(r);
  }
};

// A stream as it runs: which request comes next, and (open loop, keep-alive) its idle
// connections.
struct Stream {
  const TrafficSpec& spec;
  MixChooser chooser;
  std::vector<std::unique_ptr<ClientConnection>> idle;
  bool kernel_timestamps = true;  // on its keep-alive connections
  Stream(const TrafficSpec& s, bool stamps)
      : spec(s), chooser(weights(s)), kernel_timestamps(stamps) {}
  static std::vector<int> weights(const TrafficSpec& s) {
    std::vector<int> w;
    for (const auto& e : s.mix) w.push_back(e.weight);
    return w;
  }
  // The next request's spec, with `r` set to name it.
  const RequestSpec& next(Response& r) {
    const RequestSpec* spec_ = &spec.request;
    if (!spec.mix.empty()) {
      const std::size_t i = chooser.next();
      r.mix_entry = i;
      spec_ = &spec.mix[i].request;
    }
    r.method = spec_->method;
    r.path = spec_->path;
    return *spec_;
  }
};

// One open-loop request on a pooled connection, given back to the pool when nginx keeps it.
Task<void> pooled_exchange(const fakes::Address& nginx, Stream& stream, const RequestSpec& request,
                           std::unique_ptr<ClientConnection> conn, TrafficSink& sink, Response& r) {
  co_await exchange_keepalive(*conn, nginx, request, r);
  if (conn->open) stream.idle.push_back(std::move(conn));
  sink.done(r);
}

Task<void> single_exchange(const fakes::Address& nginx, const RequestSpec& request,
                           TrafficSink& sink, Response& r) {
  co_await exchange(nginx, request, r);
  sink.done(r);
}

// The k-th request of an open-loop stream is due at start + k / rate, whenever the earlier ones
// end: a timer per arrival, each exchange on its own coroutine.
Task<void> open_loop(const fakes::Address& nginx, Stream& stream, Clock::time_point start,
                     TrafficSink& sink) {
  const TrafficSpec& spec = stream.spec;
  auto exec = co_await asio::this_coro::executor;
  asio::steady_timer timer(exec);
  const std::size_t n = spec.scheduled();
  for (std::size_t k = 0; k < n; ++k) {
    // Rounded to the nanosecond: k / rate in floating point can land a hair before k x 20 ms.
    const auto due =
        start + spec.start +
        std::chrono::nanoseconds(std::llround(static_cast<double>(k) * 1e9 / spec.rate));
    timer.expires_at(due);
    co_await timer.async_wait(use_tuple);
    Response& r = sink.begin();
    r.scheduled_at = due;
    const RequestSpec& request = stream.next(r);
    if (!spec.keepalive) {
      asio::co_spawn(exec, single_exchange(nginx, request, sink, r), asio::detached);
      continue;
    }
    std::unique_ptr<ClientConnection> conn;
    if (stream.idle.empty()) {
      conn = std::make_unique<ClientConnection>(exec);
      conn->kernel_timestamps = stream.kernel_timestamps;
    } else {
      conn = std::move(stream.idle.back());
      stream.idle.pop_back();
    }
    asio::co_spawn(exec, pooled_exchange(nginx, stream, request, std::move(conn), sink, r),
                   asio::detached);
  }
}

// One closed-loop client: its next request as soon as its last one ended, until the stream's end.
// With keep-alive all on one connection, opened again whenever nginx closed it.
Task<void> closed_loop_client(const fakes::Address& nginx, Stream& stream, Clock::time_point start,
                              TrafficSink& sink) {
  const TrafficSpec& spec = stream.spec;
  auto exec = co_await asio::this_coro::executor;
  asio::steady_timer timer(exec, start + spec.start);
  co_await timer.async_wait(use_tuple);
  const auto end = start + spec.start + spec.duration;
  ClientConnection conn(exec);
  conn.kernel_timestamps = stream.kernel_timestamps;
  while (Clock::now() < end) {
    Response& r = sink.begin();
    const RequestSpec& request = stream.next(r);
    if (spec.keepalive) {
      co_await exchange_keepalive(conn, nginx, request, r);
    } else {
      co_await exchange(nginx, request, r);
    }
    sink.done(r);
  }
}

}  // namespace

std::size_t TrafficSpec::scheduled() const {
  if (loop != Loop::open || rate <= 0) return 0;
  // The small epsilon keeps 50/s x 3s at 150 when the product is 149.99999...
  return static_cast<std::size_t>(
      std::floor(rate * std::chrono::duration<double>(duration).count() + 1e-9));
}

void run_streams_stamped(const fakes::Address& nginx, const std::vector<TrafficSpec>& streams,
                         TrafficSink& sink, Clock::time_point start, Clock::time_point deadline,
                         bool* overran, bool kernel_timestamps) {
  asio::io_context io;
  // After io: destroyed first, so pooled connections close while their io_context lives.
  std::deque<Stream> running;
  for (const auto& spec : streams) {
    Stream& stream = running.emplace_back(spec, kernel_timestamps);
    if (spec.loop == TrafficSpec::Loop::open) {
      asio::co_spawn(io, open_loop(nginx, stream, start, sink), asio::detached);
    } else {
      for (int c = 0; c < spec.clients; ++c) {
        asio::co_spawn(io, closed_loop_client(nginx, stream, start, sink), asio::detached);
      }
    }
  }
  io.run_until(deadline);
  // Over the time limit: destroying the io_context closes the sockets still open; the
  // exchanges cut short keep their initial Outcome::timeout.
  if (!io.stopped() && overran) *overran = true;
}

void run_streams(const fakes::Address& nginx, const std::vector<TrafficSpec>& streams,
                 TrafficSink& sink, Clock::time_point start, Clock::time_point deadline,
                 bool* overran) {
  run_streams_stamped(nginx, streams, sink, start, deadline, overran, true);
}

std::vector<Response> run_traffic(const fakes::Address& nginx,
                                  const std::vector<TrafficSpec>& streams,
                                  const std::string& id_prefix, Clock::time_point start,
                                  Clock::time_point deadline, bool* overran,
                                  TrafficProgress* progress) {
  Log log;
  log.id_prefix = id_prefix;
  log.progress = progress;
  run_streams(nginx, streams, log, start, deadline, overran);
  return {std::make_move_iterator(log.responses.begin()),
          std::make_move_iterator(log.responses.end())};
}

}  // namespace badgateway
