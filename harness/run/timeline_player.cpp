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
    e.target = a.target == TimelineTarget::network ? "network" : a.fake.empty() ? "nginx" : a.fake;
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
  for (auto& [target, f] : slow_) f.wait();
}

std::vector<TimelineEvent> TimelinePlayer::finish(Clock::time_point deadline) {
  {
    std::lock_guard lock(mutex_);
    stop_at_ = deadline;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& [target, f] : slow_) f.wait();
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
    if (a.target == TimelineTarget::nginx || a.target == TimelineTarget::php_fpm) {
      // A reload waits for new workers (a hundred milliseconds or more), a graceful stop for
      // the requests in flight: on a thread of their own, so the fakes' actions after them keep
      // their schedule. The actions on one target stay in order. (A firewall or DNS change takes
      // a millisecond: in line, in order with the fakes' actions at the same time.)
      std::future<void>& slot = slow_[a.fake.empty() ? std::string("nginx") : a.fake];
      if (slot.valid()) slot.wait();
      slot = std::async(std::launch::async, [this, &a, i] { act(a, events_[i]); });
      continue;
    }
    act(a, events_[i]);
  }
}

TimelinePlayer::Clock::time_point TimelinePlayer::act_on_nginx(const TimelineAction& a,
                                                               Clock::time_point deadline) {
  auto left = [&] { return std::chrono::duration_cast<Millis>(deadline - Clock::now()); };
  NginxInstance* nginx = actors_.nginx ? actors_.nginx() : nullptr;
  switch (a.kind) {
    case TimelineActionKind::reload:
      if (!nginx) throw HarnessError("no nginx runs in this phase");
      if (a.snippets.main || a.snippets.events || a.snippets.http || a.snippets.server ||
          a.snippets.location) {
        actors_.render(a.snippets);
      }
      return nginx->reload(left());
    case TimelineActionKind::stop: {
      if (!nginx) throw HarnessError("no nginx runs in this phase");
      const auto sent = Clock::now();
      actors_.stop_nginx();
      return sent;
    }
    case TimelineActionKind::start:
      if (nginx) throw HarnessError("nginx runs already");
      actors_.start_nginx(left());
      return Clock::now();
    case TimelineActionKind::restart: {
      if (!nginx) throw HarnessError("no nginx runs in this phase");
      const auto sent = Clock::now();  // the restart began: from here on nginx goes away
      actors_.stop_nginx();
      actors_.start_nginx(left());
      return sent;
    }
    default:
      throw HarnessError(fmt::format("nginx cannot {}", to_string(a.kind)));  // the loader's bug
  }
}

TimelinePlayer::Clock::time_point TimelinePlayer::act_on_php_fpm(const TimelineAction& a,
                                                                 Clock::time_point deadline) {
  PhpFpm* pool = actors_.php_fpm ? actors_.php_fpm(a.fake) : nullptr;
  if (!pool) throw HarnessError(fmt::format("{} is not a running PHP-FPM pool", a.fake));
  switch (a.kind) {
    case TimelineActionKind::stop:
      return pool->quit(deadline);
    case TimelineActionKind::start:
      return pool->restart(deadline);
    case TimelineActionKind::restart: {
      const auto sent = pool->quit(deadline);
      pool->restart(deadline);
      return sent;
    }
    case TimelineActionKind::kill:
      return pool->kill(a.process, deadline);
    case TimelineActionKind::reload:
      return pool->reload(deadline);
    default:
      throw HarnessError(fmt::format("PHP-FPM cannot {}", to_string(a.kind)));  // the loader's bug
  }
}

void TimelinePlayer::act(const TimelineAction& a, TimelineEvent& e) {
  const auto deadline = Clock::now() + a.deadline;
  auto offset = [&](Clock::time_point t) { return std::chrono::duration_cast<Micros>(t - start_); };
  e.error.clear();
  try {
    Clock::time_point happened;
    if (a.target == TimelineTarget::nginx) {
      happened = act_on_nginx(a, deadline);
    } else if (a.target == TimelineTarget::php_fpm) {
      happened = act_on_php_fpm(a, deadline);
    } else if (a.target == TimelineTarget::dns) {
      fakes::dns::DnsServer* server = actors_.dns ? actors_.dns(a.fake) : nullptr;
      if (!server) throw HarnessError(fmt::format("no DNS fake \"{}\" runs", a.fake));
      happened = server->set_answer(a.dns_name, a.dns_answer, deadline);
    } else if (a.target == TimelineTarget::network) {
      if (!actors_.firewall) throw HarnessError("this phase has no network of its own");
      actors_.firewall(a.firewall);
      happened = Clock::now();  // the rules are in the kernel once nftables returned
    } else {
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
        case TimelineActionKind::reset_connections:
          happened = actors_.fakes->reset_connections(a.fake, deadline);
          break;
        case TimelineActionKind::move:
          happened = actors_.fakes->move_listener(a.fake, a.move_to, deadline);
          break;
        case TimelineActionKind::behave: {
          // The loader checked the fake is an endpoint of the fake server, HTTP or FastCGI.
          fakes::BehaviourPtr b = make_timeline_behaviour(a, a.protocol);
          happened = actors_.fakes->replace_behaviour(a.fake, std::move(b), deadline);
          break;
        }
        default:
          throw HarnessError(fmt::format("a fake cannot {}", to_string(a.kind)));
      }
    }
    e.happened = offset(happened);
    e.done = offset(Clock::now());
  } catch (const std::exception& ex) {
    e.error = ex.what();
  }
}

}  // namespace badgateway
