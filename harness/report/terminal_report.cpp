#include "harness/report/terminal_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "harness/client/traffic_summary.hpp"
#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

std::string pad(std::string_view s, std::size_t width) {
  std::string out(s);
  if (out.size() < width) out.append(width - out.size(), ' ');
  return out;
}

std::string cell(const ScenarioResult& r) {
  return r.fixed ? fmt::format("{} -> {}", r.broken.summary(), r.fixed->summary())
                 : r.broken.summary();
}

void append_details(std::string& out, const ScenarioResult& r, const TerminalStyle& style) {
  out += fmt::format("\n{} {} [{}] ({})\n", style.paint(to_string(r.verdict()), r.verdict()),
                     display_name(r), r.target, r.file);
  for (const PhaseResult* p : {&r.broken, r.fixed ? &*r.fixed : nullptr}) {
    if (!p) continue;
    if (p->harness_error) {
      out += fmt::format("  {}: harness error: {}\n", p->phase, *p->harness_error);
      continue;
    }
    if (p->timed_out) {
      out += fmt::format("  {}: stopped at the scenario's time limit (run --timeout)\n", p->phase);
    }
    for (const auto& c : p->checks) {
      if (c.passed) continue;
      out +=
          fmt::format("  {}: {}: expected {}, got {}\n", p->phase, c.subject, c.expected, c.actual);
    }
    if (!p->passed()) {
      std::size_t shown = 0;
      for (const auto& line : p->observed.error_log) {
        if (line.find("[notice]") != std::string::npos) continue;
        if (shown++ == 6) break;
        out += style.dim(fmt::format("    | {}\n", line));
      }
      for (const auto& resp : p->observed.responses) {
        if (!resp.error.empty()) {
          out += style.dim(fmt::format("    > {} {}: {} ({})\n", resp.method, resp.path,
                                       to_string(resp.outcome), resp.error));
          break;
        }
      }
    }
  }
}

// Every kept run directory, passing runs' too: --keep is asked for to look inside them, and the
// directory name holds only the start of a long scenario name.
void append_kept(std::string& out, const std::vector<ScenarioResult>& results,
                 bool several_columns) {
  std::string lines;
  for (const auto& r : results) {
    if (r.name.empty()) continue;
    for (const PhaseResult* p : {&r.broken, r.fixed ? &*r.fixed : nullptr}) {
      if (!p || p->run_dir.empty()) continue;
      lines += fmt::format("  {} {}: {}\n", several_columns ? result_id(r) : display_name(r),
                           p->phase, p->run_dir);
    }
  }
  if (!lines.empty()) out += "\nKept run directories (--keep; remove them when done):\n" + lines;
}

// One line per reason: a run with `only = true` set somewhere leaves out most of the catalog,
// and that should read as one fact, not thirty.
void append_skipped(std::string& out, const std::vector<ScenarioResult>& results,
                    bool several_columns, const TerminalStyle& style) {
  std::vector<std::string> reasons;
  std::map<std::string, std::vector<std::string>> who;
  for (const auto& r : results) {
    if (r.name.empty() || r.interrupted || !r.skipped) continue;
    if (!who.count(*r.skipped)) reasons.push_back(*r.skipped);
    who[*r.skipped].push_back(several_columns ? result_id(r) : display_name(r));
  }
  for (const auto& reason : reasons) {
    out +=
        fmt::format("\n{} {}\n  {}\n", style.paint(to_string(Verdict::skipped), Verdict::skipped),
                    fmt::join(who[reason], ", "), terminal_escape(reason));
  }
}

// "status 2, error_log 1": the failed checks of the failed runs by kind, in CheckKind order, so
// that the last line already says what kind of failure a run had (as wrk counts its errors).
std::string failed_check_kinds(const std::vector<ScenarioResult>& results) {
  std::map<CheckKind, int> counts;
  for (const auto& r : results) {
    if (r.name.empty() || r.interrupted || r.verdict() != Verdict::fail) continue;
    for (const PhaseResult* p : {&r.broken, r.fixed ? &*r.fixed : nullptr}) {
      if (!p) continue;
      for (const auto& c : p->checks) {
        if (!c.passed) ++counts[c.kind];
      }
    }
  }
  std::vector<std::string> parts;
  for (const auto& [kind, n] : counts) parts.push_back(fmt::format("{} {}", to_string(kind), n));
  return parts.empty() ? "" : fmt::format(" ({})", fmt::join(parts, ", "));
}

// A phase with [[traffic]]: one line of latency percentiles, requests and connections.
std::string traffic_lines(const ScenarioResult& r, const TerminalStyle& style) {
  std::string out;
  for (const PhaseResult* p : {&r.broken, r.fixed ? &*r.fixed : nullptr}) {
    if (!p || p->observed.traffic.empty() || !p->observed.traffic_start) continue;
    const TrafficSummary t = summarize_traffic(p->observed.traffic, *p->observed.traffic_start);
    const LatencySummary l = summarize(t.latency);
    out += style.dim(fmt::format(
        "          {} traffic: {} requests on {} connections, latency p50 {} p90 {} p99 {} "
        "p99.9 {} max {}\n",
        p->phase, t.total.requests, t.connections, format_duration(l.p50), format_duration(l.p90),
        format_duration(l.p99), format_duration(l.p999), format_duration(l.max)));
  }
  return out;
}

}  // namespace

TerminalStyle TerminalStyle::detect(std::FILE* stream) {
  const char* no_colour = std::getenv("NO_COLOR");
  return TerminalStyle{(no_colour == nullptr || *no_colour == '\0') &&
                       ::isatty(::fileno(stream)) == 1};
}

std::string TerminalStyle::paint(std::string_view text, Verdict v) const {
  if (!colour) return std::string(text);
  const char* code = v == Verdict::pass      ? "32"
                     : v == Verdict::fail    ? "31;1"
                     : v == Verdict::skipped ? "36"
                                             : "33;1";
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

std::string TerminalStyle::dim(std::string_view text) const {
  return colour ? fmt::format("\033[2m{}\033[0m", text) : std::string(text);
}

std::string progress_line(const ScenarioResult& r, std::size_t done, std::size_t total,
                          const TerminalStyle& style) {
  if (r.skipped) {
    return fmt::format("[{:>3}/{}] {} {} [{}]: {}\n", done, total,
                       style.paint(pad(to_string(r.verdict()), 5), r.verdict()), display_name(r),
                       r.target, terminal_escape(*r.skipped));
  }
  return fmt::format("[{:>3}/{}] {} {} [{}] {} ({})\n", done, total,
                     style.paint(pad(to_string(r.verdict()), 5), r.verdict()), display_name(r),
                     r.target, cell(r), format_duration(r.duration)) +
         traffic_lines(r, style);
}

std::string summary_table(const std::vector<ScenarioResult>& results, Millis wall_time,
                          const TerminalStyle& style) {
  std::vector<std::string> targets;
  std::vector<std::string> names;
  std::map<std::pair<std::string, std::string>, const ScenarioResult*> grid;
  std::map<std::string, std::string> causes;
  for (const auto& r : results) {
    if (r.name.empty() || r.interrupted) continue;  // not run
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end())
      targets.push_back(r.target);
    const std::string row = display_name(r);  // one row per repetition
    if (std::find(names.begin(), names.end(), row) == names.end()) names.push_back(row);
    grid[{row, r.target}] = &r;
    causes[row] = r.cause;
  }
  std::size_t name_w = 8, cause_w = 5;
  for (const auto& n : names) {
    name_w = std::max(name_w, n.size());
    cause_w = std::max(cause_w, causes[n].size());
  }
  std::map<std::string, std::size_t> col_w;
  for (const auto& t : targets) {
    std::size_t w = t.size();
    for (const auto& n : names) {
      if (auto it = grid.find({n, t}); it != grid.end())
        w = std::max(w, cell(*it->second).size() + 7);
    }
    col_w[t] = w;
  }
  std::string out = "\n" + pad("SCENARIO", name_w) + "  " + pad("CAUSE", cause_w);
  for (const auto& t : targets) out += "  " + pad(t, col_w[t]);
  out += "  TIME\n";
  std::size_t counts[5] = {0, 0, 0, 0, 0};  // by Verdict
  for (const auto& n : names) {
    out += pad(n, name_w) + "  " + pad(causes[n], cause_w);
    Millis time{0};
    bool ran = false;
    for (const auto& t : targets) {
      auto it = grid.find({n, t});
      if (it == grid.end()) {
        out += "  " + pad("-", col_w[t]);
        continue;
      }
      const ScenarioResult& r = *it->second;
      ++counts[static_cast<int>(r.verdict())];
      time += r.duration;
      ran = ran || !r.skipped;
      out += "  " + style.paint(pad(to_string(r.verdict()), 5), r.verdict()) + "  " +
             pad(cell(r), col_w[t] - 7);
    }
    out += "  " + (ran ? format_duration(time) : "-") + "\n";
  }
  for (const auto& r : results) {
    if (!r.name.empty() && !r.interrupted && r.verdict() != Verdict::pass &&
        r.verdict() != Verdict::skipped)
      append_details(out, r, style);
  }
  append_skipped(out, results, targets.size() > 1, style);
  append_kept(out, results, targets.size() > 1);
  const auto n = [&](Verdict v) { return counts[static_cast<int>(v)]; };
  // "passed", "failed", "timed out" and "skipped" read right after any count; the nouns do not.
  const auto noun = [](auto count, const char* one, const char* many) {
    return fmt::format("{} {}", count, count == 1 ? one : many);
  };
  const auto runs = n(Verdict::pass) + n(Verdict::fail) + n(Verdict::error) + n(Verdict::timeout);
  out += fmt::format("\n{} passed, {} failed{}, {}{}{}; {} in {}\n", n(Verdict::pass),
                     n(Verdict::fail), failed_check_kinds(results),
                     noun(n(Verdict::error), "error", "errors"),
                     n(Verdict::timeout) ? fmt::format(", {} timed out", n(Verdict::timeout)) : "",
                     n(Verdict::skipped) ? fmt::format(", {} skipped", n(Verdict::skipped)) : "",
                     noun(runs, "run", "runs"), format_duration(wall_time));
  return out;
}

}  // namespace badgateway
