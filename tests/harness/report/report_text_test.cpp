// Reports stay parseable whatever the logs hold, name every run uniquely across nginx columns, and
// mark what an interrupted run did not finish.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness/nginx/local_launcher.hpp"
#include "harness/process/child.hpp"
#include "harness/process/find_in_path.hpp"
#include "harness/report/json_report.hpp"
#include "harness/report/junit_report.hpp"
#include "harness/report/report_file.hpp"
#include "harness/report/terminal_report.hpp"
#include "harness/report/text_escape.hpp"
#include "harness/run/runner.hpp"

namespace bg = badgateway;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A PHP error_log() line as nginx logs it, with bytes that are not UTF-8 and control characters.
const std::string kDirtyLine =
    "2024/01/01 [error] 1#1: *1 FastCGI sent in stderr: \"PHP message: caf\xc3\xa9 \xff\xfe"
    " bell\x07 esc\x1b[0m nul" +
    std::string(1, '\0') + " end\"";

bg::ScenarioResult result(std::string name, std::string target, bool with_fix) {
  bg::ScenarioResult r;
  r.name = std::move(name);
  r.cause = "server_unavailable";
  r.file = "s.toml";
  r.target = std::move(target);
  r.nginx_version = "1.22.1";
  r.has_fix = with_fix;
  r.broken.phase = "broken";
  r.broken.ran = true;
  r.broken.duration = 100ms;
  r.broken.observed.error_log = {kDirtyLine};
  r.broken.checks.push_back({bg::CheckKind::error_log, "error_log", "x\xff", "y\x01", false});
  if (with_fix) {
    r.fixed = bg::PhaseResult{};
    r.fixed->phase = "fixed";
    r.fixed->ran = true;
  }
  return r;
}

bg::ScenarioResult interrupted(std::string name, std::string target, bool with_fix) {
  bg::ScenarioResult r;
  r.name = std::move(name);
  r.cause = "firewall";
  r.file = "i.toml";
  r.target = std::move(target);
  r.nginx_version = "1.22.1";
  r.interrupted = true;
  r.has_fix = with_fix;
  return r;
}

// A private directory for files the tests hand to xmllint.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "bg-report-test-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

bool xmllint_accepts(const std::string& xml, std::string& why) {
  if (bg::find_in_path("xmllint").empty()) {
    why = "xmllint not installed (libxml2-utils)";
    return false;
  }
  TempDir dir;
  auto file = dir.path / "report.xml";
  std::ofstream(file) << xml;
  auto r = bg::run_command({"xmllint", "--noout", file.string()}, 10000ms);
  why = r.output;
  return r.ok();
}

}  // namespace

TEST_SUITE("report text") {
  TEST_CASE("printable_utf8 keeps valid UTF-8 and shows every other byte as \\xNN") {
    CHECK(bg::printable_utf8("plain ascii\t\n") == "plain ascii\t\n");
    CHECK(bg::printable_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    CHECK(bg::printable_utf8("\xff\xfe") == R"(\xff\xfe)");
    CHECK(bg::printable_utf8("\xc0\x80") == R"(\xc0\x80)");                  // overlong NUL
    CHECK(bg::printable_utf8("\xe0\x80\xaf") == R"(\xe0\x80\xaf)");          // overlong '/'
    CHECK(bg::printable_utf8("\xed\xa0\x80") == R"(\xed\xa0\x80)");          // a surrogate
    CHECK(bg::printable_utf8("\xf4\x90\x80\x80") == R"(\xf4\x90\x80\x80)");  // above U+10FFFF
    CHECK(bg::printable_utf8("cut \xe2\x82") == R"(cut \xe2\x82)");          // truncated
    CHECK(bg::printable_utf8("\x80x") == R"(\x80x)");                        // stray continuation
  }

  TEST_CASE("json_report parses with bytes that are not UTF-8 and control characters") {
    const std::string text = bg::json_report({result("dirty", "local", true)}, 10ms);
    nlohmann::json doc;
    REQUIRE_NOTHROW(doc = nlohmann::json::parse(text));
    const std::string line = doc["scenarios"][0]["broken"]["error_log"][0];
    CHECK(line.find("caf\xc3\xa9 \\xff\\xfe bell\x07 esc\x1b[0m nul") != std::string::npos);
    CHECK(line.find(std::string(1, '\0')) != std::string::npos);  // NUL survives as \u0000
    CHECK(doc["scenarios"][0]["broken"]["checks"][0]["expected"] == "x\\xff");
    CHECK(text.find("\\u0007") != std::string::npos);  // escaped, not raw
  }

  TEST_CASE("junit_report is XML 1.0 that xmllint accepts, whatever the logs held") {
    const std::string xml = bg::junit_report({result("dirty", "local", true)});
    std::string why;
    if (bg::find_in_path("xmllint").empty()) {
      MESSAGE("skipped: xmllint not installed");
      return;
    }
    CHECK_MESSAGE(xmllint_accepts(xml, why), why);
    CHECK(xml.find(R"(\xff\xfe bell\x07 esc\x1b[0m nul\x00 end)") != std::string::npos);
    CHECK(xml.find("caf\xc3\xa9") != std::string::npos);
  }

  TEST_CASE("every run has its own name when two nginx columns run the same scenarios") {
    auto columns = bg::unique_columns({"nginx 1.22.1 (local)", "nginx 1.22.1 (local)"},
                                      {"/usr/sbin/nginx", "nginx"});
    REQUIRE(columns.size() == 2);
    CHECK(columns[0] == "nginx 1.22.1 (local) [/usr/sbin/nginx]");
    CHECK(columns[1] == "nginx 1.22.1 (local) [nginx]");
    std::vector<bg::ScenarioResult> results;
    for (const auto& c : columns) {
      results.push_back(result("a", c, true));
      results.push_back(result("b", c, false));
    }
    const std::string xml = bg::junit_report(results);
    std::set<std::string> names;
    std::size_t cases = 0;
    for (auto pos = xml.find("<testcase "); pos != std::string::npos;
         pos = xml.find("<testcase ", pos + 1)) {
      auto start = xml.find(" name=\"", pos) + 7;
      names.insert(xml.substr(start, xml.find('"', start) - start));
      ++cases;
    }
    CHECK(cases == 6);
    CHECK(names.size() == 6);
    CHECK(names.count("a (broken) [nginx 1.22.1 (local) [nginx]]") == 1);
    auto doc = nlohmann::json::parse(bg::json_report(results, 1ms));
    std::set<std::string> ids;
    for (const auto& s : doc["scenarios"]) ids.insert(s["id"].get<std::string>());
    CHECK(ids.size() == 4);
    const auto table = bg::summary_table(results, 1000ms, bg::TerminalStyle{false});
    CHECK(table.find("0 passed, 4 failed (error_log 4), 0 errors; 4 runs in") != std::string::npos);
  }

  TEST_CASE("unique_columns: distinct labels stay, same label and same argument get #N") {
    CHECK(bg::unique_columns({"a", "b"}, {"x", "x"}) == std::vector<std::string>{"a", "b"});
    CHECK(bg::unique_columns({"a", "a", "b"}, {"x", "x", "y"}) ==
          std::vector<std::string>{"a [x] #1", "a [x] #2", "b"});
  }

  TEST_CASE("an interrupted run: finished results in full, the rest marked interrupted") {
    std::vector<bg::ScenarioResult> results = {result("done", "local", true),
                                               interrupted("pending", "local", true),
                                               interrupted("pending-nofix", "local", false)};
    auto doc = nlohmann::json::parse(bg::json_report(results, 5ms));
    CHECK(doc["total"] == 3);
    CHECK(doc["finished"] == 1);
    CHECK(doc["interrupted"] == 2);
    CHECK(doc["scenarios"][0]["status"] == "finished");
    CHECK(doc["scenarios"][0].contains("broken"));
    CHECK(doc["scenarios"][1]["status"] == "interrupted");
    CHECK(doc["scenarios"][1]["name"] == "pending");
    CHECK_FALSE(doc["scenarios"][1].contains("verdict"));

    const std::string xml = bg::junit_report(results);
    CHECK(xml.find(R"(tests="5" failures="1" errors="0" skipped="3")") != std::string::npos);
    CHECK(xml.find(R"x(name="pending (fixed) [local]" time="0.000">)x"
                   "\n"
                   R"(      <skipped message="interrupted)") != std::string::npos);
    std::string why;
    if (!bg::find_in_path("xmllint").empty()) CHECK_MESSAGE(xmllint_accepts(xml, why), why);
    const auto table = bg::summary_table(results, 1000ms, bg::TerminalStyle{false});
    CHECK(table.find("; 1 run in") != std::string::npos);
    CHECK(table.find("pending") == std::string::npos);
  }

  TEST_CASE("replace_file replaces the whole file and leaves no temp file") {
    TempDir dir;
    const auto target = (dir.path / "r.json").string();
    bg::replace_file(target, "first, longer text\n");
    bg::replace_file(target, "second\n");
    std::ifstream in(target);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(all == "second\n");
    CHECK_FALSE(fs::exists(target + ".tmp"));
    CHECK_THROWS_AS(bg::replace_file((dir.path / "no/such/dir/r.json").string(), "x"),
                    std::system_error);
  }
}
