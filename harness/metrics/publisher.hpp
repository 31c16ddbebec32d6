#pragma once
// Live metrics while a run goes on (issue 15): once a second a thread of its own reads every
// phase on the LiveBoard into a MetricsCollector, sends the families to Graphite and keeps them
// for the Prometheus endpoint; at the end the final state goes to a textfile. The runner's
// threads only count (TrafficProgress, the fakes' recorders); nothing here is on their path but
// one last reading of a phase as it leaves the board.
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "fakes/base/address.hpp"
#include "harness/metrics/collector.hpp"
#include "harness/metrics/graphite_client.hpp"
#include "harness/metrics/prometheus_server.hpp"
#include "harness/run/live_board.hpp"

namespace badgateway {

struct MetricsOptions {
  std::optional<fakes::Address> listen;    // --metrics-listen: serve GET /metrics there
  std::string textfile;                    // --metrics-textfile: the final state; empty: none
  std::optional<fakes::Address> graphite;  // --graphite
  std::string graphite_prefix = "badgateway";
  Millis period{1000};
  bool any() const { return listen || !textfile.empty() || graphite; }
};

class MetricsPublisher {
 public:
  // Binds the endpoint (HarnessError when it cannot), hooks onto `board` (before any phase is
  // added) and starts ticking. `notes`: where the endpoint's address and Graphite warnings go.
  MetricsPublisher(MetricsOptions options, LiveBoard& board, std::FILE* notes);
  // Stops ticking; sends the final state to Graphite. Bounded.
  ~MetricsPublisher();
  MetricsPublisher(const MetricsPublisher&) = delete;
  MetricsPublisher& operator=(const MetricsPublisher&) = delete;

  // Stops ticking, sends the final state to Graphite once more and writes the textfile (to
  // FILE.tmp, then renamed). Throws HarnessError when the textfile cannot be written.
  void finish();
  // The exposition text now.
  std::string exposition() const;
  std::uint64_t ticks() const;

 private:
  void run();
  void tick();
  void write_textfile() const;
  MetricsOptions options_;
  LiveBoard& board_;
  MetricsCollector collector_;
  std::optional<GraphiteClient> graphite_;
  std::unique_ptr<PrometheusServer> server_;
  mutable std::mutex mutex_;  // stop_, ticks_
  std::condition_variable wake_;
  bool stop_ = false;
  std::uint64_t ticks_ = 0;
  std::thread thread_;
};

}  // namespace badgateway
