#pragma once
// The live status line of a run on a terminal: while a phase's [[traffic]] runs, one line shows
// its elapsed and planned time and the responses so far by status, redrawn a few times a second
// in place ("\r" and erase-to-end-of-line) and erased when no traffic runs. Only for a terminal:
// run_command makes one when its output stream is a TTY, so CI logs never see it.
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/run/live_board.hpp"

namespace badgateway {

// "max-fails-recovery broken  3.2s/6.0s  200×80 502×12 none×1": each phase running, " | "
// between them; cut to `columns` - 1 characters so that the line never wraps (a wrapped line
// cannot be redrawn in place). Empty when nothing runs.
std::string live_line(const std::vector<LivePhase>& phases, std::size_t columns);

class LiveStatus {
 public:
  // Starts redrawing `board`'s phases on `terminal` every `period` (a thread of its own).
  LiveStatus(std::FILE* terminal, const LiveBoard& board,
             std::chrono::milliseconds period = std::chrono::milliseconds(200));
  // Stops the thread (within one period) and erases the line.
  ~LiveStatus();
  LiveStatus(const LiveStatus&) = delete;
  LiveStatus& operator=(const LiveStatus&) = delete;

  // Writes `text` (whole lines) where the status line was; the line comes back at the next tick.
  void print(const std::string& text);
  // Draws (or erases) the line now, as each tick does.
  void draw();

 private:
  void run();
  void draw_locked();
  void erase_locked();

  std::FILE* terminal_;
  const LiveBoard& board_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;  // the terminal, shown_, stop_
  std::condition_variable wake_;
  bool shown_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace badgateway
