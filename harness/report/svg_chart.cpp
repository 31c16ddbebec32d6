#include "harness/report/svg_chart.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

constexpr double kLeft = 8, kRight = 12;
constexpr double kLabelRow = 14;     // one row of action labels
constexpr int kMaxLabelRows = 4;     // more collide rather than push the plot down further
constexpr double kPlotHeight = 300;  // bars share it, between kMinRow and kMaxRow each
constexpr double kMinRow = 1.2, kMaxRow = 14;
constexpr double kAxisHeight = 22;
// Under the bars, every request again as a tick at its send time, all on one line: with hundreds
// of requests the bars are thin, and the strip still shows when the failures were.
constexpr double kStripGap = 5, kStripHeight = 12;
constexpr double kCharWidth = 6.2;  // an estimate at 11px sans-serif, for label collisions

std::string axis_label(double ms, double step) {
  if (step >= 1000) return fmt::format("{:g}s", ms / 1000);
  if (step >= 100 && std::fmod(ms, 1000) == 0) return fmt::format("{:g}s", ms / 1000);
  return fmt::format("{:g}ms", ms);
}

// Marks closer than a few pixels are one mark with every label ("deploy, app_b stops").
struct MarkGroup {
  double x = 0;
  std::string label;
  bool failed = false;
  int row = 0;
};

std::vector<MarkGroup> group_marks(const std::vector<ChartMark>& marks, double plot_width,
                                   double domain) {
  std::vector<ChartMark> sorted = marks;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ChartMark& a, const ChartMark& b) { return a.at_ms < b.at_ms; });
  std::vector<MarkGroup> groups;
  for (const auto& m : sorted) {
    const double x = kLeft + std::clamp(m.at_ms / domain, 0.0, 1.0) * plot_width;
    if (!groups.empty() && x - groups.back().x < 3) {
      groups.back().label += ", " + m.label;
      groups.back().failed = groups.back().failed || m.failed;
    } else {
      groups.push_back({x, m.label, m.failed, 0});
    }
  }
  // Each label in the first row where it does not overlap the one before it there.
  std::vector<double> row_end(kMaxLabelRows, -1e9);
  for (auto& g : groups) {
    const double w = static_cast<double>(g.label.size()) * kCharWidth + 8;
    int row = 0;
    while (row < kMaxLabelRows - 1 && row_end[static_cast<std::size_t>(row)] > g.x) ++row;
    g.row = row;
    row_end[static_cast<std::size_t>(row)] = g.x + w;
  }
  return groups;
}

}  // namespace

double axis_step(double domain_ms, int ticks) {
  if (domain_ms <= 0 || ticks <= 0) return 1;
  const double raw = domain_ms / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= raw) return m * magnitude;
  }
  return 10 * magnitude;
}

std::string timeline_svg(const TimelineChart& chart) {
  const double domain = chart.domain_ms > 0 ? chart.domain_ms : 1;
  const double width = std::max(chart.width, 200);
  const double plot_width = width - kLeft - kRight;
  const auto x_of = [&](double ms) {
    return kLeft + std::clamp(ms / domain, 0.0, 1.0) * plot_width;
  };

  const std::vector<MarkGroup> groups = group_marks(chart.marks, plot_width, domain);
  int rows_used = 0;
  for (const auto& g : groups) rows_used = std::max(rows_used, g.row + 1);
  const double top = 4 + kLabelRow * rows_used;
  const double n = static_cast<double>(std::max<std::size_t>(chart.bars.size(), 1));
  const double row = std::clamp(kPlotHeight / n, kMinRow, kMaxRow);
  const double plot_height = row * n;
  const double strip_y = top + plot_height + kStripGap;
  const double axis_y = strip_y + kStripHeight + 2;
  const double height = axis_y + kAxisHeight;

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{0:.0f}\" "
      "height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"{2}\">\n",
      width, height, xml_escape(chart.title));
  // The grid and the axis.
  const double step = axis_step(domain, 6);
  out += fmt::format(
      "<g class=\"axis\"><line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n", kLeft,
      top + plot_height, kLeft + plot_width, top + plot_height);
  for (double t = 0; t <= domain + 1e-9; t += step) {
    const double x = x_of(t);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/>"
        "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"{4}\">{5}</text>\n",
        x, top, axis_y + 4, axis_y + 16, t == 0 ? "start" : "middle",
        xml_escape(axis_label(t, step)));
  }
  out += "</g>\n<g class=\"bars\">\n";
  // Bars: at least 3 px wide, so that a 1 ms exchange still shows its colour.
  for (std::size_t i = 0; i < chart.bars.size(); ++i) {
    const ChartBar& b = chart.bars[i];
    const double x0 = x_of(b.sent_ms);
    const double w = std::max(x_of(b.ended_ms) - x0, 3.0);
    const double y = top + row * static_cast<double>(i);
    out += fmt::format(
        "<rect class=\"bar {}\" x=\"{:.1f}\" y=\"{:.2f}\" width=\"{:.1f}\" height=\"{:.2f}\">"
        "<title>{}</title></rect>\n",
        xml_escape(b.css_class), x0, y, w, std::max(row - (row > 3 ? 1 : 0), 1.0),
        xml_escape(b.tooltip));
  }
  out += "</g>\n<g class=\"strip\">\n";
  for (const ChartBar& b : chart.bars) {
    const double x0 = x_of(b.sent_ms);
    out += fmt::format(
        "<rect class=\"bar {}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n",
        xml_escape(b.css_class), x0, strip_y, std::max(x_of(b.ended_ms) - x0, 2.0), kStripHeight);
  }
  out += "</g>\n<g class=\"marks\">\n";
  for (const auto& g : groups) {
    const double label_y = 4 + kLabelRow * g.row + 10;
    // A label that would run off the right edge ends at its mark instead.
    const bool flip = g.x + static_cast<double>(g.label.size()) * kCharWidth > width;
    out += fmt::format(
        "<g class=\"mark{}\"><line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\"{}>{}</text><title>{}</title></g>\n",
        g.failed ? " failed" : "", g.x, label_y + 2, g.x, strip_y + kStripHeight,
        flip ? g.x - 3 : g.x + 3, label_y, flip ? " text-anchor=\"end\"" : "", xml_escape(g.label),
        xml_escape(g.label));
  }
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace badgateway
