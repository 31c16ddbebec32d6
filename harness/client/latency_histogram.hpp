#pragma once
// Latencies of any number of requests in constant memory, and their percentiles (issue 15):
// Boost.Histogram over log-spaced bins 1 % wide, from 1 us to 1 h.
#include <chrono>
#include <cstdint>
#include <optional>

#include <boost/histogram/axis/regular.hpp>
#include <boost/histogram/histogram.hpp>
#include <boost/histogram/unlimited_storage.hpp>

#include "fakes/base/units.hpp"
#include "harness/client/driver.hpp"

namespace badgateway {

// A request's latency: from its intended send time (an open-loop request's scheduled_at: the
// queueing a late client or a slow nginx causes is counted, no coordinated omission), else from
// when it was sent, to the end of the exchange. nullopt for an exchange that never ended (cut by
// the time limit).
std::optional<Micros> latency_of(const Response& r);

class LatencyHistogram {
 public:
  LatencyHistogram();
  // Records one latency (below 0 counts as 0; past 1 h in the overflow bin, still counted).
  void record(Micros latency);
  void merge(const LatencyHistogram& other);
  std::uint64_t count() const { return count_; }
  Micros max() const { return max_; }  // 0 when empty
  // The q-quantile (q in (0, 1]; 0.99 is p99) by nearest rank: the smallest recorded latency L
  // with at least ceil(q x count) of them at most L, given as the upper edge of L's bin (at most
  // 1 % above L, never below it), capped at max(). 0 when empty.
  Micros percentile(double q) const;
  // The same over the latencies recorded since `earlier`, a copy of this histogram taken before
  // (live metrics: the last second's percentiles). 0 when none.
  Micros percentile_since(const LatencyHistogram& earlier, double q) const;
  std::uint64_t count_since(const LatencyHistogram& earlier) const {
    return count_ - earlier.count_;
  }
  // How many latencies are at most `edge` (a Prometheus bucket's `le`), to the bin: a bin that
  // straddles `edge` counts when its middle is at most `edge`, so within 1 %.
  std::uint64_t count_at_most(Micros edge) const;

 private:
  // The rank-th smallest of the latencies counted by `at(bin)`, as percentile() gives it.
  template <typename At>
  Micros nth(std::uint64_t rank, const At& at) const;
  using Axis = boost::histogram::axis::regular<double, boost::histogram::axis::transform::log>;
  boost::histogram::histogram<std::tuple<Axis>, boost::histogram::unlimited_storage<>> hist_;
  std::uint64_t count_ = 0;
  Micros max_{0};
};

// The figures reports give of a set of latencies.
struct LatencySummary {
  std::uint64_t count = 0;
  Micros p50{0}, p90{0}, p99{0}, p999{0}, max{0};
};
LatencySummary summarize(const LatencyHistogram& h);

}  // namespace badgateway
