#include "harness/run/plan.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <random>

#include <fmt/format.h>

namespace badgateway {
namespace {

std::optional<int> whole_number(std::string_view text) {
  int n = 0;
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return n;
}

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fully specified, and good enough to order tests.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound), bound > 0: rejection sampling, so no value is favoured.
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    for (;;) {
      std::uint64_t x = next();
      if (x < limit) return x % bound;
    }
  }
};

std::string names_of(const std::vector<const Scenario*>& scenarios) {
  constexpr std::size_t kShown = 3;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < scenarios.size() && i < kShown; ++i)
    names.push_back(scenarios[i]->name);
  std::string out = fmt::format("{}", fmt::join(names, ", "));
  if (scenarios.size() > kShown) out += fmt::format(" and {} more", scenarios.size() - kShown);
  return out;
}

}  // namespace

std::string Shard::str() const {
  return fmt::format("{}/{}", index, count);
}

std::optional<Shard> parse_shard(std::string_view text, std::string* error) {
  auto slash = text.find('/');
  std::optional<int> i, n;
  if (slash != std::string_view::npos) {
    i = whole_number(text.substr(0, slash));
    n = whole_number(text.substr(slash + 1));
  }
  if (i && n && *i >= 1 && *i <= *n && *n <= kMaxShards) return Shard{*i, *n};
  if (error) {
    *error = fmt::format("expected I/N with 1 <= I <= N <= {}, such as 2/4, got \"{}\"", kMaxShards,
                         text);
  }
  return std::nullopt;
}

std::vector<std::size_t> shard_members(const std::vector<std::string>& names, Shard shard) {
  std::vector<std::size_t> by_name(names.size());
  std::iota(by_name.begin(), by_name.end(), std::size_t{0});
  std::sort(by_name.begin(), by_name.end(),
            [&](std::size_t a, std::size_t b) { return names[a] < names[b]; });
  std::vector<std::size_t> out;
  for (std::size_t k = shard.index - 1; k < by_name.size(); k += shard.count)
    out.push_back(by_name[k]);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::size_t> shuffled_order(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  SplitMix64 random{seed};
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[random.below(i)]);
  return order;
}

std::uint64_t random_seed() {
  std::random_device device;
  return device();  // 32 bits
}

Plan plan_runs(const std::vector<Scenario>& selected, std::size_t columns,
               const PlanOptions& options) {
  Plan plan;
  for (const auto& s : selected) {
    if (s.only) plan.only.push_back(&s);
  }
  std::vector<std::size_t> members(selected.size());
  std::iota(members.begin(), members.end(), std::size_t{0});
  if (options.shard) {
    std::vector<std::string> names;
    for (const auto& s : selected) names.push_back(s.name);
    members = shard_members(names, *options.shard);
  }
  const std::string left_out =
      fmt::format("not run: only = true is set on {}", names_of(plan.only));
  for (std::size_t m : members) {
    const Scenario& s = selected[m];
    plan.in_shard.push_back(&s);
    std::optional<std::string> skip = s.skip;
    if (!skip && !plan.only.empty() && !s.only) skip = left_out;
    if (skip) {
      for (std::size_t c = 0; c < columns; ++c) plan.runs.push_back({&s, c, 0, skip});
      continue;
    }
    for (int r = 1; r <= options.repeat; ++r) {
      for (std::size_t c = 0; c < columns; ++c)
        plan.runs.push_back({&s, c, options.repeat > 1 ? r : 0, std::nullopt});
    }
  }
  if (options.seed) {
    std::vector<PlannedRun> shuffled;
    for (std::size_t i : shuffled_order(plan.runs.size(), *options.seed))
      shuffled.push_back(plan.runs[i]);
    plan.runs = std::move(shuffled);
  }
  return plan;
}

}  // namespace badgateway
