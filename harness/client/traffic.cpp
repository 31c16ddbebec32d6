#include "harness/client/traffic.hpp"

#include <cmath>
#include <deque>

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
struct Log {
  std::deque<Response> responses;
  std::string id_prefix;
  TrafficProgress* progress = nullptr;
  void ended(const Response& r) {
    if (progress) progress->record(r.status);
  }
  Response& next(const RequestSpec& spec) {
    Response& r = responses.emplace_back();
    r.index = responses.size() - 1;
    r.request_id = fmt::format("{}-t{}", id_prefix, r.index);
    r.method = spec.method;
    r.path = spec.path;
    return r;
  }
};

// The k-th request of an open-loop stream is due at start + k / rate, whenever the earlier ones
// end: a timer per arrival, each exchange on its own coroutine.
Task<void> open_loop(const fakes::Address& nginx, const TrafficSpec& spec, Clock::time_point start,
                     Log& log) {
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
    Response& r = log.next(spec.request);
    r.scheduled_at = due;
    asio::co_spawn(exec, exchange(nginx, spec.request, r),
                   [&log, &r](const std::exception_ptr&) { log.ended(r); });
  }
}

// One closed-loop client: its next request as soon as its last one ended, until the stream's end.
Task<void> closed_loop_client(const fakes::Address& nginx, const TrafficSpec& spec,
                              Clock::time_point start, Log& log) {
  auto exec = co_await asio::this_coro::executor;
  asio::steady_timer timer(exec, start + spec.start);
  co_await timer.async_wait(use_tuple);
  const auto end = start + spec.start + spec.duration;
  while (Clock::now() < end) {
    Response& r = log.next(spec.request);
    co_await exchange(nginx, spec.request, r);
    log.ended(r);
  }
}

}  // namespace

std::size_t TrafficSpec::scheduled() const {
  if (loop != Loop::open || rate <= 0) return 0;
  // The small epsilon keeps 50/s x 3s at 150 when the product is 149.99999...
  return static_cast<std::size_t>(
      std::floor(rate * std::chrono::duration<double>(duration).count() + 1e-9));
}

std::vector<Response> run_traffic(const fakes::Address& nginx,
                                  const std::vector<TrafficSpec>& streams,
                                  const std::string& id_prefix, Clock::time_point start,
                                  Clock::time_point deadline, bool* overran,
                                  TrafficProgress* progress) {
  Log log;
  log.id_prefix = id_prefix;
  log.progress = progress;
  {
    asio::io_context io;
    for (const auto& spec : streams) {
      if (spec.loop == TrafficSpec::Loop::open) {
        asio::co_spawn(io, open_loop(nginx, spec, start, log), asio::detached);
      } else {
        for (int c = 0; c < spec.clients; ++c) {
          asio::co_spawn(io, closed_loop_client(nginx, spec, start, log), asio::detached);
        }
      }
    }
    io.run_until(deadline);
    // Over the time limit: destroying the io_context closes the sockets still open; the
    // exchanges cut short keep their initial Outcome::timeout.
    if (!io.stopped() && overran) *overran = true;
  }
  return {std::make_move_iterator(log.responses.begin()),
          std::make_move_iterator(log.responses.end())};
}

}  // namespace badgateway
