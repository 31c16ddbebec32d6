#pragma once
// How long a behaviour waits before each answer: fixed (with optional jitter), uniform between
// two bounds, or log-normal from a median and a p99 (issue 13: teaching timeout tuning needs an
// upstream whose slow tail is real, not a constant). Draws are seeded, so that a run repeats.
#include <cstdint>
#include <random>

#include "fakes/core/params.hpp"

namespace badgateway::fakes {

enum class LatencyDistribution { fixed, uniform, lognormal };

// z of the standard normal's 0.99 quantile: sigma = (ln p99 - ln median) / z.
inline constexpr double kNormalZ99 = 2.3263478740;

// The default seed of every fake's draws: two fakes with the same parameters and no
// latency_seed draw the same sequence (give each its own latency_seed to decorrelate them).
inline constexpr std::int64_t kDefaultLatencySeed = 1;

class Latency {
 public:
  // Reads latency (the fixed delay; the median of a lognormal one; the lower bound of a uniform
  // one), latency_jitter (0..jitter added to every draw), latency_distribution, latency_max
  // (uniform only), latency_p99 (lognormal only) and latency_seed. Throws ParamError.
  Latency(Params& p, Millis fallback);
  // Always `fixed`.
  explicit Latency(Millis fixed) : base_(fixed) {}

  // One draw. Not thread-safe: a fake's behaviours run on its one I/O thread.
  Millis next();

  LatencyDistribution distribution() const { return distribution_; }

 private:
  LatencyDistribution distribution_ = LatencyDistribution::fixed;
  Millis base_{0};
  Millis jitter_{0};
  Millis max_{0};
  std::lognormal_distribution<double> lognormal_;
  std::mt19937_64 rng_;
};

// The parameters Latency reads, for a behaviour's table: `latency` with `fallback` as its
// default ("0ms", "200ms") and the five that shape it.
// clang-format off
#define BADGATEWAY_LATENCY_PARAMETERS(fallback)                                      \
  {"latency", fallback},                                                             \
  {"latency_distribution", "fixed", "fixed|uniform|lognormal"},                      \
  {"latency_jitter", "0ms"},                                                         \
  {.name = "latency_max", .values = "DURATION (uniform)"},                           \
  {.name = "latency_p99", .values = "DURATION (lognormal)"},                         \
  {"latency_seed", "1"}
// clang-format on

}  // namespace badgateway::fakes
