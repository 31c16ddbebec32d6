#pragma once
// Responses of a phase's [[traffic]] counted as they end, for a live status line and live
// metrics: run_traffic() records each one on its I/O thread while another thread reads the
// counts so far. Recording only increments counters under a short lock; readers copy.
#include <cstdint>
#include <map>
#include <mutex>

#include "harness/client/latency_histogram.hpp"
#include "harness/client/outcome.hpp"

namespace badgateway {

// Everything counted so far (metrics/): cumulative, like Prometheus counters.
struct TrafficTotals {
  std::map<int, std::uint64_t> by_status;  // 0: none
  std::map<Outcome, std::uint64_t> by_outcome;
  LatencyHistogram latency;  // of the responses that ended (latency_of)
  double latency_sum_seconds = 0;
};

class TrafficProgress {
 public:
  // One response ended with `status` (0: none: no status line arrived). Thread-safe.
  void record(int status);
  // One exchange ended: its status, outcome and latency. Thread-safe.
  void record(const Response& r);
  // The counts so far by status (0 for none). Thread-safe; a copy.
  std::map<int, std::uint64_t> counts() const;
  // All of it. Thread-safe; a copy (the histogram: a few KiB).
  TrafficTotals totals() const;

 private:
  mutable std::mutex mutex_;
  TrafficTotals totals_;
};

}  // namespace badgateway
