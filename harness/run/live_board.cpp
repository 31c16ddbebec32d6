#include "harness/run/live_board.hpp"

#include <algorithm>

namespace badgateway {

std::uint64_t LiveBoard::add(std::string label, Clock::time_point start, Millis planned,
                             const TrafficProgress& counts) {
  std::lock_guard lock(mutex_);
  entries_[next_] = Entry{std::move(label), start, planned, &counts};
  return next_++;
}

void LiveBoard::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

std::vector<LivePhase> LiveBoard::snapshot(Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  std::vector<LivePhase> out;
  for (const auto& [id, e] : entries_) {
    const auto elapsed = std::max(now - e.start, Clock::duration::zero());
    out.push_back(
        {e.label, std::chrono::duration_cast<Millis>(elapsed), e.planned, e.counts->counts()});
  }
  return out;
}

}  // namespace badgateway
