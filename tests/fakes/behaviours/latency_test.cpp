#include "fakes/behaviours/latency.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using badgateway::Millis;
using badgateway::fakes::Latency;
using badgateway::fakes::ParamError;
using badgateway::fakes::Params;

namespace {

// 10,000 draws, sorted.
std::vector<Millis::rep> sample(Params p) {
  Latency latency(p, Millis(0));
  p.reject_unused();
  std::vector<Millis::rep> out;
  for (int i = 0; i < 10'000; ++i) out.push_back(latency.next().count());
  std::sort(out.begin(), out.end());
  return out;
}

Millis::rep quantile(const std::vector<Millis::rep>& sorted, double q) {
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

std::string error_of(Params p) {
  try {
    Latency latency(p, Millis(0));
    p.reject_unused();
  } catch (const ParamError& e) {
    return e.key() + ": " + e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("latency: a plain latency is fixed, as before") {
  auto s = sample(Params({{"latency", std::string("100ms")}}));
  CHECK(s.front() == 100);
  CHECK(s.back() == 100);
}

TEST_CASE("latency: jitter adds 0..jitter, spread over the range") {
  auto s =
      sample(Params({{"latency", std::string("100ms")}, {"latency_jitter", std::string("20ms")}}));
  CHECK(s.front() >= 100);
  CHECK(s.back() <= 120);
  CHECK(s.front() <= 101);  // 10,000 draws over 21 values reach both ends
  CHECK(s.back() >= 119);
  CHECK(quantile(s, 0.5) >= 108);
  CHECK(quantile(s, 0.5) <= 112);
}

TEST_CASE("latency: uniform stays within latency..latency_max") {
  auto s = sample(Params({{"latency", std::string("50ms")},
                          {"latency_distribution", std::string("uniform")},
                          {"latency_max", std::string("150ms")}}));
  CHECK(s.front() >= 50);
  CHECK(s.back() <= 150);
  CHECK(s.front() <= 52);
  CHECK(s.back() >= 148);
  CHECK(quantile(s, 0.5) >= 95);
  CHECK(quantile(s, 0.5) <= 105);
}

TEST_CASE("latency: lognormal has the median and the p99 it was given") {
  auto s = sample(Params({{"latency", std::string("200ms")},
                          {"latency_distribution", std::string("lognormal")},
                          {"latency_p99", std::string("1500ms")}}));
  // Sampling error at n = 10,000: about 1.5 % at the median, 6 % at the p99.
  CHECK(quantile(s, 0.5) >= 190);
  CHECK(quantile(s, 0.5) <= 210);
  CHECK(quantile(s, 0.99) >= 1300);
  CHECK(quantile(s, 0.99) <= 1700);
  CHECK(s.front() >= 0);
}

TEST_CASE("latency: the same seed draws the same sequence, another seed another") {
  auto params = [](std::int64_t seed) {
    return Params({{"latency", std::string("200ms")},
                   {"latency_distribution", std::string("lognormal")},
                   {"latency_p99", std::string("1500ms")},
                   {"latency_seed", seed}});
  };
  auto draws = [](Params p) {
    Latency l(p, Millis(0));
    std::vector<Millis::rep> out;
    for (int i = 0; i < 20; ++i) out.push_back(l.next().count());
    return out;
  };
  CHECK(draws(params(7)) == draws(params(7)));
  CHECK(draws(params(7)) != draws(params(8)));
}

TEST_CASE("latency: bad combinations name the parameter at fault") {
  CHECK(error_of(Params({{"latency_p99", std::string("1s")}})) ==
        "latency_p99: only with latency_distribution = \"lognormal\"");
  CHECK(error_of(Params({{"latency_max", std::string("1s")}})) ==
        "latency_max: only with latency_distribution = \"uniform\"");
  CHECK(error_of(Params({{"latency_distribution", std::string("lognormal")},
                         {"latency", std::string("100ms")}})) ==
        "latency_distribution: \"lognormal\" needs latency_p99 (and latency)");
  CHECK(error_of(Params({{"latency_distribution", std::string("lognormal")},
                         {"latency", std::string("100ms")},
                         {"latency_p99", std::string("100ms")}})) ==
        "latency_p99: 100ms must be above latency, the median (100ms)");
  CHECK(error_of(Params({{"latency_distribution", std::string("lognormal")},
                         {"latency_p99", std::string("1s")}})) ==
        "latency: is the median of a lognormal latency: must be above 0ms");
  CHECK(error_of(Params({{"latency_distribution", std::string("uniform")},
                         {"latency", std::string("100ms")},
                         {"latency_max", std::string("50ms")}})) ==
        "latency_max: 50ms is below latency (100ms)");
  CHECK(error_of(Params({{"latency_distribution", std::string("normal")}})) ==
        "latency_distribution: \"normal\" is not one of: fixed, uniform, lognormal");
  CHECK(error_of(Params({{"latency_seed", std::int64_t{-1}}})).starts_with("latency_seed:"));
}
