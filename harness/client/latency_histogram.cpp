#include "harness/client/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace badgateway {
namespace {

constexpr double kLowest = 1.0;            // us: below it, the underflow bin
constexpr double kHighest = 3600.0 * 1e6;  // us: 1 h; at and above it, the overflow bin
// ln(3.6e9) / ln(1.01) = 2211 bins of 1 % each: 18 KB of counters at most.
constexpr unsigned kBins = 2211;

}  // namespace

std::optional<Micros> latency_of(const Response& r) {
  if (!r.ended_at) return std::nullopt;
  const auto from = r.scheduled_at ? r.scheduled_at : r.sent_at;
  if (!from) return std::nullopt;
  return std::max(Micros(0), std::chrono::duration_cast<Micros>(*r.ended_at - *from));
}

LatencyHistogram::LatencyHistogram() : hist_(std::make_tuple(Axis(kBins, kLowest, kHighest))) {}

void LatencyHistogram::record(Micros latency) {
  latency = std::max(latency, Micros(0));
  hist_(static_cast<double>(latency.count()));
  ++count_;
  max_ = std::max(max_, latency);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  hist_ += other.hist_;
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

Micros LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return Micros(0);
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_) - 1e-9)));
  const auto& axis = hist_.axis();
  std::uint64_t seen = 0;
  // Underflow (-1), the bins, then overflow (size()).
  for (int i = -1; i <= axis.size(); ++i) {
    seen += static_cast<std::uint64_t>(hist_.at(i));
    if (seen < rank) continue;
    if (i == axis.size()) return max_;
    const double upper = i < 0 ? kLowest : axis.bin(i).upper();
    return std::min(max_, Micros(static_cast<Micros::rep>(std::ceil(upper))));
  }
  return max_;
}

LatencySummary summarize(const LatencyHistogram& h) {
  return {h.count(),          h.percentile(0.5),   h.percentile(0.9),
          h.percentile(0.99), h.percentile(0.999), h.max()};
}

}  // namespace badgateway
