// What live metrics cost the client's I/O thread: TrafficProgress::record per response, with
// only the status counted (the live status line's old path, `old`) or status, outcome and latency
// (now), alone or with a reader copying the totals every READER_US microseconds (the metrics
// publisher reads once a second). Usage: bench_traffic_progress [READER_US [old]]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "harness/client/traffic_progress.hpp"

namespace bg = badgateway;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  constexpr int kResponses = 2'000'000;
  const int reader_us = argc > 1 ? std::atoi(argv[1]) : 0;
  const bool old_path = argc > 2;
  bg::TrafficProgress progress;
  std::atomic<bool> stop{false};
  std::uint64_t reads = 0;
  std::thread reader;
  if (reader_us > 0) {
    reader = std::thread([&] {
      while (!stop) {
        reads += progress.totals().latency.count() > 0 ? 1 : 0;
        std::this_thread::sleep_for(std::chrono::microseconds(reader_us));
      }
    });
  }
  bg::Response r;
  r.outcome = bg::Outcome::complete;
  const auto start = Clock::now();
  for (int i = 0; i < kResponses; ++i) {
    r.status = i % 10 == 0 ? 502 : 200;
    r.sent_at = start;
    r.ended_at = start + std::chrono::microseconds(500 + i % 5000);
    if (old_path) {
      progress.record(r.status);
    } else {
      progress.record(r);
    }
  }
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  stop = true;
  if (reader.joinable()) reader.join();
  const auto copy_start = Clock::now();
  for (int i = 0; i < 1000; ++i) (void)progress.totals();
  const double copy_us =
      std::chrono::duration<double, std::micro>(Clock::now() - copy_start).count() / 1000;
  std::printf(
      "record (%s): %.1f ns per response; reader every %d us (%llu reads); totals(): %.2f us\n",
      old_path ? "status only" : "status, outcome, latency", ns / kResponses, reader_us,
      static_cast<unsigned long long>(reads), copy_us);
}
