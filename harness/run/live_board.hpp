#pragma once
// The phases whose [[traffic]] runs right now, for a live status line on a terminal and live
// metrics: the runner adds a phase when its traffic starts and removes it when it ends (from its
// worker threads); a ticker (report/live_status.hpp) reads a snapshot a few times a second, a
// metrics sampler (metrics/) visits every phase once a second and when it leaves.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "harness/client/traffic_progress.hpp"
#include "harness/net/netns.hpp"
#include "harness/observe/observation.hpp"

namespace badgateway {

struct LivePhase {
  std::string label;  // "max-fails-recovery broken"
  Millis elapsed{0};  // since the start of traffic (0 before it)
  Millis planned{0};  // when the last stream is planned to end, from the start of traffic
  std::map<int, std::uint64_t> counts;  // responses so far by status, 0 for none
};

// What live metrics read of a phase besides its responses. Everything in it stays valid while
// the phase is on the board.
struct LiveSources {
  std::string scenario{};
  std::string phase{};  // "broken", "fixed"
  std::string nginx{};  // the launcher's label, "nginx 1.22.1 (local)"
  // The fakes' counts so far, by name (thread-safe); empty: none.
  std::function<std::map<std::string, UpstreamCounts>()> fakes{};
  // nginx's stub_status server (rendered configs with metrics on), in `netns`.
  std::optional<fakes::Address> stub_status{};
  const NetNamespace* netns = nullptr;  // the run's network namespace; null: this machine's
  std::filesystem::path access_log{};   // the harness's server's; empty: none (own configs)
};

// A phase as a visitor sees it, under the board's lock (so `sources` and `traffic` are alive).
struct LiveView {
  std::uint64_t id = 0;
  const LiveSources& sources;
  const TrafficProgress& traffic;
  Millis elapsed{0};
};

class LiveBoard {
 public:
  using Clock = std::chrono::steady_clock;
  // A phase's traffic from `start` for `planned`, its responses counted in `counts` (which must
  // outlive the entry). Returns the id remove() takes. Thread-safe.
  std::uint64_t add(std::string label, Clock::time_point start, Millis planned,
                    const TrafficProgress& counts, LiveSources sources = {});
  // Calls on_leave (when set) with the phase's last view, then forgets it.
  void remove(std::uint64_t id);
  // Every phase running now, in the order added. Thread-safe.
  std::vector<LivePhase> snapshot(Clock::time_point now = Clock::now()) const;
  // Calls `visit` for every phase running now, holding the board's lock: a phase cannot leave
  // meanwhile, so `visit` must be bounded (it delays remove() and snapshot()). Thread-safe.
  void visit(const std::function<void(const LiveView&)>& visit,
             Clock::time_point now = Clock::now()) const;
  // Called by remove() under the board's lock, on the thread removing; empty: nothing.
  void on_leave(std::function<void(const LiveView&)> leave);

 private:
  struct Entry {
    std::string label;
    Clock::time_point start;
    Millis planned;
    const TrafficProgress* counts;
    LiveSources sources;
  };
  static LiveView view_of(std::uint64_t id, const Entry& e, Clock::time_point now);
  mutable std::mutex mutex_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, Entry> entries_;
  std::function<void(const LiveView&)> on_leave_;
};

// Removes its entry when it goes out of scope, however the phase ends. A null board: nothing.
class LiveEntry {
 public:
  LiveEntry(LiveBoard* board, std::string label, LiveBoard::Clock::time_point start, Millis planned,
            const TrafficProgress& counts, LiveSources sources = {})
      : board_(board),
        id_(board ? board->add(std::move(label), start, planned, counts, std::move(sources)) : 0) {}
  ~LiveEntry() {
    if (board_) board_->remove(id_);
  }
  LiveEntry(const LiveEntry&) = delete;
  LiveEntry& operator=(const LiveEntry&) = delete;

 private:
  LiveBoard* board_;
  std::uint64_t id_;
};

}  // namespace badgateway
