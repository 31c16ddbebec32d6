// The request mix's chooser: nginx's smooth weighted round robin, deterministic and exact over
// every cycle of sum(weights) picks.
#include "harness/client/request_mix.hpp"

#include <doctest/doctest.h>

#include <vector>

namespace bg = badgateway;

TEST_SUITE("request mix") {
  TEST_CASE("3:1 picks a a b a, spread out, and repeats it") {
    bg::MixChooser c({3, 1});
    std::vector<std::size_t> picks;
    for (int i = 0; i < 8; ++i) picks.push_back(c.next());
    CHECK(picks == std::vector<std::size_t>{0, 0, 1, 0, 0, 0, 1, 0});
  }

  TEST_CASE("nginx's example 5:1:1 gives a a b a c a a") {
    // The sequence in ngx_http_upstream_round_robin.c's smooth weighted round robin.
    bg::MixChooser c({5, 1, 1});
    std::vector<std::size_t> picks;
    for (int i = 0; i < 7; ++i) picks.push_back(c.next());
    CHECK(picks == std::vector<std::size_t>{0, 0, 1, 0, 2, 0, 0});
  }

  TEST_CASE("every cycle holds each entry exactly its weight times") {
    const std::vector<int> weights{7, 2, 1, 5};
    bg::MixChooser c(weights);
    for (int cycle = 0; cycle < 4; ++cycle) {
      std::vector<int> seen(weights.size(), 0);
      for (int i = 0; i < 15; ++i) ++seen[c.next()];
      CHECK(seen == weights);
    }
  }

  TEST_CASE("two choosers with the same weights agree: runs are reproducible") {
    bg::MixChooser a({2, 3, 1}), b({2, 3, 1});
    for (int i = 0; i < 100; ++i) CHECK(a.next() == b.next());
  }

  TEST_CASE("one entry and no entries") {
    bg::MixChooser one({4});
    CHECK(one.next() == 0);
    CHECK(one.next() == 0);
    bg::MixChooser none({});
    CHECK(none.next() == 0);
  }
}
