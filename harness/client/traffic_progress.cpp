#include "harness/client/traffic_progress.hpp"

namespace badgateway {

void TrafficProgress::record(int status) {
  std::lock_guard lock(mutex_);
  ++totals_.by_status[status];
}

void TrafficProgress::record(const Response& r) {
  const std::optional<Micros> latency = latency_of(r);
  std::lock_guard lock(mutex_);
  ++totals_.by_status[r.status];
  ++totals_.by_outcome[r.outcome];
  if (latency) {
    totals_.latency.record(*latency);
    totals_.latency_sum_seconds += static_cast<double>(latency->count()) / 1e6;
  }
}

std::map<int, std::uint64_t> TrafficProgress::counts() const {
  std::lock_guard lock(mutex_);
  return totals_.by_status;
}

TrafficTotals TrafficProgress::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

}  // namespace badgateway
