#include "harness/metrics/families.hpp"

#include <cmath>

#include <fmt/format.h>

namespace badgateway {
namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text: backslash and line feed escaped; label values: double quote too.
std::string escape(std::string_view text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

bool is_phase_label(std::string_view key) {
  for (auto k : kPhaseLabels) {
    if (k == key) return true;
  }
  return false;
}

std::string_view label(const MetricLabels& labels, std::string_view key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return v;
  }
  return {};
}

}  // namespace

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return fmt::format("{}", static_cast<std::int64_t>(value));
  return fmt::format("{}", value);
}

std::string format_exposition(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const auto& f : families) {
    if (f.series.empty()) continue;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, escape(f.help, false), f.name,
                       type_name(f.type));
    for (const auto& s : f.series) {
      out += f.name + s.suffix;
      if (!s.labels.empty()) {
        out += '{';
        for (std::size_t i = 0; i < s.labels.size(); ++i) {
          if (i > 0) out += ',';
          out += fmt::format("{}=\"{}\"", s.labels[i].first, escape(s.labels[i].second, true));
        }
        out += '}';
      }
      out += ' ' + format_value(s.value) + '\n';
    }
  }
  return out;
}

std::string graphite_node(std::string_view text) {
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    out += keep ? c : '_';
  }
  return out.empty() ? "_" : out;
}

std::string graphite_prefix(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const auto dot = text.find('.');
    const std::string_view node = text.substr(0, dot);
    if (!node.empty()) {
      if (!out.empty()) out += '.';
      out += graphite_node(node);
    }
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return out;
}

std::string format_graphite(const std::vector<MetricFamily>& families, std::string_view prefix,
                            std::int64_t unix_seconds) {
  std::string out;
  const std::string head = graphite_prefix(prefix);
  for (const auto& f : families) {
    if (f.graphite.empty() || f.type == MetricType::histogram) continue;
    for (const auto& s : f.series) {
      std::string path = head;
      for (auto key : kPhaseLabels) {
        if (!path.empty()) path += '.';
        path += graphite_node(label(s.labels, key));
      }
      path += '.' + f.graphite;
      for (const auto& [k, v] : s.labels) {
        if (!is_phase_label(k)) path += '.' + graphite_node(k) + '.' + graphite_node(v);
      }
      // Graphite has no NaN or infinity: such a sample is left out.
      if (!std::isfinite(s.value)) continue;
      out += fmt::format("{} {} {}\n", path, format_value(s.value), unix_seconds);
    }
  }
  return out;
}

}  // namespace badgateway
