// diagnose against a corpus written from nginx's source: every signature in 1.22's and the newest
// wording, and lines no signature explains, which must be counted, never dropped.
#include "harness/diagnose/diagnose.hpp"
#include "harness/scenario/loader.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace bg = badgateway;

namespace {

struct CorpusLine {
  std::string id;  // "-": no signature
  std::string line;
};

std::vector<CorpusLine> corpus() {
  std::ifstream in(BADGATEWAY_SOURCE_DIR "/tests/harness/diagnose/corpus.log");
  REQUIRE(in);
  std::vector<CorpusLine> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with('#')) continue;
    auto tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    out.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  return out;
}

}  // namespace

TEST_CASE("parse_error_log_line: time, level, message, action and context fields") {
  auto l = bg::parse_error_log_line(
      "2026/11/29 10:00:01 [error] 12#12: *57 FastCGI sent in stderr: \"a, while b\" while "
      "reading response header from upstream, client: 10.0.0.9, server: s, request: \"GET /x "
      "HTTP/1.1\", upstream: \"fastcgi://unix:/run/php.sock:\", host: \"h\"");
  REQUIRE(l);
  CHECK(l->time == "2026/11/29 10:00:01");
  CHECK(l->level == "error");
  CHECK(l->message == "FastCGI sent in stderr: \"a, while b\"");
  CHECK(l->action == "reading response header from upstream");
  CHECK(l->upstream == "fastcgi://unix:/run/php.sock:");
  CHECK(l->request == "GET /x HTTP/1.1");
  auto bare = bg::parse_error_log_line("2026/11/29 10:00:01 [notice] 1#1: exiting");
  REQUIRE(bare);
  CHECK(bare->message == "exiting");
  CHECK(bare->action.empty());
  CHECK_FALSE(bg::parse_error_log_line("PHP message: not nginx's format"));
  CHECK_FALSE(bg::parse_error_log_line(""));
}

TEST_CASE("classify: every corpus line gets its signature, and only its own") {
  std::set<std::string> seen;
  for (const auto& c : corpus()) {
    CAPTURE(c.line);
    auto parsed = bg::parse_error_log_line(c.line);
    const bg::Signature* sig = parsed ? bg::classify(*parsed) : nullptr;
    if (c.id == "-") {
      CHECK(sig == nullptr);
    } else {
      REQUIRE(sig != nullptr);
      CHECK(sig->id == c.id);
      seen.insert(c.id);
    }
  }
  CHECK(seen.size() >= 30);  // the bar: at least 30 distinct signatures
  for (const auto& s : bg::signatures()) {
    CAPTURE(s.id);
    CHECK(seen.count(std::string(s.id)) == 1);  // no signature without a corpus line
  }
}

TEST_CASE("diagnose: the corpus as one log: groups, counts, nothing dropped") {
  std::stringstream log;
  std::size_t lines = 0, explained = 0;
  for (const auto& c : corpus()) {
    log << c.line << '\n';
    ++lines;
    if (c.id != "-") ++explained;
  }
  std::vector<std::istream*> logs{&log};
  bg::Diagnosis d = bg::diagnose(logs, {});
  CHECK(d.lines == lines);
  CHECK(d.explained == explained);
  std::size_t grouped = 0, other = 0;
  bool unknown_upstream_group = false;
  for (const auto& g : d.groups) {
    grouped += g.count;
    if (!g.signature) {
      unknown_upstream_group = true;
      CHECK(g.message == "upstream sent something nobody has seen yet");
      CHECK(g.action == "reading response header from upstream");
    }
  }
  for (const auto& [text, n] : d.other) other += n;
  CHECK(unknown_upstream_group);  // grouped and explained by its phase, not dropped
  CHECK(grouped + other == lines);
  // The two timed-out lines "while reading response header" are one group with both times.
  std::string report = bg::render_diagnosis(d);
  CHECK(
      report.find("upstream timed out (110: Connection timed out) while connecting to upstream") !=
      std::string::npos);
  CHECK(report.find("reproduce:  no scenario yet") != std::string::npos);
  CHECK(report.find("Other lines") != std::string::npos);
}

TEST_CASE("diagnose: a production line finds its scenario by what the scenario teaches") {
  // Production details differ from the catalog's own log lines (another socket path, host name,
  // PHP's own wording): the scenario's `teaches` signature and phase still link them.
  std::vector<bg::Scenario> catalog;
  for (const char* f :
       {"php_fpm_not_running/php-fpm-not-running.toml", "dns/variable-upstream-no-resolver.toml",
        "misconfiguration/fastcgi-catch-stderr.toml", "firewall/blackholed-connect.toml",
        "server_unavailable/upstream-stalls.toml"}) {
    catalog.push_back(bg::load_scenario_file(std::string(BADGATEWAY_SOURCE_DIR "/scenarios/") + f));
  }
  const std::string t = "2026/11/29 10:00:01 [error] 9#9: *4 ";
  const std::string c = ", client: 10.0.0.9, server: s, request: \"GET / HTTP/1.1\", host: \"h\"";
  std::stringstream log;
  log << t << "connect() to unix:/run/php/php8.2-fpm.sock failed (2: No such file or directory) "
      << "while connecting to upstream" << c << '\n'
      << t << "no resolver defined to resolve api.internal" << c << '\n'
      << t << "FastCGI sent in stderr: \"PHP message: PHP Warning:  x\" while reading response "
      << "header from upstream" << c << '\n'
      << t << "upstream timed out (110: Connection timed out) while connecting to upstream" << c
      << '\n';
  std::vector<std::istream*> logs{&log};
  bg::Diagnosis d = bg::diagnose(logs, catalog);
  REQUIRE(d.groups.size() == 4);
  auto proposed = [&](std::string_view start) {
    for (const auto& g : d.groups) {
      if (g.message.starts_with(start)) return g.scenarios;
    }
    FAIL("no group " << start);
    return std::vector<std::string>{};
  };
  CHECK(proposed("connect() to unix") == std::vector<std::string>{"php-fpm-not-running"});
  CHECK(proposed("no resolver") == std::vector<std::string>{"variable-upstream-no-resolver"});
  CHECK(proposed("FastCGI sent") == std::vector<std::string>{"fastcgi-catch-stderr"});
  // The same message in another phase is another scenario: connect timeout, not read timeout.
  CHECK(proposed("upstream timed out") == std::vector<std::string>{"blackholed-connect"});
}
