#include "harness/run/live_board.hpp"

#include <algorithm>

namespace badgateway {

std::uint64_t LiveBoard::add(std::string label, Clock::time_point start, Millis planned,
                             const TrafficProgress& counts, LiveSources sources) {
  std::lock_guard lock(mutex_);
  entries_.emplace(next_, Entry{std::move(label), start, planned, &counts, std::move(sources)});
  return next_++;
}

LiveView LiveBoard::view_of(std::uint64_t id, const Entry& e, Clock::time_point now) {
  const auto elapsed = std::max(now - e.start, Clock::duration::zero());
  return {id, e.sources, *e.counts, std::chrono::duration_cast<Millis>(elapsed)};
}

void LiveBoard::on_leave(std::function<void(const LiveView&)> leave) {
  std::lock_guard lock(mutex_);
  on_leave_ = std::move(leave);
}

void LiveBoard::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (on_leave_) on_leave_(view_of(id, it->second, Clock::now()));
  entries_.erase(it);
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

void LiveBoard::visit(const std::function<void(const LiveView&)>& visit,
                      Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, e] : entries_) visit(view_of(id, e, now));
}

}  // namespace badgateway
