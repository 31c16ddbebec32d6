#pragma once
// Traffic over time: a constant arrival rate for a duration (open loop) or N clients sending back
// to back (closed loop). The one load component of issues 13 (timelines) and 15 (load): a
// scenario's [[traffic]] streams run here, beside its timeline. Each exchange is the driver's
// (driver.hpp): same request, same outcome classification, same elapsed time.
#include <chrono>
#include <string>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "harness/client/driver.hpp"
#include "harness/client/request.hpp"
#include "harness/client/request_mix.hpp"
#include "harness/client/traffic_progress.hpp"

namespace badgateway {

struct TrafficSpec {
  enum class Loop { open, closed };
  Loop loop = Loop::open;
  // Open loop: requests per second, each sent at its scheduled time whatever the earlier ones
  // are doing (so a slow nginx does not slow the arrivals down: no coordinated omission).
  double rate = 0;
  // Closed loop: this many clients, each sending its next request when its last one ended.
  int clients = 0;
  Millis start{0};     // offset from the start of traffic
  Millis duration{0};  // open loop: requests scheduled in [start, start + duration); closed
                       // loop: a client starts no request after start + duration
  // method, path, headers, body and timeout (count, concurrency and delay do not apply).
  RequestSpec request;
  // Instead of `request`: several, chosen by weight (request_mix.hpp); each takes the stream's
  // timeout. Response::mix_entry says which one a response answered.
  std::vector<MixEntry> mix;
  // Keep-alive: closed loop, each client keeps one connection and reconnects when nginx closes
  // it; open loop, a pool of idle connections, and a request due while every one is busy opens
  // a new one (arrivals never wait). Otherwise a new connection per request (Connection: close).
  bool keepalive = false;

  // How many requests an open-loop stream schedules: floor(rate x duration).
  std::size_t scheduled() const;
};

// Where a run's responses go: run_traffic keeps every one; the load command only counts them.
class TrafficSink {
 public:
  virtual ~TrafficSink() = default;
  // A Response for the next request to start, with index and request_id set; it stays valid
  // (and is not handed out again) until done() is called with it.
  virtual Response& begin() = 0;
  // The exchange ended; `r` is complete.
  virtual void done(Response& r) = 0;
};

// Runs every stream at once from `start` into `sink`; see run_traffic for the rest.
void run_streams(const fakes::Address& nginx, const std::vector<TrafficSpec>& streams,
                 TrafficSink& sink, std::chrono::steady_clock::time_point start,
                 std::chrono::steady_clock::time_point deadline, bool* overran);

// Runs every stream at once from `start` (the start of traffic, steady clock) and returns every
// response, in the order the requests were started; request ids are "ID_PREFIX-tN" (N from 0).
// Each Response has sent_at and ended_at (steady clock; see driver.hpp); an open-loop one also
// scheduled_at. Stops at `deadline` with the exchanges still open closed and `overran` set (when
// given). Each response that ends is counted in `progress` (when given), read live by another
// thread. Call it from a thread in the run's network namespace. Throws only std::bad_alloc.
std::vector<Response> run_traffic(
    const fakes::Address& nginx, const std::vector<TrafficSpec>& streams,
    const std::string& id_prefix, std::chrono::steady_clock::time_point start,
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max(),
    bool* overran = nullptr, TrafficProgress* progress = nullptr);

}  // namespace badgateway
