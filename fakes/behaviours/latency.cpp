#include "fakes/behaviours/latency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace badgateway::fakes {
namespace {

// A log-normal tail is unbounded; a draw past this would only hold a connection until the run
// ends, so it is cut here (the fake's pauses are cancelled at stop anyway).
constexpr Millis kMaxDraw{10 * 60 * 1000};

LatencyDistribution read_distribution(Params& p) {
  std::string name = p.choice("latency_distribution", "fixed", {"fixed", "uniform", "lognormal"});
  if (name == "uniform") return LatencyDistribution::uniform;
  if (name == "lognormal") return LatencyDistribution::lognormal;
  return LatencyDistribution::fixed;
}

void only_with(Params& p, std::string_view key, bool allowed, std::string_view distribution) {
  if (p.has(key) && !allowed) {
    throw ParamError(std::string(key),
                     fmt::format("only with latency_distribution = \"{}\"", distribution));
  }
}

}  // namespace

Latency::Latency(Params& p, Millis fallback)
    : distribution_(read_distribution(p)),
      base_(p.duration("latency", fallback)),
      jitter_(p.duration("latency_jitter", Millis(0))),
      rng_(static_cast<std::uint64_t>(p.integer("latency_seed", kDefaultLatencySeed, 0,
                                                std::numeric_limits<std::int64_t>::max()))) {
  only_with(p, "latency_max", distribution_ == LatencyDistribution::uniform, "uniform");
  only_with(p, "latency_p99", distribution_ == LatencyDistribution::lognormal, "lognormal");
  if (distribution_ == LatencyDistribution::uniform) {
    if (!p.has("latency_max"))
      throw ParamError("latency_distribution", "\"uniform\" needs latency_max (and latency)");
    max_ = p.duration("latency_max", Millis(0));
    if (max_ < base_) {
      throw ParamError("latency_max",
                       fmt::format("{}ms is below latency ({}ms)", max_.count(), base_.count()));
    }
  }
  if (distribution_ == LatencyDistribution::lognormal) {
    if (!p.has("latency_p99"))
      throw ParamError("latency_distribution", "\"lognormal\" needs latency_p99 (and latency)");
    Millis p99 = p.duration("latency_p99", Millis(0));
    if (base_ <= Millis(0))
      throw ParamError("latency", "is the median of a lognormal latency: must be above 0ms");
    if (p99 <= base_) {
      throw ParamError("latency_p99", fmt::format("{}ms must be above latency, the median ({}ms)",
                                                  p99.count(), base_.count()));
    }
    const double mu = std::log(static_cast<double>(base_.count()));
    const double sigma = (std::log(static_cast<double>(p99.count())) - mu) / kNormalZ99;
    lognormal_ = std::lognormal_distribution<double>(mu, sigma);
  }
}

Millis Latency::next() {
  Millis d = base_;
  switch (distribution_) {
    case LatencyDistribution::fixed:
      break;
    case LatencyDistribution::uniform:
      d = Millis(std::uniform_int_distribution<Millis::rep>(base_.count(), max_.count())(rng_));
      break;
    case LatencyDistribution::lognormal: {
      const double ms = std::min(lognormal_(rng_), static_cast<double>(kMaxDraw.count()));
      d = Millis(static_cast<Millis::rep>(std::llround(ms)));
      break;
    }
  }
  if (jitter_ > Millis(0))
    d += Millis(std::uniform_int_distribution<Millis::rep>(0, jitter_.count())(rng_));
  return std::min(d, kMaxDraw);
}

}  // namespace badgateway::fakes
