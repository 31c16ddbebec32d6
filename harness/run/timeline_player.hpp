#pragma once
// Plays a scenario's [[timeline]] during a phase: each action at its offset from the start of
// traffic, on a thread of its own, so that a slow action never holds up the traffic. A reload
// runs on a further thread (it waits for nginx's new workers), so it never holds up the fakes'
// actions either; reloads run one after another.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "fakes/core/server.hpp"
#include "harness/nginx/launcher.hpp"
#include "harness/observe/observation.hpp"
#include "harness/scenario/timeline.hpp"

namespace badgateway {

// What the actions act on. `fakes` is the phase's running FakeServer; `nginx` is null when the
// phase started none (a reload then fails); `render` rewrites the phase's nginx.conf with the
// snippets given replacing its own (a reload that brings snippets).
struct TimelineActors {
  fakes::FakeServer* fakes = nullptr;
  NginxInstance* nginx = nullptr;
  std::function<void(const NginxSpec& snippets)> render;
};

class TimelinePlayer {
 public:
  using Clock = std::chrono::steady_clock;
  // Starts playing `actions` (in time order, as the loader sorted them) at `start` + each one's
  // `at`. The actions and actors must outlive the player.
  TimelinePlayer(const std::vector<TimelineAction>& actions, TimelineActors actors,
                 Clock::time_point start);
  ~TimelinePlayer();
  TimelinePlayer(const TimelinePlayer&) = delete;
  TimelinePlayer& operator=(const TimelinePlayer&) = delete;

  // Waits for the actions still to come (each bounded by its deadline) until `deadline`; those
  // not started by then are not played. Returns every action as played, in time order.
  std::vector<TimelineEvent> finish(Clock::time_point deadline);

 private:
  void play();
  void act(const TimelineAction& a, TimelineEvent& e);

  const std::vector<TimelineAction>& actions_;
  TimelineActors actors_;
  Clock::time_point start_;
  std::vector<TimelineEvent> events_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Clock::time_point stop_at_ = Clock::time_point::max();  // no action starts from then on
  std::thread thread_;
  std::future<void> reloading_;  // the reload still going, on its own thread
};

// Builds the behaviour a `behave` action switches to. Throws HarnessError (the loader has
// checked it: a bug).
fakes::BehaviourPtr make_timeline_behaviour(const TimelineAction& a, fakes::Protocol protocol);

}  // namespace badgateway
