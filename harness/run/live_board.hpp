#pragma once
// The phases whose [[traffic]] runs right now, for a live status line on a terminal: the runner
// adds a phase when its traffic starts and removes it when it ends (from its worker threads); a
// ticker (report/live_status.hpp) reads a snapshot a few times a second.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "fakes/base/units.hpp"
#include "harness/client/traffic_progress.hpp"

namespace badgateway {

struct LivePhase {
  std::string label;  // "max-fails-recovery broken"
  Millis elapsed{0};  // since the start of traffic (0 before it)
  Millis planned{0};  // when the last stream is planned to end, from the start of traffic
  std::map<int, std::uint64_t> counts;  // responses so far by status, 0 for none
};

class LiveBoard {
 public:
  using Clock = std::chrono::steady_clock;
  // A phase's traffic from `start` for `planned`, its responses counted in `counts` (which must
  // outlive the entry). Returns the id remove() takes. Thread-safe.
  std::uint64_t add(std::string label, Clock::time_point start, Millis planned,
                    const TrafficProgress& counts);
  void remove(std::uint64_t id);
  // Every phase running now, in the order added. Thread-safe.
  std::vector<LivePhase> snapshot(Clock::time_point now = Clock::now()) const;

 private:
  struct Entry {
    std::string label;
    Clock::time_point start;
    Millis planned;
    const TrafficProgress* counts;
  };
  mutable std::mutex mutex_;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, Entry> entries_;
};

// Removes its entry when it goes out of scope, however the phase ends. A null board: nothing.
class LiveEntry {
 public:
  LiveEntry(LiveBoard* board, std::string label, LiveBoard::Clock::time_point start, Millis planned,
            const TrafficProgress& counts)
      : board_(board), id_(board ? board->add(std::move(label), start, planned, counts) : 0) {}
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
