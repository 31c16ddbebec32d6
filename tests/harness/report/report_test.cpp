#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness/report/json_report.hpp"
#include "harness/report/junit_report.hpp"
#include "harness/report/terminal_report.hpp"
#include "harness/report/text_escape.hpp"

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

bg::Response response(std::string id, int status, std::string fake = "") {
  bg::Response r;
  r.request_id = std::move(id);
  r.method = "GET";
  r.path = "/";
  r.status = status;
  r.outcome = bg::Outcome::complete;
  r.fake = std::move(fake);
  r.elapsed = std::chrono::microseconds(12'345);
  r.clock = "kernel";
  return r;
}

bg::PhaseResult phase(std::string name, std::vector<bg::Response> responses, bool passed,
                      bg::Millis duration) {
  bg::PhaseResult p;
  p.phase = std::move(name);
  p.ran = true;
  p.duration = duration;
  p.observed.responses = std::move(responses);
  p.checks.push_back(
      {bg::CheckKind::status, "status", "502", passed ? "502" : "200 \"x\" <&>", passed});
  return p;
}

// Passes, with a fixed phase: two test cases.
bg::ScenarioResult passing() {
  bg::ScenarioResult r;
  r.name = "upstream-refused";
  r.cause = "server_unavailable";
  r.file = "scenarios/server_unavailable/upstream-refused.toml";
  r.target = "local";
  r.nginx_version = "1.22.1";
  r.broken = phase("broken", {response("a-0", 502), response("a-1", 502)}, true, 1000ms);
  bg::AccessRecord access;
  access.request_id = "a-0";
  access.status = 502;
  access.upstream_status = "502";
  r.broken.observed.access["a-0"] = access;
  r.fixed = phase("fixed", {response("a-2", 200, "app")}, true, 500ms);
  r.duration = 1500ms;
  return r;
}

// Fails a check; its name, the check and the log need escaping.
bg::ScenarioResult failing() {
  bg::ScenarioResult r;
  r.name = "bad-\"quoted\"<&>";
  r.cause = "misconfiguration";
  r.file = "t.toml";
  r.target = "local";
  r.nginx_version = "1.22.1";
  r.broken = phase("broken", {response("b-0", 200, "app")}, false, 250ms);
  r.broken.observed.error_log = {"2024/01/01 [error] 1#1: *1 \"quoted\" <tag> & more\ttab"};
  r.duration = 250ms;
  return r;
}

// A harness error (no verdict) on another target.
bg::ScenarioResult erroring() {
  bg::ScenarioResult r;
  r.name = "nginx-down";
  r.cause = "nginx_not_running";
  r.file = "nginx-down.toml";
  r.target = "docker:1.27";
  r.broken.phase = "broken";
  r.broken.harness_error = "nginx -t failed: \"bad\" <config> & more\nsecond line";
  r.duration = 100ms;
  return r;
}

std::vector<bg::ScenarioResult> all_results() {
  return {passing(), failing(), erroring()};
}

// Structure of JSON text: strings closed, escapes valid, brackets balanced and nested, no raw
// control characters. Returns an empty string or what is wrong.
std::string json_problem(const std::string& s) {
  std::vector<char> stack;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (static_cast<unsigned char>(c) < 0x20)
        return "raw control character in a string at " + std::to_string(i);
      if (c == '\\') {
        if (i + 1 >= s.size() || std::string("\"\\/bfnrtu").find(s[i + 1]) == std::string::npos) {
          return "bad escape at " + std::to_string(i);
        }
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[')
      stack.push_back(c);
    else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != (c == '}' ? '{' : '['))
        return "unbalanced at " + std::to_string(i);
      stack.pop_back();
    }
  }
  if (in_string) return "unterminated string";
  if (!stack.empty()) return "unclosed bracket";
  return "";
}

}  // namespace

TEST_SUITE("report") {
  TEST_CASE("escapes") {
    CHECK(bg::xml_escape("<a href=\"x\">&'</a>") ==
          "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
    CHECK(bg::xml_escape("line\nnext\ttab") == "line\nnext\ttab");
    CHECK(bg::xml_escape(std::string("bell\x07")) == R"(bell\x07)");
    CHECK(bg::xml_escape(std::string("nul\0!", 5)) == R"(nul\x00!)");
    CHECK(bg::xml_escape("\xef\xbf\xbe \xef\xbf\xbf") == R"(\xef\xbf\xbe \xef\xbf\xbf)");
    CHECK(bg::xml_escape("caf\xc3\xa9 \xff<") == "caf\xc3\xa9 \\xff&lt;");
  }

  TEST_CASE("json_report") {
    const std::string json = bg::json_report(all_results(), 4321ms);
    INFO(json);
    CHECK(json_problem(json) == "");
    CHECK(json.starts_with(std::string(R"({"tool":"badgateway","version":")") + BADGATEWAY_VERSION +
                           "\""));
    CHECK(json.ends_with("]}\n"));
    CHECK(occurrences(json, "\n") == 1);  // newlines inside values are escaped
    CHECK(contains(
        json,
        R"("wall_time_ms":4321,"total":3,"finished":3,"interrupted":0,"skipped":0,"passed":1,)"
        R"("scenarios":[)"));

    SUBCASE("scenarios with verdicts") {
      CHECK(contains(json, R"({"id":"upstream-refused [local]","name":"upstream-refused",)"
                           R"("cause":"server_unavailable",)"
                           R"("file":"scenarios/server_unavailable/upstream-refused.toml",)"
                           R"("nginx":"local","nginx_version":"1.22.1","status":"finished",)"
                           R"("verdict":"pass","duration_ms":1500,)"));
      CHECK(contains(json, R"("name":"bad-\"quoted\"<&>")"));
      CHECK(contains(json, R"("verdict":"FAIL")"));
      CHECK(contains(json, R"("verdict":"ERROR")"));
    }

    SUBCASE("phases, responses and checks") {
      CHECK(contains(
          json,
          R"("broken":{"phase":"broken","passed":true,"duration_ms":1000,"summary":"502x2")"));
      CHECK(contains(
          json, R"("fixed":{"phase":"fixed","passed":true,"duration_ms":500,"summary":"200")"));
      CHECK(occurrences(json, R"("fixed":)") == 1);
      CHECK(contains(
          json, R"({"request":"GET /","status":502,"outcome":"complete","generated_by":"nginx",)"
                R"("elapsed_ms":12.345,"elapsed_clock":"kernel","body_bytes":0,)"
                R"("upstream_status":"502","request_time_ms":)"));
      CHECK(contains(json, R"("generated_by":"upstream")"));
      CHECK(contains(
          json, R"({"kind":"status","subject":"status","expected":"502","actual":"200 \"x\" <&>",)"
                R"("passed":false})"));
    }

    SUBCASE("escaped error text") {
      CHECK(contains(json,
                     R"("harness_error":"nginx -t failed: \"bad\" <config> & more\nsecond line")"));
      CHECK(contains(json, R"("summary":"error")"));
      CHECK(contains(json,
                     R"("error_log":["2024/01/01 [error] 1#1: *1 \"quoted\" <tag> & more\ttab"])"));
    }
  }

  TEST_CASE("json_report of no results") {
    const std::string json = bg::json_report({}, 0ms);
    CHECK(json_problem(json) == "");
    CHECK(contains(
        json, R"("total":0,"finished":0,"interrupted":0,"skipped":0,"passed":0,"scenarios":[]})"));
  }

  TEST_CASE("junit_report") {
    const std::string xml = bg::junit_report(all_results());
    INFO(xml);
    CHECK(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"badgateway\">\n"));
    CHECK(xml.ends_with("</testsuites>\n"));

    SUBCASE("one testsuite per target with counts") {
      CHECK(occurrences(xml, "<testsuite ") == 2);
      CHECK(occurrences(xml, "</testsuite>") == 2);
      CHECK(contains(
          xml,
          R"(<testsuite name="local" tests="3" failures="1" errors="0" skipped="0" time="1.750">)"));
      CHECK(contains(
          xml,
          R"(<testsuite name="docker:1.27" tests="1" failures="0" errors="1" skipped="0" time="0.000">)"));
    }

    SUBCASE("one testcase per phase") {
      CHECK(occurrences(xml, "<testcase ") == 4);
      CHECK(occurrences(xml, "</testcase>") == 4);
      CHECK(contains(
          xml,
          R"x(<testcase classname="badgateway.server_unavailable" name="upstream-refused (broken) [local]" time="1.000">)x"));
      CHECK(contains(xml, R"x(name="upstream-refused (fixed) [local]" time="0.500">)x"));
      CHECK(contains(xml, R"x(name="nginx-down (broken) [docker:1.27]")x"));
    }

    SUBCASE("failures and errors, escaped") {
      CHECK(occurrences(xml, "<failure ") == 1);
      CHECK(occurrences(xml, "<error ") == 1);
      CHECK(contains(xml, R"x(name="bad-&quot;quoted&quot;&lt;&amp;&gt; (broken) [local]")x"));
      CHECK(contains(
          xml, R"(<failure message="status: expected 502, got 200 &quot;x&quot; &lt;&amp;&gt;">)"));
      CHECK(contains(
          xml, R"(<error message="nginx -t failed: &quot;bad&quot; &lt;config&gt; &amp; more)"));
      CHECK(contains(
          xml,
          R"(<system-out>2024/01/01 [error] 1#1: *1 &quot;quoted&quot; &lt;tag&gt; &amp; more)"));
      // Nothing from the results appears unescaped.
      CHECK_FALSE(contains(xml, "\"quoted\""));
      CHECK_FALSE(contains(xml, "<&>"));
      CHECK_FALSE(contains(xml, "<config>"));
      CHECK_FALSE(contains(xml, "<tag>"));
    }
  }

  TEST_CASE("summary_table") {
    const std::string table = bg::summary_table(all_results(), 4321ms, bg::TerminalStyle{false});
    INFO(table);
    CHECK(contains(table, "SCENARIO"));
    CHECK(contains(table, "CAUSE"));
    CHECK(contains(table, "local"));
    CHECK(contains(table, "docker:1.27"));
    CHECK(contains(table, "\nupstream-refused "));
    CHECK(contains(table, "\nbad-\"quoted\"<&> "));
    CHECK(contains(table, "\nnginx-down "));
    CHECK(contains(table, "502x2 -> 200"));
    CHECK(contains(table, "\n1 passed, 1 failed (status 1), 1 error; 3 runs in 4.32s\n"));
    CHECK(contains(table, "  broken: status: expected 502, got 200 \"x\" <&>\n"));
    CHECK(contains(table, "  broken: harness error: nginx -t failed"));
    CHECK(contains(table, "    | 2024/01/01 [error]"));
    CHECK_FALSE(contains(table, "\033["));
  }

  TEST_CASE("an overrun shows as TIMEOUT in every report") {
    bg::ScenarioResult r = passing();
    r.fixed.reset();
    r.broken.timed_out = true;
    const std::string table = bg::summary_table({r}, 2000ms, bg::TerminalStyle{false});
    INFO(table);
    CHECK(contains(table, "TIMEOUT"));
    CHECK(contains(table, "  broken: stopped at the scenario's time limit (run --timeout)\n"));
    CHECK(contains(table, "\n0 passed, 0 failed, 0 errors, 1 timed out; 1 run in 2s\n"));
    const std::string json = bg::json_report({r}, 2000ms);
    CHECK(contains(json, "\"verdict\":\"TIMEOUT\""));
    CHECK(contains(json, "\"timed_out\":true"));
    CHECK(contains(
        bg::junit_report({r}),
        "<failure message=\"stopped at the scenario&apos;s time limit (run --timeout)\"/>"));
  }

  TEST_CASE("summary_table counts only the runs that happened") {
    std::vector<bg::ScenarioResult> results = {passing(),
                                               bg::ScenarioResult{}};  // second: interrupted
    const std::string table = bg::summary_table(results, 2000ms, bg::TerminalStyle{false});
    CHECK(contains(table, "\n1 passed, 0 failed, 0 errors; 1 run in 2s\n"));
  }

  TEST_CASE("colour only when asked for") {
    bg::TerminalStyle colour{true};
    CHECK(colour.paint("pass", bg::Verdict::pass) == "\033[32mpass\033[0m");
    CHECK(colour.paint("FAIL", bg::Verdict::fail) == "\033[31;1mFAIL\033[0m");
    CHECK(bg::TerminalStyle{false}.paint("pass", bg::Verdict::pass) == "pass");
    CHECK(bg::TerminalStyle{false}.dim("x") == "x");
    const std::string table = bg::summary_table(all_results(), 1000ms, colour);
    CHECK(contains(table, "\033[32mpass "));
  }

  TEST_CASE("progress_line") {
    const std::string line = bg::progress_line(passing(), 1, 3, bg::TerminalStyle{false});
    CHECK(line == "[  1/3] pass  upstream-refused [local] 502x2 -> 200 (1.50s)\n");
  }

  TEST_CASE("a skipped scenario is skipped in every report, with its reason") {
    bg::ScenarioResult r = passing();
    r.broken = bg::PhaseResult{};
    r.broken.phase = "broken";
    r.fixed.reset();
    r.has_fix = true;
    r.duration = 0ms;
    r.skipped = "flaky on 1.22 (issue 12)";
    CHECK(r.verdict() == bg::Verdict::skipped);
    CHECK(bg::to_string(r.verdict()) == "skip");
    const std::vector<bg::ScenarioResult> results = {r, passing()};
    CHECK(bg::progress_line(r, 1, 2, bg::TerminalStyle{false}) ==
          "[  1/2] skip  upstream-refused [local]: flaky on 1.22 (issue 12)\n");

    const std::string table = bg::summary_table({r, failing()}, 1000ms, bg::TerminalStyle{false});
    INFO(table);
    CHECK(contains(table, "\nskip upstream-refused\n  flaky on 1.22 (issue 12)\n"));
    CHECK(contains(table, "\n0 passed, 1 failed (status 1), 0 errors, 1 skipped; 1 run in 1s\n"));

    const std::string json = bg::json_report({r}, 1000ms);
    CHECK(contains(json, R"x("status":"skipped","skip_reason":"flaky on 1.22 (issue 12)"})x"));
    CHECK(contains(json, R"("total":1,"finished":0,"interrupted":0,"skipped":1,"passed":0,)"));
    CHECK_FALSE(contains(json, R"("verdict")"));

    const std::string xml = bg::junit_report({r});
    CHECK(contains(xml, R"(tests="2" failures="0" errors="0" skipped="2")"));
    CHECK(occurrences(xml, R"x(<skipped message="flaky on 1.22 (issue 12)"/>)x") == 2);
  }
  TEST_CASE("skipped scenarios are summed up by reason, escaped for the terminal") {
    std::vector<bg::ScenarioResult> results;
    for (const char* name : {"a", "b", "c"}) {
      bg::ScenarioResult r;
      r.name = name;
      r.target = "local";
      r.broken.phase = "broken";
      r.skipped = std::string(name) == "c" ? "other \x1b[2J" : "not run: only = true is set on d";
      results.push_back(r);
    }
    const std::string table = bg::summary_table(results, 1000ms, bg::TerminalStyle{false});
    INFO(table);
    CHECK(contains(table, "\nskip a, b\n  not run: only = true is set on d\n"));
    CHECK(contains(table, "\nskip c\n  other \\x1b[2J\n"));
    CHECK_FALSE(contains(table, "\x1b"));
    CHECK(contains(table, "\n0 passed, 0 failed, 0 errors, 3 skipped; 0 runs in 1s\n"));
  }

  TEST_CASE("repetitions have names of their own in every report") {
    std::vector<bg::ScenarioResult> results = {passing(), passing()};
    results[0].repetition = 1;
    results[1].repetition = 2;
    CHECK(bg::result_id(results[1]) == "upstream-refused #2 [local]");
    CHECK(bg::progress_line(results[1], 2, 2, bg::TerminalStyle{false})
              .starts_with("[  2/2] pass  upstream-refused #2 [local] "));
    const std::string table = bg::summary_table(results, 1000ms, bg::TerminalStyle{false});
    CHECK(contains(table, "\nupstream-refused #1 "));
    CHECK(contains(table, "\nupstream-refused #2 "));
    CHECK(contains(table, "\n2 passed, 0 failed, 0 errors; 2 runs in 1s\n"));
    const std::string json = bg::json_report(results, 1000ms);
    CHECK(contains(json, R"("id":"upstream-refused #2 [local]")"));
    CHECK(contains(json, R"("nginx_version":"1.22.1","repetition":2,"status":"finished")"));
    const std::string xml = bg::junit_report(results);
    CHECK(contains(xml, R"(name="upstream-refused #2 (fixed) [local]")"));
    CHECK(occurrences(xml, "<testcase ") == 4);
  }

  TEST_CASE("the summary counts failed checks by kind, in the verdict's order") {
    bg::ScenarioResult a = failing();
    a.broken.checks.push_back({bg::CheckKind::error_log, "error_log /x/", "a line", "none", false});
    a.broken.checks.push_back({bg::CheckKind::error_log, "error_log /y/", "a line", "none", false});
    a.broken.checks.push_back(
        {bg::CheckKind::generated_by, "generated_by", "nginx", "nginx", true});
    bg::ScenarioResult b = failing();
    b.name = "other";
    b.broken.checks.push_back(
        {bg::CheckKind::nginx_crashed, "nginx running", "running", "exit 1", false});
    b.broken.checks.push_back({bg::CheckKind::fake_count, "fakes.app.requests", "1", "0", false});
    const std::string table =
        bg::summary_table({a, b, passing()}, 1000ms, bg::TerminalStyle{false});
    CHECK(contains(
        table,
        "\n1 passed, 2 failed (status 2, error_log 2, fake_count 1, nginx_crashed 1), 0 errors; "
        "3 runs in 1s\n"));
  }

  TEST_CASE("json_report says how the run was made when it matters") {
    bg::RunInfo info;
    info.seed = 1234;
    info.shard = "2/4";
    info.repeat = 3;
    info.fail_fast = true;
    CHECK(contains(bg::json_report({}, 0ms, info),
                   R"("passed":0,"seed":1234,"shard":"2/4","repeat":3,"fail_fast":true,)"
                   R"("scenarios":[])"));
  }
}
