#pragma once
// A [[traffic]] stream's request mix: several requests, each with a weight, chosen in a fixed
// order so that a run can be repeated exactly.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "harness/client/request.hpp"

namespace badgateway {

struct MixEntry {
  RequestSpec request;
  int weight = 1;  // 1 to 1000
};

// nginx's smooth weighted round robin (ngx_http_upstream_get_peer in
// ngx_http_upstream_round_robin.c), over the entries' weights: deterministic, no random numbers,
// and every run of sum(weights) picks holds each entry exactly `weight` times, spread out (3:1
// gives a a b a, a a b a, ...). Weights must be at least 1 (an empty list picks nothing).
class MixChooser {
 public:
  explicit MixChooser(const std::vector<int>& weights);
  // The index of the next entry, from 0; 0 for an empty list.
  std::size_t next();

 private:
  std::vector<std::int64_t> weight_;
  std::vector<std::int64_t> current_;
  std::int64_t total_ = 0;
};

}  // namespace badgateway
