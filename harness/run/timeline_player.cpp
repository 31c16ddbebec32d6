#include "harness/run/timeline_player.hpp"

#include <fmt/format.h>

#include "fakes/behaviours/registry.hpp"
#include "harness/error.hpp"

namespace badgateway {

fakes::BehaviourPtr make_timeline_behaviour(const TimelineAction& a, fakes::Protocol protocol) {
  const fakes::BehaviourInfo* info = fakes::find_behaviour(a.behaviour, protocol);
  if (!info) throw HarnessError(fmt::format("behaviour {} unavailable", a.behaviour));
  fakes::Params params(a.params);
  return fakes::make_behaviour(*info, params);
}

TimelinePlayer::TimelinePlayer(const std::vector<TimelineAction>& actions, TimelineActors actors,
                               Clock::time_point start)
    : actions_(actions), actors_(std::move(actors)), start_(start) {
  for (const auto& a : actions_) {
    TimelineEvent e;
    e.label = a.label;
    e.action = std::string(to_string(a.kind));
    e.target = a.fake.empty() ? "nginx" : a.fake;
    e.scheduled = a.at;
    e.error = "not played: the phase ended first";
    events_.push_back(std::move(e));
  }
  thread_ = std::thread([this] { play(); });
}

TimelinePlayer::~TimelinePlayer() {
  {
    std::lock_guard lock(mutex_);
    stop_at_ = Clock::time_point::min();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (reloading_.valid()) reloading_.wait();
}

std::vector<TimelineEvent> TimelinePlayer::finish(Clock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    stop_at_ = deadline;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (reloading_.valid()) reloading_.wait();
  return events_;
}

void TimelinePlayer::play() {
  for (std::size_t i = 0; i < actions_.size(); ++i) {
    const TimelineAction& a = actions_[i];
    const auto due = start_ + a.at;
    {
      // A timer-driven schedule: woken early only when the end moves (finish(), destruction).
      std::unique_lock lock(mutex_);
      for (;;) {
        const auto now = Clock::now();
        if (now >= stop_at_ || due >= stop_at_) return;
        if (now >= due) break;
        wake_.wait_until(lock, std::min(due, stop_at_));
      }
    }
    if (a.kind == TimelineActionKind::reload) {
      // A reload waits for nginx's new workers (a hundred milliseconds or more): on a thread of
      // its own, so the fakes' actions after it keep their schedule. Reloads stay in order.
      if (reloading_.valid()) reloading_.wait();
      reloading_ = std::async(std::launch::async, [this, &a, i] { act(a, events_[i]); });
      continue;
    }
    act(a, events_[i]);
  }
}

void TimelinePlayer::act(const TimelineAction& a, TimelineEvent& e) {
  const auto deadline = Clock::now() + a.deadline;
  auto offset = [&](Clock::time_point t) { return std::chrono::duration_cast<Micros>(t - start_); };
  e.error.clear();
  try {
    Clock::time_point happened;
    switch (a.kind) {
      case TimelineActionKind::stop:
        happened = actors_.fakes->stop_listening(a.fake, deadline);
        break;
      case TimelineActionKind::start:
        happened = actors_.fakes->resume_listening(a.fake, deadline);
        break;
      case TimelineActionKind::close_connections:
        happened = actors_.fakes->close_connections(a.fake, deadline);
        break;
      case TimelineActionKind::behave: {
        // The loader checked the fake is an endpoint of the fake server, HTTP or FastCGI.
        fakes::BehaviourPtr b = make_timeline_behaviour(a, a.protocol);
        happened = actors_.fakes->replace_behaviour(a.fake, std::move(b), deadline);
        break;
      }
      case TimelineActionKind::reload: {
        if (!actors_.nginx) throw HarnessError("no nginx runs in this phase");
        if (a.snippets.main || a.snippets.events || a.snippets.http || a.snippets.server ||
            a.snippets.location) {
          actors_.render(a.snippets);
        }
        happened =
            actors_.nginx->reload(std::chrono::duration_cast<Millis>(deadline - Clock::now()));
        break;
      }
    }
    e.happened = offset(happened);
    e.done = offset(Clock::now());
  } catch (const std::exception& ex) {
    e.error = ex.what();
  }
}

}  // namespace badgateway
