#pragma once
// Charts for the HTML report as SVG text: written here rather than drawn by a charting library,
// because no JavaScript charting library Debian packages can be embedded in a self-contained
// file without vendoring it, and SVG is text like the rest of the report (html_report.hpp).
#include <string>
#include <vector>

namespace badgateway {

// One request: a horizontal bar from send to end, milliseconds from the start of traffic.
// `css_class` colours it (the report's stylesheet: "s2xx", "s502", ...); `tooltip` is shown on
// hover (a <title>).
struct ChartBar {
  double sent_ms = 0;
  double ended_ms = 0;
  std::string css_class;
  std::string tooltip;
};

// One timeline action: a vertical mark at `at_ms` with its label; `failed` draws it as an action
// that did not happen as planned (at its scheduled time).
struct ChartMark {
  double at_ms = 0;
  std::string label;
  bool failed = false;
};

struct TimelineChart {
  std::vector<ChartBar> bars;  // in send order: one row each, top to bottom
  std::vector<ChartMark> marks;
  double domain_ms = 0;  // the x axis runs from 0 to this (callers share it between phases)
  int width = 640;       // pixels, the whole drawing
  std::string title;     // the accessible name (aria-label)
};

// An <svg> element (inline in HTML: no XML declaration): the bars (one row each), under them a
// strip with every bar again on one line (where the colours change shows at a glance however many
// requests there are), a time axis, and the marks across all of it with their labels above,
// labels that would collide moved to the next row. Every text is escaped. Throws only
// std::bad_alloc.
std::string timeline_svg(const TimelineChart& chart);

// A "nice" step for an axis over `domain_ms` with about `ticks` ticks: 1, 2 or 5 x 10^n ms.
double axis_step(double domain_ms, int ticks);

}  // namespace badgateway
