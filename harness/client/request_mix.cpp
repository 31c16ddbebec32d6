#include "harness/client/request_mix.hpp"

namespace badgateway {

MixChooser::MixChooser(const std::vector<int>& weights)
    : weight_(weights.begin(), weights.end()), current_(weights.size(), 0) {
  for (auto w : weight_) total_ += w;
}

std::size_t MixChooser::next() {
  if (weight_.empty()) return 0;
  // Each entry gains its weight; the one with the most is picked and pays the total back.
  std::size_t best = 0;
  for (std::size_t i = 0; i < weight_.size(); ++i) {
    current_[i] += weight_[i];
    if (current_[i] > current_[best]) best = i;
  }
  current_[best] -= total_;
  return best;
}

}  // namespace badgateway
