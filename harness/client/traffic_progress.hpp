#pragma once
// Responses of a phase's [[traffic]] counted as they end, for a live status line: run_traffic()
// records each one on its I/O thread while another thread reads the counts so far.
#include <cstdint>
#include <map>
#include <mutex>

namespace badgateway {

class TrafficProgress {
 public:
  // One response ended with `status` (0: none: no status line arrived). Thread-safe.
  void record(int status);
  // The counts so far by status (0 for none). Thread-safe; a copy.
  std::map<int, std::uint64_t> counts() const;

 private:
  mutable std::mutex mutex_;
  std::map<int, std::uint64_t> by_status_;
};

}  // namespace badgateway
