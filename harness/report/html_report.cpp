#include "harness/report/html_report.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "harness/report/svg_chart.hpp"
#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

// xml_escape() escapes the five characters HTML needs escaped too, in text and attributes.
std::string h(std::string_view s) {
  return xml_escape(s);
}

constexpr std::string_view kStyle = R"css(
:root { --fg:#1d2330; --muted:#5b6475; --line:#d8dce4; --bg:#f6f7f9; --card:#fff;
  --pass:#1f7a3a; --fail:#b3261e; --skip:#6b7280; --error:#8a4b00;
  --c2xx:#2e9e4f; --c3xx:#3a78c2; --c4xx:#e0a800; --c502:#d7263d; --c504:#7b3fbf;
  --c5xx:#f26b1d; --cnone:#8a8f99; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color: var(--fg); background: var(--bg); margin: 0; padding: 24px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
h3 { font-size: 14px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
h4 { font-size: 15px; margin: 0 0 8px; }
code, pre, .mono { font-family: "DejaVu Sans Mono", ui-monospace, Menlo, Consolas, monospace;
  font-size: 12.5px; }
p { margin: 6px 0; }
.run-info { color: var(--muted); margin-bottom: 16px; }
.totals { display: flex; gap: 10px; margin: 12px 0 18px; flex-wrap: wrap; }
.total { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 8px 14px; min-width: 96px; }
.total b { display: block; font-size: 22px; }
table { border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12.5px; background: #fbfbfc; }
#summary { width: 100%; border: 1px solid var(--line); border-radius: 8px; }
#summary td.cell { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12.5px; }
#summary a { color: inherit; text-decoration: none; border-bottom: 1px dotted var(--muted); }
.verdict { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 8px;
  border-radius: 10px; color: #fff; text-transform: uppercase; letter-spacing: .03em; }
.v-pass { background: var(--pass); } .v-fail, .v-timeout { background: var(--fail); }
.v-error { background: var(--error); } .v-skipped, .v-interrupted { background: var(--skip); }
.toolbar { margin: 12px 0; color: var(--muted); }
section.scenario { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin: 22px 0; }
section.scenario.fail, section.scenario.error, section.scenario.timeout {
  border-left: 5px solid var(--fail); }
section.scenario.pass { border-left: 5px solid var(--pass); }
.meta { color: var(--muted); font-size: 13px; }
.description { max-width: 110ch; }
.teaches code { background: #fff4f4; color: #8c1d18; padding: 1px 5px; border-radius: 4px; }
.fix-description { max-width: 110ch; background: #f1f8f3;
  border-left: 3px solid var(--pass); padding: 6px 10px; }
.diff { background: #fbfbfc; border: 1px solid var(--line); border-radius: 6px; margin: 6px 0;
  overflow-x: auto; }
.diff .field { font-weight: 600; padding: 4px 10px; border-bottom: 1px solid var(--line);
  color: var(--muted); font-family: system-ui, sans-serif; font-size: 12.5px; }
.diff pre { margin: 0; padding: 6px 0; }
.diff span { display: block; padding: 0 10px; white-space: pre; }
.diff .del { background: #fde8e8; color: #8c1d18; }
.diff .add { background: #e5f5e9; color: #14532d; }
.diff .same { color: #4b5563; }
.phases { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 18px;
  margin-top: 10px; }
.phase { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.phase.failed { border-color: #e6a3a0; background: #fffafa; }
.phase .summary { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12.5px;
  color: var(--muted); font-weight: 400; }
.checks { width: 100%; font-size: 13px; margin-top: 6px; table-layout: fixed; }
.checks col.mark { width: 26px; } .checks col.subject { width: 36%; }
.checks col.expected { width: 22%; }
.checks td.subject { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12px;
  word-break: break-word; }
.checks td.expected, .checks td.seen { font-family: "DejaVu Sans Mono", ui-monospace, monospace;
  font-size: 12px; overflow-wrap: anywhere; }
.ok { color: var(--pass); font-weight: 700; } .bad { color: var(--fail); font-weight: 700; }
tr.check-fail td { background: #fff1f0; }
details { margin-top: 8px; }
summary { cursor: pointer; color: var(--muted); }
pre.log { background: #1f2430; color: #e6e6e6; padding: 8px 10px; border-radius: 6px;
  overflow-x: auto; max-height: 320px; margin: 6px 0; white-space: pre-wrap; word-break: break-all; }
pre.log .warn { color: #ffd479; } pre.log .err { color: #ff8a80; }
.harness-error { color: var(--error); font-weight: 600; white-space: pre-wrap; }
.chart { overflow-x: auto; }
svg.timeline { display: block; width: 100%; height: auto;
  font: 11px system-ui, "DejaVu Sans", sans-serif; }
svg.timeline .axis line { stroke: #9aa1ad; } svg.timeline .axis text { fill: var(--muted); }
svg.timeline .grid { stroke: #eceef2; }
svg.timeline .mark line { stroke: #1d2330; stroke-width: 1.2; stroke-dasharray: 4 3; }
svg.timeline .mark text { fill: #1d2330; font-weight: 600; }
svg.timeline .mark.failed line { stroke: var(--fail); } svg.timeline .mark.failed text { fill: var(--fail); }
.bar.s2xx, .sw.s2xx { fill: var(--c2xx); background: var(--c2xx); }
.bar.s3xx, .sw.s3xx { fill: var(--c3xx); background: var(--c3xx); }
.bar.s4xx, .sw.s4xx { fill: var(--c4xx); background: var(--c4xx); }
.bar.s502, .sw.s502 { fill: var(--c502); background: var(--c502); }
.bar.s504, .sw.s504 { fill: var(--c504); background: var(--c504); }
.bar.s5xx, .sw.s5xx { fill: var(--c5xx); background: var(--c5xx); }
.bar.none, .sw.none { fill: var(--cnone); background: var(--cnone); }
.legend { display: flex; gap: 12px; flex-wrap: wrap; font-size: 12.5px; color: var(--muted);
  margin: 4px 0 2px; }
.legend .sw { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
  vertical-align: -1px; margin-right: 4px; }
.responses { font-size: 12.5px; }
.responses td { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12px; }
.status-pill { display: inline-block; min-width: 34px; text-align: center; border-radius: 4px;
  color: #fff; padding: 0 4px; font-weight: 600; }
.status-pill.s4xx { color: #1d2330; }
.fakes td { font-size: 13px; } .fakes td.mono { font-size: 12px; }
body.only-failed section.scenario.pass, body.only-failed #summary tr.pass,
body.only-failed section.scenario.skipped, body.only-failed #summary tr.skipped { display: none; }
footer { color: var(--muted); margin-top: 28px; font-size: 12.5px; }
)css";

// Shows only what failed when ticked; marks the page as rendered for the browser test.
constexpr std::string_view kScript = R"js(
(function () {
  var box = document.getElementById('only-failed');
  if (box) box.addEventListener('change', function () {
    document.body.classList.toggle('only-failed', box.checked);
  });
  document.body.setAttribute('data-ok', String(document.querySelectorAll('section.scenario').length));
})();
)js";

// A description as prose: TOML's wrapped lines joined, blank lines kept as paragraph breaks.
std::string prose(std::string_view text) {
  std::string joined;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      joined += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\n') {
      joined += "\n\n";
      while (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      joined += ' ';
    }
  }
  std::string out;
  std::size_t from = 0;
  for (std::size_t at; (at = joined.find("\n\n", from)) != std::string::npos; from = at + 2)
    out += h(joined.substr(from, at - from)) + "<br><br>";
  return out + h(joined.substr(from));
}

std::string verdict_word(const ScenarioResult& r) {
  if (r.interrupted) return "interrupted";
  if (r.skipped) return "skipped";
  switch (r.verdict()) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::error:
      return "error";
    case Verdict::timeout:
      return "timeout";
    case Verdict::skipped:
      return "skipped";
  }
  return "error";
}

std::string verdict_badge(const std::string& word) {
  return fmt::format("<span class=\"verdict v-{0}\">{0}</span>", word);
}

std::string anchor(std::size_t i) {
  return fmt::format("r{}", i + 1);
}

double ms_since(std::chrono::steady_clock::time_point t,
                std::chrono::steady_clock::time_point start) {
  return static_cast<double>(std::chrono::duration_cast<Micros>(t - start).count()) / 1000.0;
}

std::string status_label(const Response& r) {
  return r.status ? fmt::format("{}", r.status) : std::string(to_string(r.outcome));
}

// The classes present in a phase's traffic, with counts, in a fixed order.
std::string legend(const std::vector<const std::vector<Response>*>& lists, bool with_marks) {
  static const std::pair<const char*, const char*> kClasses[] = {
      {"s2xx", "2xx"}, {"s3xx", "3xx"},       {"s4xx", "4xx"},        {"s502", "502"},
      {"s504", "504"}, {"s5xx", "other 5xx"}, {"none", "no response"}};
  std::map<std::string, std::size_t> counts;
  for (const auto* list : lists) {
    for (const auto& r : *list) ++counts[status_class(r.status)];
  }
  std::string out = "<div class=\"legend\">";
  for (const auto& [cls, name] : kClasses) {
    auto it = counts.find(cls);
    if (it == counts.end()) continue;
    out += fmt::format("<span><span class=\"sw {}\"></span>{} ×{}</span>", cls, name, it->second);
  }
  if (with_marks) out += "<span>┆ timeline action</span>";
  out += "</div>\n";
  return out;
}

// Where the x axis of a phase's chart ends: its last request's end or action, whichever is later.
double phase_extent_ms(const PhaseResult& p) {
  const Observation& seen = p.observed;
  if (!seen.traffic_start) return 0;
  double end = 0;
  for (const auto* list : {&seen.traffic, &seen.responses}) {
    for (const auto& r : *list) {
      if (r.ended_at) end = std::max(end, ms_since(*r.ended_at, *seen.traffic_start));
      if (r.sent_at) end = std::max(end, ms_since(*r.sent_at, *seen.traffic_start));
    }
  }
  for (const auto& e : seen.timeline) {
    end = std::max(end,
                   static_cast<double>((e.happened ? *e.happened : e.scheduled).count()) / 1000.0);
  }
  return end;
}

std::string timeline_chart(const PhaseResult& p, const std::string& scenario, double domain_ms) {
  const Observation& seen = p.observed;
  TimelineChart chart;
  chart.domain_ms = domain_ms;
  chart.title = fmt::format("{} ({}): requests over time", scenario, p.phase);
  // [[requests]] first, then [[traffic]]: each in the order sent.
  std::vector<const Response*> all;
  for (const auto* list : {&seen.responses, &seen.traffic}) {
    for (const auto& r : *list) {
      if (r.sent_at) all.push_back(&r);
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Response* a, const Response* b) { return *a->sent_at < *b->sent_at; });
  for (const Response* r : all) {
    const double sent = ms_since(*r->sent_at, *seen.traffic_start);
    const double ended = r->ended_at ? ms_since(*r->ended_at, *seen.traffic_start) : domain_ms;
    std::string tip = fmt::format("{} {} → {} ({}), sent {:.1f} ms, ended {:.1f} ms", r->method,
                                  r->path, status_label(*r), to_string(r->outcome), sent, ended);
    auto acc = seen.access.find(r->request_id);
    if (acc != seen.access.end() && !acc->second.upstream_status.empty()) {
      tip +=
          fmt::format("; upstream {} {}", acc->second.upstream_addr, acc->second.upstream_status);
    }
    chart.bars.push_back({sent, ended, status_class(r->status), printable_utf8(tip)});
  }
  for (const auto& e : seen.timeline) {
    const bool failed = !e.happened;
    const double at =
        static_cast<double>((e.happened ? *e.happened : e.scheduled).count()) / 1000.0;
    chart.marks.push_back({at, failed ? e.label + " (failed)" : e.label, failed});
  }
  std::string out = "<div class=\"chart\">\n";
  out += legend({&seen.responses, &seen.traffic}, !seen.timeline.empty());
  out += timeline_svg(chart);
  out += "</div>\n";
  return out;
}

std::string responses_table(const PhaseResult& p) {
  const Observation& seen = p.observed;
  if (seen.responses.empty()) return "";
  std::string out =
      "<table class=\"responses\"><thead><tr><th>#</th><th>request</th><th>status</th>"
      "<th>outcome</th><th>answered by</th><th>elapsed</th><th>upstream status</th></tr>"
      "</thead><tbody>\n";
  for (const auto& r : seen.responses) {
    auto acc = seen.access.find(r.request_id);
    const std::string cls = status_class(r.status);
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td><span class=\"status-pill sw {}\">{}</span></td>"
        "<td>{}</td><td>{}</td><td>{:.1f} ms</td><td>{}</td></tr>\n",
        r.index, h(r.method + " " + r.path), cls, h(r.status ? std::to_string(r.status) : "—"),
        h(to_string(r.outcome)), h(r.fake.empty() ? (r.status ? "nginx" : "—") : r.fake),
        static_cast<double>(r.elapsed.count()) / 1000.0,
        h(acc != seen.access.end() ? acc->second.upstream_status : ""));
  }
  out += "</tbody></table>\n";
  return out;
}

std::string checks_table(const PhaseResult& p) {
  if (p.checks.empty()) return "";
  std::string out =
      "<table class=\"checks\"><colgroup><col class=\"mark\"><col class=\"subject\">"
      "<col class=\"expected\"><col class=\"seen\"></colgroup><thead><tr><th></th><th>check</th>"
      "<th>expected</th><th>seen</th></tr></thead><tbody>\n";
  for (const auto& c : p.checks) {
    out += fmt::format(
        "<tr class=\"{}\"><td class=\"{}\">{}</td><td class=\"subject\">{}</td>"
        "<td class=\"expected\">{}</td><td class=\"seen\">{}</td></tr>\n",
        c.passed ? "check-pass" : "check-fail", c.passed ? "ok" : "bad", c.passed ? "✓" : "✗",
        h(c.subject), c.expected.empty() ? "—" : h(c.expected),
        c.actual.empty() ? "—" : h(c.actual));
  }
  out += "</tbody></table>\n";
  return out;
}

// The error log, notices dimmed out of the way: open when the phase failed.
std::string error_log(const PhaseResult& p) {
  const auto& log = p.observed.error_log;
  if (log.empty()) return "<p class=\"meta\">nginx's error log: empty</p>\n";
  constexpr std::size_t kShown = 200;
  std::string lines;
  std::size_t shown = 0;
  for (const auto& line : log) {
    if (shown++ == kShown) {
      lines += fmt::format("… {} more lines\n", log.size() - kShown);
      break;
    }
    const char* cls = line.find("[error]") != std::string::npos ||
                              line.find("[crit]") != std::string::npos ||
                              line.find("[alert]") != std::string::npos ||
                              line.find("[emerg]") != std::string::npos
                          ? "err"
                      : line.find("[warn]") != std::string::npos ? "warn"
                                                                 : "";
    lines += *cls ? fmt::format("<span class=\"{}\">{}</span>\n", cls, h(line)) : h(line) + "\n";
  }
  return fmt::format(
      "<details class=\"error-log\"{}><summary>nginx's error log ({} lines)</summary>"
      "<pre class=\"log\">{}</pre></details>\n",
      p.passed() ? "" : " open", log.size(), lines);
}

std::string phase_block(const ScenarioResult& r, const PhaseResult& p, double domain_ms) {
  std::string out = fmt::format("<div class=\"phase {}\" data-phase=\"{}\">\n",
                                p.passed() ? "passed" : "failed", h(p.phase));
  out += fmt::format("<h4>{} {} <span class=\"summary\">{}</span></h4>\n", h(p.phase),
                     p.passed() ? "<span class=\"ok\">✓</span>" : "<span class=\"bad\">✗</span>",
                     h(p.summary()));
  if (p.harness_error) {
    out += fmt::format("<p class=\"harness-error\">harness error: {}</p>\n", h(*p.harness_error));
  }
  if (p.timed_out) {
    out += "<p class=\"harness-error\">stopped at the scenario's time limit (run --timeout)</p>\n";
  }
  if (p.observed.traffic_start) {
    out += timeline_chart(p, display_name(r), domain_ms);
    out += responses_table(p);
  } else {
    out += responses_table(p);
  }
  out += checks_table(p);
  out += error_log(p);
  out += "</div>\n";
  return out;
}

std::string config_change(const ScenarioAbout& about, bool has_fix) {
  if (about.config.empty()) return "";
  std::string out = fmt::format("<h3>{}</h3>\n", has_fix ? "Config: broken → fixed" : "Config");
  if (!about.fix_description.empty()) {
    out += fmt::format("<p class=\"fix-description\">{}</p>\n", prose(about.fix_description));
  }
  for (const auto& part : about.config) {
    const bool changed = part.broken != part.fixed;
    out += fmt::format("<div class=\"diff\"><div class=\"field\">{}{}</div><pre>", h(part.field),
                       !has_fix  ? ""
                       : changed ? " (changed by the fix)"
                                 : " (unchanged)");
    for (const auto& line : line_diff(part.broken, part.fixed)) {
      const char* cls = line[0] == '-' ? "del" : line[0] == '+' ? "add" : "same";
      out += fmt::format("<span class=\"{}\">{}</span>", cls, h(line));
    }
    out += "</pre></div>\n";
  }
  return out;
}

std::string fakes_table(const ScenarioAbout& about) {
  if (about.fakes.empty()) return "";
  std::string out =
      "<h3>Fakes</h3>\n<table class=\"fakes\"><thead><tr><th>phase</th><th>name</th>"
      "<th>behaviour</th><th>listen</th><th>params</th></tr></thead><tbody>\n";
  for (const auto& f : about.fakes) {
    std::vector<std::string> params;
    for (const auto& [k, v] : f.params) params.push_back(h(k + " = " + v));
    out += fmt::format(
        "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}{}</td>"
        "<td class=\"mono\">{}</td><td class=\"mono\">{}</td></tr>\n",
        h(f.phase), h(f.name), h(f.behaviour),
        f.protocol == "http" ? "" : fmt::format(" <span class=\"meta\">({})</span>", h(f.protocol)),
        h(f.listen), params.empty() ? "—" : fmt::format("{}", fmt::join(params, "<br>")));
  }
  out += "</tbody></table>\n";
  return out;
}

std::string scenario_section(const ScenarioResult& r, std::size_t i) {
  const std::string word = verdict_word(r);
  std::string out = fmt::format(
      "<section class=\"scenario {}\" id=\"{}\" data-verdict=\"{}\">\n<h2>{} {} "
      "<span class=\"meta\">{}</span></h2>\n",
      word, anchor(i), word, h(display_name(r)), verdict_badge(word), h(r.target));
  out += fmt::format("<p class=\"meta\">cause <b>{}</b> · {}</p>\n", h(r.cause), h(r.file));
  const ScenarioAbout& about = r.about;
  if (!about.description.empty()) {
    out += fmt::format("<h3>What it reproduces</h3>\n<p class=\"description\">{}</p>\n",
                       prose(about.description));
  }
  if (!about.teaches.empty()) {
    out += fmt::format("<p class=\"teaches\">Teaches: <code>{}</code>{}</p>\n", h(about.teaches),
                       about.directive.empty()
                           ? ""
                           : fmt::format(" · directive <code>{}</code>", h(about.directive)));
  }
  out += config_change(about, r.has_fix);
  out += fakes_table(about);
  if (r.skipped) {
    out += fmt::format("<p class=\"meta\">Not run: {}</p>\n", h(*r.skipped));
  } else if (r.interrupted) {
    out += "<p class=\"meta\">Not run: badgateway was stopped before this ran.</p>\n";
  } else {
    out += "<h3>Runs</h3>\n<div class=\"phases\">\n";
    // One time scale for both phases, so that the charts compare at a glance.
    const double domain =
        std::max(phase_extent_ms(r.broken), r.fixed ? phase_extent_ms(*r.fixed) : 0.0) * 1.02;
    out += phase_block(r, r.broken, domain);
    if (r.fixed) out += phase_block(r, *r.fixed, domain);
    out += "</div>\n";
  }
  out += "</section>\n";
  return out;
}

std::string summary_cell(const PhaseResult* p) {
  return p ? h(p->summary()) : "";
}

}  // namespace

std::string status_class(int status) {
  if (status >= 200 && status < 300) return "s2xx";
  if (status >= 300 && status < 400) return "s3xx";
  if (status >= 400 && status < 500) return "s4xx";
  if (status == 502) return "s502";
  if (status == 504) return "s504";
  if (status >= 500 && status < 600) return "s5xx";
  return "none";
}

std::vector<std::string> line_diff(const std::string& before, const std::string& after) {
  auto split = [](const std::string& text) {
    std::vector<std::string> lines;
    if (text.empty()) return lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  };
  const std::vector<std::string> a = split(before), b = split(after);
  std::vector<std::string> out;
  constexpr std::size_t kLimit = 2000;
  if (a.size() > kLimit || b.size() > kLimit) {
    for (const auto& l : a) out.push_back("-" + l);
    for (const auto& l : b) out.push_back("+" + l);
    return out;
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  std::vector<std::vector<std::size_t>> lcs(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      out.push_back(" " + a[i++]);
      ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push_back("-" + a[i++]);
    } else {
      out.push_back("+" + b[j++]);
    }
  }
  while (i < a.size()) out.push_back("-" + a[i++]);
  while (j < b.size()) out.push_back("+" + b[j++]);
  return out;
}

std::string html_report(const std::vector<ScenarioResult>& results, Millis wall_time,
                        const RunInfo& run) {
  std::map<std::string, std::size_t> totals;
  for (const auto& r : results) ++totals[verdict_word(r)];
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>badgateway report</title>\n<style>{}</style>\n</head>\n<body>\n",
      kStyle);
  std::string modes;
  if (run.seed) modes += fmt::format(" · --shuffle --seed {}", *run.seed);
  if (run.shard) modes += fmt::format(" · shard {}", h(*run.shard));
  if (run.repeat > 1) modes += fmt::format(" · --repeat {}", run.repeat);
  if (run.fail_fast) modes += " · --fail-fast";
  out += fmt::format(
      "<header>\n<h1>badgateway report</h1>\n<p class=\"run-info\">badgateway {} · {} results "
      "· {:.1f} s{}</p>\n",
      BADGATEWAY_VERSION, results.size(), static_cast<double>(wall_time.count()) / 1000.0, modes);
  out += "<div class=\"totals\">";
  for (const char* word : {"pass", "fail", "error", "timeout", "skipped", "interrupted"}) {
    auto it = totals.find(word);
    if (it == totals.end() && std::string_view(word) != "pass" && std::string_view(word) != "fail")
      continue;
    out += fmt::format("<div class=\"total\"><b>{}</b>{}</div>",
                       it == totals.end() ? 0 : it->second, verdict_badge(word));
  }
  out += "</div>\n</header>\n";
  out +=
      "<table id=\"summary\"><thead><tr><th>scenario</th><th>nginx</th><th>verdict</th>"
      "<th>broken</th><th>fixed</th><th>time</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ScenarioResult& r = results[i];
    const std::string word = verdict_word(r);
    const bool ran = !r.interrupted && !r.skipped;
    out += fmt::format(
        "<tr class=\"{}\"><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td>"
        "<td class=\"cell\">{}</td><td class=\"cell\">{}</td><td>{}</td></tr>\n",
        word, anchor(i), h(display_name(r)), h(r.target), verdict_badge(word),
        ran ? summary_cell(&r.broken) : "", ran && r.fixed ? summary_cell(&*r.fixed) : "",
        ran ? fmt::format("{:.1f} s", static_cast<double>(r.duration.count()) / 1000.0) : "");
  }
  out += "</tbody></table>\n";
  out +=
      "<p class=\"toolbar\"><label><input type=\"checkbox\" id=\"only-failed\"> show only what "
      "did not pass</label></p>\n";
  for (std::size_t i = 0; i < results.size(); ++i) out += scenario_section(results[i], i);
  out += fmt::format(
      "<footer>Written by badgateway {}. Charts: each request a bar from the moment it was sent "
      "to the end of its exchange, one row each in send order, and all of them again on the strip "
      "under the rows; both phases on one time scale; dashed lines are timeline actions when they "
      "happened.</footer>\n",
      BADGATEWAY_VERSION);
  out += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return out;
}

}  // namespace badgateway
