#pragma once
// Live metrics as plain data, and the two wire formats they are published in: Prometheus' text
// exposition format 0.0.4 and Graphite's plaintext protocol. No I/O here.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace badgateway {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { counter, gauge, histogram };

struct MetricSeries {
  std::string suffix;  // a histogram's "_bucket", "_sum", "_count"; otherwise empty
  MetricLabels labels;
  double value = 0;
};

// One metric family: `name` as Prometheus knows it (badgateway_responses_total), `graphite` the
// node its series get in a Graphite path (responses); empty: not sent to Graphite.
struct MetricFamily {
  std::string name;
  MetricType type = MetricType::gauge;
  std::string help;
  std::string graphite;
  std::vector<MetricSeries> series;
};

// The labels that say which phase a series belongs to, in this order: the first three nodes of
// its Graphite path.
inline constexpr std::string_view kPhaseLabels[] = {"scenario", "phase", "nginx"};

// The text exposition format 0.0.4: per family `# HELP`, `# TYPE`, then its series; label
// values and help escaped as the format says. Families without series are left out.
std::string format_exposition(const std::vector<MetricFamily>& families);

// Graphite's plaintext protocol, one line per series: `PREFIX.SCENARIO.PHASE.NGINX.GRAPHITE
// [.LABEL.VALUE]... VALUE TIMESTAMP\n`, every node sanitised (graphite_node). Histograms and
// families without a Graphite node are left out.
std::string format_graphite(const std::vector<MetricFamily>& families, std::string_view prefix,
                            std::int64_t unix_seconds);

// A Graphite path node: letters, digits, '_' and '-' kept, anything else (the '.' that separates
// nodes, spaces, brackets) as '_'; empty as "_".
std::string graphite_node(std::string_view text);
// A prefix of dotted nodes ("ci.badgateway"): each node sanitised, empty nodes dropped.
std::string graphite_prefix(std::string_view text);

// A sample value as both formats write it: integers without a fraction, +Inf, NaN.
std::string format_value(double value);

}  // namespace badgateway
