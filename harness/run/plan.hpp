#pragma once
// Which runs `badgateway run` makes, and in which order: pure functions of the selected scenarios
// and the options, the same on every machine and compiler, so that a printed seed replays an
// order and the CI jobs of a sharded run agree on which job runs what.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.hpp"

namespace badgateway {

// Shard `index` of `count`, 1-based as written: `--shard 2/4`.
struct Shard {
  int index = 1;
  int count = 1;
  std::string str() const;  // "2/4"
  bool operator==(const Shard&) const = default;
};
inline constexpr int kMaxShards = 1000;

// "2/4" -> {2, 4}: 1 <= I <= N <= kMaxShards, decimal digits only. Otherwise nullopt, and
// `error` (if given) says what was expected.
std::optional<Shard> parse_shard(std::string_view text, std::string* error = nullptr);

// The members of `shard` among scenarios named `names` (unique): sorted by name, byte by byte,
// the k-th (from 0) belongs to shard k mod N + 1. The shards' sizes differ by one at most, and
// the split depends only on the names, not on the order the files were found in. Returns
// indexes into `names`, ascending.
std::vector<std::size_t> shard_members(const std::vector<std::string>& names, Shard shard);

// 0..n-1 in an order decided by `seed`: Fisher-Yates driven by SplitMix64, spelled out here
// because std::shuffle's algorithm (and the distributions') is left to the standard library,
// and a seed must replay the same order wherever it is used again.
std::vector<std::size_t> shuffled_order(std::size_t n, std::uint64_t seed);

// A seed for --shuffle without --seed: random, below 2^32 so that it is short to type back.
std::uint64_t random_seed();

struct PlannedRun {
  const Scenario* scenario = nullptr;
  std::size_t column = 0;           // which nginx: an index into the run's launchers
  int repetition = 0;               // 1..N with --repeat N > 1; 0 when each runs once
  std::optional<std::string> skip;  // not run, and why
};

struct PlanOptions {
  int repeat = 1;
  std::optional<std::uint64_t> seed;  // shuffle with it; none: scenario order
  std::optional<Shard> shard;
};

struct Plan {
  std::vector<PlannedRun> runs;
  std::vector<const Scenario*> in_shard;  // this shard's scenarios, in `selected` order
  std::vector<const Scenario*> only;      // the selected scenarios with only = true, any shard
};

// The runs for `selected` (after --filter; pointers into it) against `columns` nginx. The shard
// is taken first, over every selected scenario, so that each is in exactly one shard's reports.
// A scenario with `skip`, and, when any selected scenario (in any shard) has `only = true`,
// every one without it, is planned once per column as skipped. The others run `repeat` times each,
// all columns of a repetition after one another; with a seed the whole list is then shuffled.
Plan plan_runs(const std::vector<Scenario>& selected, std::size_t columns,
               const PlanOptions& options);

}  // namespace badgateway
