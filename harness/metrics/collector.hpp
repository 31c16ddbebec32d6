#pragma once
// Live metrics of a run: what every phase on the LiveBoard counted, kept per phase (scenario,
// phase, nginx) and turned into metric families. Counters of a phase that ended stay (its last
// values, so a final textfile holds every phase; a repeat of the phase adds to them); gauges
// exist only while a phase runs.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "harness/client/latency_histogram.hpp"
#include "harness/client/outcome.hpp"
#include "harness/metrics/families.hpp"
#include "harness/metrics/stub_status.hpp"
#include "harness/run/live_board.hpp"

namespace badgateway {

// The Prometheus histogram's bucket edges for response latency, in seconds.
inline constexpr double kLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,  0.5,    1,     2.5,  5,     10,   30};

class MetricsCollector {
 public:
  // Reads one phase now: its traffic's counts, its fakes', its access log's new lines and nginx's
  // stub_status (in the phase's network namespace, within `stub_limit`). `leaving`: the phase's
  // last reading (LiveBoard::on_leave). Call with the board's lock held (LiveBoard::visit), so
  // the view's sources are alive. Thread-safe.
  void observe(const LiveView& view, bool leaving, Millis stub_limit = Millis(250));
  // Every family, live and finished phases alike. Thread-safe.
  std::vector<MetricFamily> families() const;

 private:
  // Cumulative counts of one run of a phase.
  struct Counts {
    std::map<int, std::uint64_t> by_status;
    std::map<Outcome, std::uint64_t> by_outcome;
    LatencyHistogram latency;
    double latency_sum_seconds = 0;
    std::map<std::string, std::uint64_t> fake_connections, fake_requests;
    std::uint64_t attempts = 0, logged = 0;
    bool access_log = false;
    std::uint64_t accepted = 0, handled = 0, requests = 0;  // stub_status
    bool stub_status = false;
    void add(const Counts& other);
  };
  // A run of the phase going on now.
  struct Live {
    Counts counts;
    LatencyHistogram previous;  // the latency histogram at the reading before
    std::optional<LatencySummary> last_second;
    std::optional<StubStatus> stub;
    std::uintmax_t access_offset = 0;
    std::string partial_line;  // an access-log line not yet complete
  };
  struct Phase {
    Counts finished;                     // runs of the phase that ended, summed
    std::map<std::uint64_t, Live> live;  // by board id
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // scenario, phase, nginx

  mutable std::mutex mutex_;
  std::map<Key, Phase> phases_;
};

}  // namespace badgateway
