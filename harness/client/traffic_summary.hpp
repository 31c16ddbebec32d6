#pragma once
// What a phase's traffic (or the load command's run) came to, in constant memory: latency
// percentiles, counts per status and per outcome, overall and per second, connections opened.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/client/driver.hpp"
#include "harness/client/latency_histogram.hpp"

namespace badgateway {

struct TrafficCounts {
  std::uint64_t requests = 0;
  std::map<int, std::uint64_t> status;                        // 0: no status line
  std::map<std::string, std::uint64_t, std::less<>> outcome;  // outcome.hpp's names
};

struct TrafficSummary {
  TrafficCounts total;
  // Second k holds the requests whose intended send time (scheduled_at, else sent_at) lies in
  // [k s, k+1 s) from the start; requests never sent are in no second.
  std::vector<TrafficCounts> per_second;
  LatencyHistogram latency;       // latency_of() of every request that ended
  std::uint64_t connections = 0;  // connections opened (Response::connected)

  // Adds one finished (or cut short) exchange; `start` is second 0's.
  void add(const Response& r, std::chrono::steady_clock::time_point start);
};

TrafficSummary summarize_traffic(const std::vector<Response>& responses,
                                 std::chrono::steady_clock::time_point start);

}  // namespace badgateway
