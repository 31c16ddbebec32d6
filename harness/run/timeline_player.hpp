#pragma once
// Plays a scenario's [[timeline]] during a phase: each action at its offset from the start of
// traffic, on a thread of its own, so that a slow action never holds up the traffic. nginx's and
// PHP-FPM's actions (a reload waits for new workers, a graceful stop for the requests in flight)
// run on further threads, one per target, so they never hold up the fakes' actions either; the
// actions on one target run one after another.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "fakes/core/server.hpp"
#include "fakes/dns/server.hpp"
#include "harness/nginx/launcher.hpp"
#include "harness/observe/observation.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/scenario/timeline.hpp"

namespace badgateway {

// What the actions act on. `fakes` is the phase's running FakeServer; `php_fpm` finds a real
// PHP-FPM pool by name (nullptr: none); `nginx` gives the running nginx (nullptr: none runs, and
// nginx's actions but start fail); `render` rewrites the phase's nginx.conf with the snippets
// given replacing its own (a reload that brings snippets); `stop_nginx` stops it gracefully
// (QUIT) and `start_nginx` starts it again, within the time given (both throw HarnessError);
// `firewall` replaces the timeline's firewall rules in the run's network (unset: the phase has no
// network of its own; throws HarnessError).
struct TimelineActors {
  fakes::FakeServer* fakes = nullptr;
  std::function<PhpFpm*(const std::string& name)> php_fpm;
  std::function<NginxInstance*()> nginx;
  std::function<void(const NginxSpec& snippets)> render;
  std::function<void()> stop_nginx;
  std::function<void(Millis limit)> start_nginx;
  std::function<void(const std::vector<FirewallRule>& rules)> firewall;
  std::function<fakes::dns::DnsServer*(const std::string& name)> dns;  // nullptr: none
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
  Clock::time_point act_on_nginx(const TimelineAction& a, Clock::time_point deadline);
  Clock::time_point act_on_php_fpm(const TimelineAction& a, Clock::time_point deadline);

  const std::vector<TimelineAction>& actions_;
  TimelineActors actors_;
  Clock::time_point start_;
  std::vector<TimelineEvent> events_;
  std::mutex mutex_;
  std::condition_variable wake_;
  Clock::time_point stop_at_ = Clock::time_point::max();  // no action starts from then on
  std::thread thread_;
  // nginx's and each pool's action still going, on a thread of its own: target -> its future.
  std::map<std::string, std::future<void>> slow_;
};

// Builds the behaviour a `behave` action switches to. Throws HarnessError (the loader has
// checked it: a bug).
fakes::BehaviourPtr make_timeline_behaviour(const TimelineAction& a, fakes::Protocol protocol);

}  // namespace badgateway
