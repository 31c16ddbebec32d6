#include "harness/run/plan.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace bg = badgateway;

namespace {

bg::Scenario scenario(std::string name) {
  bg::Scenario s;
  s.name = std::move(name);
  return s;
}

std::vector<bg::Scenario> scenarios(std::initializer_list<const char*> names) {
  std::vector<bg::Scenario> out;
  for (const char* n : names) out.push_back(scenario(n));
  return out;
}

bg::PlanOptions options(int repeat, std::optional<std::uint64_t> seed = std::nullopt,
                        std::optional<bg::Shard> shard = std::nullopt) {
  bg::PlanOptions o;
  o.repeat = repeat;
  o.seed = seed;
  o.shard = shard;
  return o;
}

// "name#repetition@column" per run, "name@column:skip" for a skipped one: easy to compare.
std::vector<std::string> describe(const bg::Plan& plan) {
  std::vector<std::string> out;
  for (const auto& r : plan.runs) {
    // fmt, not string concatenation: GCC 12 -O3 warns falsely (-Wrestrict) on the latter.
    out.push_back(fmt::format("{}{}@{}{}", r.scenario->name,
                              r.repetition ? fmt::format("#{}", r.repetition) : "", r.column,
                              r.skip ? ":skip" : ""));
  }
  return out;
}

std::vector<std::string> names_in(const std::vector<std::string>& names,
                                  const std::vector<std::size_t>& indexes) {
  std::vector<std::string> out;
  for (auto i : indexes) out.push_back(names[i]);
  return out;
}

}  // namespace

TEST_SUITE("plan") {
  TEST_CASE("parse_shard: I/N with 1 <= I <= N <= 1000") {
    CHECK(bg::parse_shard("1/1") == bg::Shard{1, 1});
    CHECK(bg::parse_shard("2/4") == bg::Shard{2, 4});
    CHECK(bg::parse_shard("1000/1000") == bg::Shard{1000, 1000});
    CHECK(bg::parse_shard("2/4")->str() == "2/4");
    for (const char* bad : {"0/4", "5/4", "1/0", "1/1001", "2", "2/", "/4", "a/4", "2/4x", "-1/4",
                            "+1/4", " 1/4", "1/4/5", "1.0/4", "", "99999999999/99999999999"}) {
      CAPTURE(bad);
      std::string error;
      CHECK_FALSE(bg::parse_shard(bad, &error));
      CHECK(error ==
            std::string("expected I/N with 1 <= I <= N <= 1000, such as 2/4, got \"") + bad + "\"");
    }
  }

  TEST_CASE("shard_members: sorted by name, every Nth from the Ith") {
    const std::vector<std::string> names = {"e", "a", "d", "b", "c"};
    // Sorted: a b c d e -> shard 1/2: a c e, shard 2/2: b d. Indexes ascend (given order).
    CHECK(names_in(names, bg::shard_members(names, {1, 2})) ==
          std::vector<std::string>{"e", "a", "c"});
    CHECK(names_in(names, bg::shard_members(names, {2, 2})) == std::vector<std::string>{"d", "b"});
    CHECK(bg::shard_members(names, {1, 1}).size() == 5);
    CHECK(bg::shard_members(names, {6, 7}).empty());  // more shards than scenarios: some empty
    CHECK(names_in(names, bg::shard_members(names, {5, 7})) == std::vector<std::string>{"e"});
    CHECK(names_in(names, bg::shard_members(names, {3, 7})) == std::vector<std::string>{"c"});
  }

  TEST_CASE("shards partition the scenarios, balanced, whatever the order they were found in") {
    std::vector<std::string> names;
    for (int i = 0; i < 35; ++i) names.push_back(fmt::format("scenario-{}", i * 7919 % 101));
    std::vector<std::string> reversed(names.rbegin(), names.rend());
    for (int n : {1, 2, 3, 4, 8, 35, 40}) {
      CAPTURE(n);
      std::multiset<std::string> all;
      std::size_t smallest = names.size(), largest = 0;
      for (int i = 1; i <= n; ++i) {
        auto members = names_in(names, bg::shard_members(names, {i, n}));
        auto again = names_in(reversed, bg::shard_members(reversed, {i, n}));
        CHECK(std::set<std::string>(members.begin(), members.end()) ==
              std::set<std::string>(again.begin(), again.end()));
        all.insert(members.begin(), members.end());
        smallest = std::min(smallest, members.size());
        largest = std::max(largest, members.size());
      }
      CHECK(all == std::multiset<std::string>(names.begin(), names.end()));  // each exactly once
      CHECK(largest - smallest <= 1);
    }
  }

  TEST_CASE("shuffled_order: a permutation fixed by the seed") {
    auto a = bg::shuffled_order(50, 12345);
    CHECK(a == bg::shuffled_order(50, 12345));
    CHECK(a != bg::shuffled_order(50, 12346));
    auto sorted = a;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) CHECK(sorted[i] == i);
    CHECK(bg::shuffled_order(0, 1).empty());
    CHECK(bg::shuffled_order(1, 1) == std::vector<std::size_t>{0});
    // Pinned: a seed printed by one build must replay the same order in every later one. If this
    // changes, old seeds no longer replay; say so in the README's Changes.
    CHECK(bg::shuffled_order(8, 42) == std::vector<std::size_t>{3, 1, 6, 2, 4, 0, 7, 5});
  }

  TEST_CASE("random_seed is short enough to type back") {
    for (int i = 0; i < 10; ++i) CHECK(bg::random_seed() <= 0xffffffffULL);
  }

  TEST_CASE("plan_runs: scenario order, repetitions, columns together") {
    auto selected = scenarios({"a", "b"});
    CHECK(describe(bg::plan_runs(selected, 2, {})) ==
          std::vector<std::string>{"a@0", "a@1", "b@0", "b@1"});
    CHECK(describe(bg::plan_runs(selected, 1, options(3))) ==
          std::vector<std::string>{"a#1@0", "a#2@0", "a#3@0", "b#1@0", "b#2@0", "b#3@0"});
  }

  TEST_CASE("plan_runs: skip is planned once per column, never repeated") {
    auto selected = scenarios({"a", "b"});
    selected[0].skip = "flaky";
    auto plan = bg::plan_runs(selected, 2, options(2));
    CHECK(describe(plan) ==
          std::vector<std::string>{"a@0:skip", "a@1:skip", "b#1@0", "b#1@1", "b#2@0", "b#2@1"});
    CHECK(plan.runs[0].skip == "flaky");
  }

  TEST_CASE("plan_runs: only = true on any selected scenario skips the others, in every shard") {
    auto selected = scenarios({"a", "b", "c", "d"});
    selected[2].only = true;
    auto plan = bg::plan_runs(selected, 1, {});
    CHECK(describe(plan) == std::vector<std::string>{"a@0:skip", "b@0:skip", "c@0", "d@0:skip"});
    CHECK(plan.runs[0].skip == "not run: only = true is set on c");
    REQUIRE(plan.only.size() == 1);
    CHECK(plan.only[0]->name == "c");
    // Shard 1/2 (a, c) runs c; shard 2/2 (b, d) holds no `only` scenario and still runs nothing.
    CHECK(describe(bg::plan_runs(selected, 1, options(1, std::nullopt, bg::Shard{1, 2}))) ==
          std::vector<std::string>{"a@0:skip", "c@0"});
    CHECK(describe(bg::plan_runs(selected, 1, options(1, std::nullopt, bg::Shard{2, 2}))) ==
          std::vector<std::string>{"b@0:skip", "d@0:skip"});
    for (auto& s : selected) s.only = true;
    selected[0].only = false;
    CHECK(bg::plan_runs(selected, 1, {}).runs[0].skip == "not run: only = true is set on b, c, d");
    auto many = scenarios({"a", "b", "c", "d", "e", "f"});
    for (std::size_t i = 1; i < many.size(); ++i) many[i].only = true;
    CHECK(bg::plan_runs(many, 1, {}).runs[0].skip ==
          "not run: only = true is set on b, c, d and 2 more");
  }

  TEST_CASE("plan_runs: a shard keeps every column of its scenarios") {
    auto selected = scenarios({"d", "c", "b", "a"});
    auto plan = bg::plan_runs(selected, 3, options(1, std::nullopt, bg::Shard{2, 2}));
    CHECK(describe(plan) == std::vector<std::string>{"d@0", "d@1", "d@2", "b@0", "b@1", "b@2"});
    REQUIRE(plan.in_shard.size() == 2);
    CHECK(plan.in_shard[0]->name == "d");
  }

  TEST_CASE("plan_runs: shuffled by the seed, the same runs in another order") {
    auto selected = scenarios({"a", "b", "c", "d", "e"});
    auto plain = describe(bg::plan_runs(selected, 2, options(2)));
    auto shuffled = describe(bg::plan_runs(selected, 2, options(2, 7)));
    CHECK(shuffled == describe(bg::plan_runs(selected, 2, options(2, 7))));
    CHECK(shuffled != plain);
    CHECK(std::multiset<std::string>(shuffled.begin(), shuffled.end()) ==
          std::multiset<std::string>(plain.begin(), plain.end()));
  }
}
