#include "harness/scenario/model.hpp"

#include "harness/regex/regex.hpp"

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
  if (patch.nginx) nginx = patch.nginx;
  if (patch.elapsed) elapsed = patch.elapsed;
  if (patch.request_time) request_time = patch.request_time;
  if (patch.upstream_attempts) upstream_attempts = patch.upstream_attempts;
  for (const auto& [name, counts] : patch.fakes) {
    auto& mine = fakes[name];
    if (counts.connections || counts.connections_range) {
      mine.connections = counts.connections;
      mine.connections_range = counts.connections_range;
    }
    if (counts.requests) mine.requests = counts.requests;
    for (const auto& [key, bound] : counts.queries) mine.queries[key] = bound;
  }
}

Expectation Expectation::with_placeholders(const PlaceholderLookup& lookup) const {
  auto quoted = [&](const std::string& name) -> std::optional<std::string> {
    auto value = lookup(name);
    if (!value) return std::nullopt;
    return regex_quote(*value);
  };
  auto expand = [&](std::optional<std::vector<std::string>>& patterns) {
    if (!patterns) return;
    for (auto& p : *patterns) p = expand_placeholders(p, quoted);
  };
  Expectation e = *this;
  expand(e.error_log);
  expand(e.no_error_log);
  return e;
}

Expectation ExpectationSet::for_version(const NginxVersion& v,
                                        const std::optional<NginxVersion>& openssl) const {
  Expectation e = base;
  for (const auto& versioned : by_version) {
    if (!versioned.range.contains(v)) continue;
    if (versioned.openssl && (!openssl || !versioned.openssl->contains(*openssl))) continue;
    e.overlay(versioned.patch);
  }
  return e;
}

PhasePlan merge_fix(const Scenario& s, const FixSpec& fix) {
  PhasePlan plan{"fixed",
                 s.fakes,
                 s.nginx,
                 fix.expect,
                 fix.network.value_or(s.network),
                 fix.timeline.value_or(s.timeline)};
  for (const auto& [name, spec] : fix.fakes) {
    FakeSpec& merged = plan.fakes[name] = spec;
    auto it = s.fakes.find(name);
    if (!spec.host && !spec.socket && it != s.fakes.end()) {
      merged.host = it->second.host;
      merged.socket = it->second.socket;
      merged.socket_pos = it->second.socket_pos;
    }
    // The same machine with another program on it: the replaced fake's address stays.
    if (!spec.listen_on && !spec.unix_socket && it != s.fakes.end()) {
      merged.listen_on = it->second.listen_on;
    }
  }
  plan.nginx.overlay(fix.nginx);
  return plan;
}

bool PhasePlan::needs_network() const {
  if (!network.empty()) return true;
  for (const auto& a : timeline) {
    if (a.kind == TimelineActionKind::firewall) return true;
  }
  for (const auto& entry : fakes) {
    if (entry.second.listen_on && !entry.second.listen_on->is_loopback()) return true;
    if (entry.second.resolv_conf) return true;
  }
  return false;
}

std::size_t Scenario::response_count() const {
  std::size_t n = 0;
  for (const auto& r : requests) n += static_cast<std::size_t>(r.count);
  return n;
}

}  // namespace badgateway
