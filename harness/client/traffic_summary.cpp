#include "harness/client/traffic_summary.hpp"

namespace badgateway {
namespace {

void count(TrafficCounts& c, const Response& r) {
  ++c.requests;
  ++c.status[r.status];
  const std::string_view outcome = to_string(r.outcome);
  if (auto it = c.outcome.find(outcome); it != c.outcome.end()) {
    ++it->second;
  } else {
    c.outcome.emplace(std::string(outcome), 1);
  }
}

}  // namespace

void TrafficSummary::add(const Response& r, std::chrono::steady_clock::time_point start) {
  count(total, r);
  if (auto l = latency_of(r)) latency.record(*l);
  if (r.connected) ++connections;
  const auto sent = r.scheduled_at ? r.scheduled_at : r.sent_at;
  if (!sent || *sent < start) return;
  const auto second = static_cast<std::size_t>(
      std::chrono::duration_cast<std::chrono::seconds>(*sent - start).count());
  if (second >= per_second.size()) per_second.resize(second + 1);
  count(per_second[second], r);
}

TrafficSummary summarize_traffic(const std::vector<Response>& responses,
                                 std::chrono::steady_clock::time_point start) {
  TrafficSummary s;
  for (const auto& r : responses) s.add(r, start);
  return s;
}

}  // namespace badgateway
