#include "harness/scenario/model.hpp"

namespace badgateway {

void Expectation::overlay(const Expectation& patch) {
  if (patch.status) status = patch.status;
  if (patch.status_counts) status_counts = patch.status_counts;
  if (patch.status_in) status_in = patch.status_in;
  if (patch.generated_by) generated_by = patch.generated_by;
  if (patch.outcome) outcome = patch.outcome;
  if (patch.interim) interim = patch.interim;
  if (patch.error_log) error_log = patch.error_log;
  if (patch.no_error_log) no_error_log = patch.no_error_log;
  if (patch.elapsed) elapsed = patch.elapsed;
  if (patch.request_time) request_time = patch.request_time;
  if (patch.upstream_attempts) upstream_attempts = patch.upstream_attempts;
  for (const auto& [name, counts] : patch.fakes) {
    auto& mine = fakes[name];
    if (counts.connections) mine.connections = counts.connections;
    if (counts.requests) mine.requests = counts.requests;
  }
}

Expectation ExpectationSet::for_version(const NginxVersion& v) const {
  Expectation e = base;
  for (const auto& versioned : by_version) {
    if (versioned.range.contains(v)) e.overlay(versioned.patch);
  }
  return e;
}

std::size_t Scenario::response_count() const {
  std::size_t n = 0;
  for (const auto& r : requests) n += static_cast<std::size_t>(r.count);
  return n;
}

}  // namespace badgateway
