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

namespace {

std::uint64_t rank_of(double q, std::uint64_t count) {
  q = std::clamp(q, 0.0, 1.0);
  return std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count) - 1e-9)));
}

}  // namespace

template <typename At>
Micros LatencyHistogram::nth(std::uint64_t rank, const At& at) const {
  const auto& axis = hist_.axis();
  std::uint64_t seen = 0;
  // Underflow (-1), the bins, then overflow (size()).
  for (int i = -1; i <= axis.size(); ++i) {
    seen += at(i);
    if (seen < rank) continue;
    if (i == axis.size()) return max_;
    const double upper = i < 0 ? kLowest : axis.bin(i).upper();
    return std::min(max_, Micros(static_cast<Micros::rep>(std::ceil(upper))));
  }
  return max_;
}

Micros LatencyHistogram::percentile(double q) const {
  if (count_ == 0) return Micros(0);
  return nth(rank_of(q, count_), [this](int i) { return static_cast<std::uint64_t>(hist_.at(i)); });
}

Micros LatencyHistogram::percentile_since(const LatencyHistogram& earlier, double q) const {
  const std::uint64_t n = count_since(earlier);
  if (n == 0) return Micros(0);
  return nth(rank_of(q, n), [&](int i) {
    return static_cast<std::uint64_t>(hist_.at(i)) -
           static_cast<std::uint64_t>(earlier.hist_.at(i));
  });
}

std::uint64_t LatencyHistogram::count_at_most(Micros edge) const {
  const auto& axis = hist_.axis();
  const auto e = static_cast<double>(edge.count());
  std::uint64_t n = e >= kLowest ? static_cast<std::uint64_t>(hist_.at(-1)) : 0;
  for (int i = 0; i < axis.size(); ++i) {
    const auto bin = axis.bin(i);
    if (std::sqrt(bin.lower() * bin.upper()) > e) break;  // the log axis' middle
    n += static_cast<std::uint64_t>(hist_.at(i));
  }
  return n;
}

LatencySummary summarize(const LatencyHistogram& h) {
  return {h.count(),          h.percentile(0.5),   h.percentile(0.9),
          h.percentile(0.99), h.percentile(0.999), h.max()};
}

}  // namespace badgateway
