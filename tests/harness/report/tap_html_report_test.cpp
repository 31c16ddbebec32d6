#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness/report/html_report.hpp"
#include "harness/report/svg_chart.hpp"
#include "harness/report/tap_report.hpp"

namespace bg = badgateway;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t occurrences(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

bg::Response response(std::size_t index, int status) {
  bg::Response r;
  r.index = index;
  r.request_id = "x-" + std::to_string(index);
  r.method = "GET";
  r.path = "/";
  r.status = status;
  r.outcome = status ? bg::Outcome::complete : bg::Outcome::connect_failed;
  return r;
}

bg::PhaseResult phase(std::string name, std::vector<bg::Check> checks) {
  bg::PhaseResult p;
  p.phase = std::move(name);
  p.ran = true;
  p.checks = std::move(checks);
  p.observed.responses = {response(0, 502)};
  return p;
}

bg::ScenarioResult result(std::string name, bool pass) {
  bg::ScenarioResult r;
  r.name = std::move(name);
  r.cause = "server_unavailable";
  r.file = "s.toml";
  r.target = "nginx 1.22.1 (local)";
  r.has_fix = true;
  r.broken = phase("broken", {{bg::CheckKind::status, "status", "502", "502", true}});
  r.fixed = phase("fixed",
                  {{bg::CheckKind::status, "status", "200", pass ? "200" : "502 \"<b>\"", pass}});
  return r;
}

// A phase in time: traffic that turns from 200 to 502 at a timeline action.
bg::ScenarioResult in_time() {
  bg::ScenarioResult r = result("in-time <&>", true);
  bg::Observation& seen = r.broken.observed;
  const auto start = std::chrono::steady_clock::time_point{} + 1h;
  seen.traffic_start = start;
  seen.responses.clear();
  for (std::size_t i = 0; i < 4; ++i) {
    bg::Response t = response(i, i < 2 ? 200 : 502);
    t.sent_at = start + std::chrono::milliseconds(100 * i);
    t.ended_at = *t.sent_at + 5ms;
    seen.traffic.push_back(t);
  }
  bg::TimelineEvent e;
  e.label = "app <stops>";
  e.action = "stop";
  e.target = "app";
  e.scheduled = 150ms;
  e.happened = 151ms;
  seen.timeline.push_back(e);
  r.about.description = "the app stops & <nginx> answers 502";
  r.about.fix_description = "retry";
  r.about.config.push_back(
      {"nginx.location", "proxy_pass http://a;\nkeep;", "proxy_pass http://b;\nkeep;"});
  r.about.fakes.push_back(
      {"broken", "app", "http", "ok", "127.0.0.1 (port: the kernel's)", {{"delay", "\"1s\""}}});
  return r;
}

}  // namespace

TEST_SUITE("report") {
  TEST_CASE("tap_report: version 13, a plan, ok / not ok with a YAML block, SKIP") {
    bg::ScenarioResult skipped = result("skipped", true);
    skipped.skipped = "needs # root";
    bg::ScenarioResult interrupted = result("cut", true);
    interrupted.interrupted = true;
    bg::ScenarioResult failing = result("bad #1", false);
    const std::string tap = bg::tap_report({result("good", true), failing, skipped, interrupted});
    INFO(tap);
    CHECK(tap.starts_with("TAP version 13\n1..4\n"));
    CHECK(contains(tap, "\nok 1 - good [nginx 1.22.1 (local)]\n"));
    // '#' in a name would start a directive: escaped.
    CHECK(contains(tap, "\nnot ok 2 - bad \\#1 [nginx 1.22.1 (local)]\n  ---\n"));
    CHECK(contains(tap, "  verdict: \"FAIL\"\n"));
    CHECK(contains(tap,
                   "  failed:\n    - phase: \"fixed\"\n      check: \"status\"\n"
                   "      expected: \"200\"\n      seen: \"502 \\\"<b>\\\"\"\n  ...\n"));
    CHECK(contains(tap, "\nok 3 - skipped [nginx 1.22.1 (local)] # SKIP needs \\# root\n"));
    CHECK(contains(tap, "\nok 4 - cut [nginx 1.22.1 (local)] # SKIP interrupted"));
    CHECK(occurrences(tap, "  ---\n") == 1);
    CHECK(tap.ends_with("\n"));
  }

  TEST_CASE("tap_report: a harness error in the YAML block") {
    bg::ScenarioResult r = result("err", true);
    r.broken.harness_error = "nginx -t failed:\n\"x\"";
    const std::string tap = bg::tap_report({r});
    INFO(tap);
    CHECK(contains(tap, "not ok 1 - err"));
    CHECK(contains(tap, "  broken_error: \"nginx -t failed:\\n\\\"x\\\"\"\n"));
  }

  TEST_CASE("line_diff") {
    CHECK(bg::line_diff("a\nb\nc", "a\nB\nc") == std::vector<std::string>{" a", "-b", "+B", " c"});
    CHECK(bg::line_diff("", "x") == std::vector<std::string>{"+x"});
    CHECK(bg::line_diff("x\n", "") == std::vector<std::string>{"-x"});
    CHECK(bg::line_diff("same", "same") == std::vector<std::string>{" same"});
  }

  TEST_CASE("status_class") {
    CHECK(bg::status_class(200) == "s2xx");
    CHECK(bg::status_class(301) == "s3xx");
    CHECK(bg::status_class(404) == "s4xx");
    CHECK(bg::status_class(502) == "s502");
    CHECK(bg::status_class(504) == "s504");
    CHECK(bg::status_class(503) == "s5xx");
    CHECK(bg::status_class(0) == "none");
  }

  TEST_CASE("axis_step") {
    CHECK(bg::axis_step(6000, 6) == doctest::Approx(1000));
    CHECK(bg::axis_step(700, 6) == doctest::Approx(200));
    CHECK(bg::axis_step(12000, 6) == doctest::Approx(2000));
  }

  TEST_CASE("timeline_svg: a bar per request, a mark per action, text escaped") {
    bg::TimelineChart chart;
    chart.domain_ms = 1000;
    chart.bars = {{0, 10, "s2xx", "a <b>"}, {500, 900, "s502", "c"}};
    chart.marks = {{250, "x & y", false}, {250, "z", false}, {800, "late", true}};
    const std::string svg = bg::timeline_svg(chart);
    INFO(svg);
    CHECK(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // Each request twice: its own row, and the strip.
    CHECK(occurrences(svg, "<rect class=\"bar ") == 4);
    CHECK(contains(svg, "<title>a &lt;b&gt;</title>"));
    // Two actions at the same moment are one mark with both labels.
    CHECK(occurrences(svg, "<g class=\"mark\">") + occurrences(svg, "<g class=\"mark failed\">") ==
          2);
    CHECK(contains(svg, ">x &amp; y, z</text>"));
    CHECK(contains(svg, "<g class=\"mark failed\">"));
    CHECK(svg.ends_with("</svg>\n"));
  }

  TEST_CASE("html_report: summary, a section per result, chart, diff, fakes, escaping") {
    bg::ScenarioResult skipped = result("skipped", true);
    skipped.skipped = "needs root";
    const std::string html =
        bg::html_report({in_time(), result("bad", false), skipped}, 1234ms, {});
    INFO(html.substr(0, 400));
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.ends_with("</html>\n"));
    CHECK(contains(html, "<table id=\"summary\">"));
    CHECK(occurrences(html, "<section class=\"scenario ") == 3);
    CHECK(contains(html, "<section class=\"scenario pass\" id=\"r1\""));
    CHECK(contains(html, "<section class=\"scenario fail\" id=\"r2\""));
    CHECK(contains(html, "<section class=\"scenario skipped\" id=\"r3\""));
    // No external assets: nothing is fetched.
    CHECK_FALSE(contains(html, "src="));
    CHECK_FALSE(contains(html, "<link"));
    CHECK_FALSE(contains(html, "http://a\">"));
    // Escaped: the name, the description, the action's label, the check's text.
    CHECK_FALSE(contains(html, "in-time <&>"));
    CHECK(contains(html, "in-time &lt;&amp;&gt;"));
    CHECK(contains(html, "the app stops &amp; &lt;nginx&gt; answers 502"));
    CHECK(contains(html, ">app &lt;stops&gt;</text>"));
    CHECK(contains(html, "502 &quot;&lt;b&gt;&quot;"));
    // The timeline chart: one bar per request, coloured by class, and the action's mark.
    CHECK(occurrences(html, "<svg ") == 1);
    CHECK(occurrences(html, "<rect class=\"bar s2xx\"") == 2 * 2);
    CHECK(occurrences(html, "<rect class=\"bar s502\"") == 2 * 2);
    CHECK(contains(html, "<g class=\"mark\">"));
    // The config change as a diff, the fakes with their params.
    CHECK(contains(html, "<span class=\"del\">-proxy_pass http://a;</span>"));
    CHECK(contains(html, "<span class=\"add\">+proxy_pass http://b;</span>"));
    CHECK(contains(html, "<span class=\"same\"> keep;</span>"));
    CHECK(contains(html, "delay = &quot;1s&quot;"));
    // [[requests]] alone: a table of responses.
    CHECK(contains(html, "<table class=\"responses\">"));
    CHECK(contains(html, "Not run: needs root"));
    CHECK(contains(html, "data-ok"));
  }
}
