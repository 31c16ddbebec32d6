#include "harness/report/sweep_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/client/traffic_summary.hpp"
#include "harness/report/svg_chart.hpp"
#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

using Json = nlohmann::ordered_json;

std::string ms(Micros d) {
  const double v = static_cast<double>(d.count()) / 1000.0;
  return v < 10 ? fmt::format("{:.1f}ms", v) : fmt::format("{:.0f}ms", v);
}

std::string status_name(int status) {
  return status == 0 ? "none" : std::to_string(status);
}

// The HTML report's colours (html_report.cpp's stylesheet): by status class.
std::string status_colour(int status) {
  if (status == 0) return "#8a8f99";
  if (status == 502) return "#d7263d";
  if (status == 504) return "#7b3fbf";
  if (status >= 500) return "#f26b1d";
  if (status >= 400) return "#e0a800";
  if (status >= 300) return "#3a78c2";
  return "#2e9e4f";
}

constexpr double kMinLabelWidth = 110, kCharWidth = 6.5, kMixWidth = 300, kGap = 30,
                 kLatencyWidth = 300;
constexpr double kRowHeight = 26, kTop = 24, kAxisHeight = 24, kRight = 90;

// One row per value: the status mix as a stacked bar (share of requests), and p50 to p99 on a
// latency axis shared by every row, with the mean attempts written after it.
std::string sweep_svg(const Sweep& sweep) {
  double max_ms = 1;
  for (const auto& p : sweep.points)
    max_ms = std::max(max_ms, static_cast<double>(p.p99.count()) / 1000.0);
  // Wide enough for the longest "NAME=VALUE" (an estimate at 11px sans-serif).
  double label_width = kMinLabelWidth;
  for (const auto& p : sweep.points) {
    const auto chars = static_cast<double>(sweep.name.size() + 1 + p.value.size());
    label_width = std::max(label_width, 16 + chars * kCharWidth);
  }
  const double step = axis_step(max_ms, 5);
  const double domain = std::ceil(max_ms / step) * step;
  const double lat_left = label_width + kMixWidth + kGap;
  const double width = lat_left + kLatencyWidth + kRight;
  const double height = kTop + static_cast<double>(sweep.points.size()) * kRowHeight + kAxisHeight;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
      "viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"{2}\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n",
      width, height, xml_escape("status mix and latency per " + sweep.name));
  out += fmt::format(
      "<text x=\"{:.0f}\" y=\"14\" font-weight=\"bold\">status mix</text>"
      "<text x=\"{:.0f}\" y=\"14\" font-weight=\"bold\">latency: p50 (dot) to p99 "
      "(bar end); mean attempts</text>\n",
      label_width, lat_left);
  for (std::size_t i = 0; i < sweep.points.size(); ++i) {
    const SweepPoint& p = sweep.points[i];
    const double y = kTop + static_cast<double>(i) * kRowHeight;
    out += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                       label_width - 8, y + 15, xml_escape(sweep.name + "=" + p.value));
    if (p.error || p.requests == 0) {
      out += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\">{}</text>\n", label_width, y + 15,
                         xml_escape(p.error ? "error: " + *p.error : "no requests"));
      continue;
    }
    double x = label_width;
    for (const auto& [status, count] : p.status) {
      const double w = kMixWidth * static_cast<double>(count) / static_cast<double>(p.requests);
      out += fmt::format(
          "<rect x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"18\" fill=\"{}\">"
          "<title>{}: {} of {}</title></rect>\n",
          x, y + 3, w, status_colour(status), status_name(status), count, p.requests);
      x += w;
    }
    const double p50 =
        lat_left + kLatencyWidth * static_cast<double>(p.p50.count()) / 1000.0 / domain;
    const double p99 =
        lat_left + kLatencyWidth * static_cast<double>(p.p99.count()) / 1000.0 / domain;
    out += fmt::format(
        "<line x1=\"{0:.2f}\" y1=\"{2:.1f}\" x2=\"{1:.2f}\" y2=\"{2:.1f}\" stroke=\"#5b6475\" "
        "stroke-width=\"4\"><title>p50 {3}, p99 {4}</title></line>"
        "<circle cx=\"{0:.2f}\" cy=\"{2:.1f}\" r=\"4\" fill=\"#1d2330\"/>"
        "<text x=\"{5:.0f}\" y=\"{6:.1f}\">{7}</text>\n",
        p50, p99, y + 12, ms(p.p50), ms(p.p99), lat_left + kLatencyWidth + 8, y + 15,
        p.logged ? fmt::format("{:.2f} attempts", p.mean_attempts) : std::string("-"));
  }
  const double axis_y = kTop + static_cast<double>(sweep.points.size()) * kRowHeight + 4;
  out += fmt::format(
      "<line x1=\"{0:.0f}\" y1=\"{2:.1f}\" x2=\"{1:.0f}\" y2=\"{2:.1f}\" stroke=\"#d8dce4\"/>\n",
      lat_left, lat_left + kLatencyWidth, axis_y);
  for (double t = 0; t <= domain + step / 2; t += step) {
    const double x = lat_left + kLatencyWidth * t / domain;
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x,
                       axis_y + 14,
                       step >= 1000 || std::fmod(t, 1000) == 0 ? fmt::format("{:g}s", t / 1000)
                                                               : fmt::format("{:g}ms", t));
  }
  out += "</svg>";
  return out;
}

}  // namespace

SweepPoint sweep_point(std::string value, const Observation& seen) {
  SweepPoint p;
  p.value = std::move(value);
  const std::vector<Response>& responses = seen.traffic.empty() ? seen.responses : seen.traffic;
  const auto start = seen.traffic_start.value_or(std::chrono::steady_clock::time_point{});
  const TrafficSummary summary = summarize_traffic(responses, start);
  p.requests = summary.total.requests;
  p.status = summary.total.status;
  p.p50 = summary.latency.percentile(0.50);
  p.p99 = summary.latency.percentile(0.99);
  std::uint64_t attempts = 0;
  for (const Response& r : responses) {
    auto it = seen.access.find(r.request_id);
    if (it == seen.access.end()) continue;
    const int n = it->second.attempts();
    if (n == 0) continue;
    ++p.logged;
    attempts += static_cast<std::uint64_t>(n);
    if (n > 1) ++p.retried;
  }
  if (p.logged) p.mean_attempts = static_cast<double>(attempts) / static_cast<double>(p.logged);
  return p;
}

std::string status_mix(const std::map<int, std::uint64_t>& status) {
  std::vector<std::string> parts;
  for (const auto& [code, count] : status)
    parts.push_back(fmt::format("{}x{}", status_name(code), count));
  return parts.empty() ? "-" : fmt::format("{}", fmt::join(parts, ","));
}

std::string sweep_table(const Sweep& sweep) {
  std::size_t value_width = sweep.name.size(), mix_width = 10;
  for (const auto& p : sweep.points) {
    value_width = std::max(value_width, p.value.size());
    mix_width = std::max(mix_width, status_mix(p.status).size());
  }
  std::string out =
      fmt::format("{:<{}}  {:>8}  {:<{}}  {:>8}  {:>8}  {:>8}  {:>7}\n", sweep.name, value_width,
                  "requests", "status mix", mix_width, "p50", "p99", "attempts", "retried");
  for (const auto& p : sweep.points) {
    if (p.error) {
      out += fmt::format("{:<{}}  error: {}\n", p.value, value_width, *p.error);
      continue;
    }
    out += fmt::format("{:<{}}  {:>8}  {:<{}}  {:>8}  {:>8}  {:>8}  {:>7}\n", p.value, value_width,
                       p.requests, status_mix(p.status), mix_width, ms(p.p50), ms(p.p99),
                       p.logged ? fmt::format("{:.2f}", p.mean_attempts) : std::string("-"),
                       p.retried);
  }
  return out;
}

std::string sweep_html(const Sweep& sweep) {
  std::string rows;
  for (const auto& p : sweep.points) {
    if (p.error) {
      rows += fmt::format("<tr><td><code>{}</code></td><td colspan=\"6\">error: {}</td></tr>\n",
                          xml_escape(p.value), xml_escape(*p.error));
      continue;
    }
    rows += fmt::format(
        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        xml_escape(p.value), p.requests, xml_escape(status_mix(p.status)), ms(p.p50), ms(p.p99),
        p.logged ? fmt::format("{:.2f}", p.mean_attempts) : std::string("-"), p.retried);
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>badgateway sweep: {0}</title>\n<style>\n"
      "body {{ font: 14px/1.45 system-ui, sans-serif; color: #1d2330; margin: 24px 32px; }}\n"
      "table {{ border-collapse: collapse; margin: 12px 0 20px; }}\n"
      "th, td {{ text-align: left; padding: 4px 10px; border-bottom: 1px solid #d8dce4; }}\n"
      "th {{ color: #5b6475; font-weight: 600; }}\n.meta {{ color: #5b6475; }}\n"
      "</style>\n</head>\n<body>\n<h1>sweep of <code>{{{{vary.{1}}}}}</code>: {0}</h1>\n"
      "<p class=\"meta\">{2} against {3}</p>\n"
      "<table>\n<tr><th>{1}</th><th>requests</th><th>status mix</th><th>p50</th><th>p99</th>"
      "<th>mean attempts</th><th>retried</th></tr>\n{4}</table>\n{5}\n</body>\n</html>\n",
      xml_escape(sweep.scenario), xml_escape(sweep.name), xml_escape(sweep.file),
      xml_escape(sweep.nginx), rows, sweep_svg(sweep));
}

std::string sweep_json(const Sweep& sweep) {
  Json points = Json::array();
  for (const auto& p : sweep.points) {
    Json j{{"value", p.value}};
    if (p.error) {
      j["error"] = *p.error;
    } else {
      Json status = Json::object();
      for (const auto& [code, count] : p.status) status[status_name(code)] = count;
      j["requests"] = p.requests;
      j["status"] = status;
      j["p50_ms"] = static_cast<double>(p.p50.count()) / 1000.0;
      j["p99_ms"] = static_cast<double>(p.p99.count()) / 1000.0;
      j["logged"] = p.logged;
      j["mean_attempts"] = p.mean_attempts;
      j["retried"] = p.retried;
    }
    points.push_back(std::move(j));
  }
  Json out{{"scenario", sweep.scenario},
           {"file", sweep.file},
           {"vary", sweep.name},
           {"nginx", sweep.nginx},
           {"points", points}};
  return out.dump(2) + "\n";
}

}  // namespace badgateway
