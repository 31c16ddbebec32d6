// diagnose's rate over time, the access log beside the error log, and --write: scenarios built
// from the catalog that load, name the right upstreams and say why a group was not written.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/cli/catalog.hpp"
#include "harness/diagnose/access_log.hpp"
#include "harness/diagnose/diagnose.hpp"
#include "harness/diagnose/rate.hpp"
#include "harness/diagnose/write_scenarios.hpp"
#include "harness/input/bounded_file.hpp"
#include "harness/nginx/config_scan.hpp"
#include "harness/scenario/loader.hpp"
#include "tests/support/temp_dir.hpp"

namespace bg = badgateway;
namespace fs = std::filesystem;

namespace {

const std::string kShop = BADGATEWAY_SOURCE_DIR "/scenarios/own_config/shop";
const std::string kFixtures = BADGATEWAY_SOURCE_DIR "/tests/e2e/fixtures/diagnose";

bg::Diagnosis diagnose_file(const std::string& path, const std::vector<bg::Scenario>& catalog) {
  std::ifstream in(path);
  REQUIRE(in);
  return bg::diagnose({&in}, catalog);
}

std::vector<bg::Scenario> catalog() {
  return bg::load_scenarios({BADGATEWAY_SOURCE_DIR "/scenarios"});
}

}  // namespace

TEST_CASE("error_log_time_seconds: nginx's error-log time, and nothing else") {
  CHECK(bg::error_log_time_seconds("1970/01/01 00:01:00") == 60);
  CHECK(bg::error_log_time_seconds("2026/11/30 04:59:41") == 1796014781);
  CHECK_FALSE(bg::error_log_time_seconds("2026/13/30 04:59:41"));
  CHECK_FALSE(bg::error_log_time_seconds("2026-11-30 04:59:41"));
  CHECK_FALSE(bg::error_log_time_seconds("2026/11/30 04:59"));
}

TEST_CASE("parse_error_log_line: server and host fields") {
  auto l = bg::parse_error_log_line(
      "2026/11/29 10:00:01 [error] 12#12: *57 upstream timed out (110: Connection timed out) "
      "while reading response header from upstream, client: 10.0.0.9, server: shop.example.com, "
      "request: \"GET /x HTTP/1.1\", upstream: \"http://10.0.0.5:8080/x\", host: \"h.example\"");
  REQUIRE(l);
  CHECK(l->server == "shop.example.com");
  CHECK(l->host == "h.example");
}

TEST_CASE("render_rate: buckets of a round width over the log's span, the peak named") {
  bg::PerMinute counts{{100, 1}, {101, 8}, {110, 2}};
  std::string r = bg::render_rate(counts, 100, 110);
  CHECK(r.starts_with("▁█········▂"));  // 11 one-minute buckets, empty ones as dots
  CHECK(r.find("per minute") != std::string::npos);
  CHECK(r.find("peak 8 at 01:41") != std::string::npos);
  // A day of minutes fits in 32 buckets of an hour.
  bg::PerMinute day{{0, 1}, {1439, 5}};
  std::string d = bg::render_rate(day, 0, 1439);
  CHECK(d.find("per hour") != std::string::npos);
  CHECK(d.find("peak 5 at 23:00") != std::string::npos);
  // Across years: whole days, dates instead of clock times.
  bg::PerMinute years{{0, 1}, {3 * 525600, 1}};
  CHECK(bg::render_rate(years, 0, 3 * 525600).find("from 1970/01/01") != std::string::npos);
  CHECK(bg::render_rate({{5, 3}}, 5, 5) == "3 within one minute");
  CHECK(bg::render_rate({}, 0, 10).empty());
}

TEST_CASE("diagnose: each group has its lines per minute on the log's time axis") {
  std::stringstream log(
      "2026/11/29 10:00:01 [error] 1#1: *1 connect() failed (111: Connection refused) while "
      "connecting to upstream, client: c, server: s, request: \"GET / HTTP/1.1\", upstream: "
      "\"http://10.0.0.5:80/\", host: \"h\"\n"
      "2026/11/29 10:00:30 [error] 1#1: *2 connect() failed (111: Connection refused) while "
      "connecting to upstream, client: c, server: s, request: \"GET / HTTP/1.1\", upstream: "
      "\"http://10.0.0.5:80/\", host: \"h\"\n"
      "2026/11/29 10:05:00 [error] 1#1: *3 upstream timed out (110: Connection timed out) while "
      "reading response header from upstream, client: c, server: s, request: \"GET / "
      "HTTP/1.1\", upstream: \"http://10.0.0.5:80/\", host: \"h\"\n");
  bg::Diagnosis d = bg::diagnose({&log}, {});
  REQUIRE(d.groups.size() == 2);
  CHECK(d.last_minute - d.first_minute == 5);
  CHECK(d.groups[0].per_minute.size() == 1);
  CHECK(d.groups[0].per_minute.begin()->second == 2);
  CHECK(d.groups[0].request == "GET / HTTP/1.1");
  std::string text = bg::render_diagnosis(d);
  CHECK(text.find("rate:       █·····  per minute from 10:00, peak 2 at 10:00") !=
        std::string::npos);
}

TEST_CASE("AccessLogFormat: nginx's log_format syntax, variables as groups") {
  bg::AccessLogFormat f("$remote_addr [$time_local] \"$request\" ${status}x $upstream_status");
  std::map<std::string, std::string> v;
  REQUIRE(f.parse("1.2.3.4 [30/Nov/2026:04:59:41 +0000] \"GET /a b HTTP/1.1\" 502x 502, 200", v));
  CHECK(v["remote_addr"] == "1.2.3.4");
  CHECK(v["request"] == "GET /a b HTTP/1.1");
  CHECK(v["status"] == "502");
  CHECK(v["upstream_status"] == "502, 200");
  CHECK_FALSE(f.parse("something else", v));
  CHECK(f.has("upstream_status"));
  CHECK_FALSE(f.has("upstream_addr"));
  CHECK_THROWS_AS(bg::AccessLogFormat("no variables"), std::invalid_argument);
  CHECK_THROWS_AS(bg::AccessLogFormat("${}"), std::invalid_argument);
  // Regex characters in the format's text are text.
  bg::AccessLogFormat dots("$a.(*)$b");
  CHECK(dots.parse("x.(*)y", v));
  CHECK_FALSE(dots.parse("xz(*)y", v));
}

TEST_CASE("access_log_time_seconds: $time_local and $time_iso8601") {
  CHECK(bg::access_log_time_seconds("30/Nov/2026:04:59:41 +0000") == 1796014781);
  CHECK(bg::access_log_time_seconds("2026-11-30T04:59:41+00:00") == 1796014781);
  CHECK_FALSE(bg::access_log_time_seconds("30/Foo/2026:04:59:41 +0000"));
  CHECK_FALSE(bg::access_log_time_seconds("-"));
}

TEST_CASE("summarize_access_log: who made each 5xx, retries, attempts per upstream") {
  std::ifstream in(kFixtures + "/upstream-access.log");
  REQUIRE(in);
  bg::AccessLogFormat f(
      "$remote_addr [$time_local] \"$request\" $status us=$upstream_status ua=$upstream_addr "
      "uht=$upstream_header_time");
  bg::AccessSummary s = bg::summarize_access_log(in, f);
  CHECK(s.lines == 5);
  CHECK(s.parsed == 5);
  CHECK(s.server_errors == 4);
  CHECK(s.made_by_nginx == 2);     // 502 with uht "-", 504 with uht "-"
  CHECK(s.made_by_upstream == 1);  // the upstream's own 502 (a header arrived)
  CHECK(s.no_upstream == 1);       // 503 with no upstream tried
  CHECK(s.retried == 1);
  CHECK(s.rescued == 1);
  CHECK(s.peers["10.0.0.11:8080"].attempts == 2);
  CHECK(s.peers["10.0.0.11:8080"].failed == 2);
  CHECK(s.peers["10.0.0.12:8080"].attempts == 3);
  CHECK(s.peers["10.0.0.12:8080"].failed == 2);
  CHECK(s.server_errors_per_minute.size() == 4);
  std::string text = bg::render_access_summary(s, "a.log");
  CHECK(text.find("5xx made by nginx (no response header from the last upstream tried): 2") !=
        std::string::npos);
  CHECK(text.find("1 request went to more than one upstream, 1 of them ended") !=
        std::string::npos);
}

TEST_CASE("summarize_access_log: a format without upstream variables says what to add") {
  std::stringstream in(
      "1.2.3.4 - - [30/Nov/2026:04:59:41 +0000] \"GET / HTTP/1.1\" 502 10 \"-\" \"ua\"\n"
      "garbage\n");
  bg::AccessSummary s = bg::summarize_access_log(in, bg::AccessLogFormat(bg::kCombinedLogFormat));
  CHECK(s.parsed == 1);
  CHECK(s.unparsed == std::vector<std::string>{"garbage"});
  std::string text = bg::render_access_summary(s, "a.log");
  CHECK(text.find("add $upstream_status") != std::string::npos);
  CHECK(text.find("1 line not in the format") != std::string::npos);
}

TEST_CASE("scan_nginx_config: log_format, access_log formats, upstream groups and their pass") {
  bg::ConfigFacts f = bg::scan_nginx_config(kShop + "/nginx.conf", kShop);
  REQUIRE(f.log_formats.count("main") == 1);
  CHECK(f.log_formats["main"].starts_with("$remote_addr - $remote_user [$time_local]"));
  CHECK(f.log_formats["main"].ends_with("urt=\"$upstream_response_time\""));
  CHECK(f.access_log_formats == std::vector<std::string>{"main", "main"});
  CHECK(f.group_passes["shop_api"] == "proxy_pass");
  for (const auto& h : f.hosts) {
    CAPTURE(h.host);
    CHECK(h.upstream_block == (h.host == "php" ? "" : "shop_api"));
  }
}

TEST_CASE("write_scenarios: rendered scenarios from the catalog, each loads") {
  const auto cat = catalog();
  bg::Diagnosis d = diagnose_file(kFixtures + "/shop-error.log", cat);
  bg::test::TempDir tmp("diagnose-write");
  bg::ScenarioWriteOptions o;
  o.dir = tmp.path("out");
  o.log_label = "shop-error.log";
  bg::WriteResult r = bg::write_scenarios(d, cat, o);
  CHECK(r.skipped.empty());
  REQUIRE(r.written.size() == 3);
  for (const auto& w : r.written) {
    CAPTURE(w.file);
    bg::Scenario s = bg::load_scenario_file(w.file);
    CHECK(s.name.starts_with("diagnosed-"));
    CHECK_FALSE(s.nginx.config);  // rendered: no own config without --config
    CHECK(s.fix);                 // the catalog's fix comes along
    const std::string text = bg::read_bounded_file(w.file);
    CHECK(text.starts_with("# Written by `badgateway diagnose --write` from shop-error.log"));
  }
}

TEST_CASE("write_scenarios: the user's config, with fakes for its upstreams") {
  const auto cat = catalog();
  bg::Diagnosis d = diagnose_file(kFixtures + "/shop-error.log", cat);
  bg::test::TempDir tmp("diagnose-write");
  bg::ScenarioWriteOptions o;
  o.dir = tmp.path("out");
  o.config = kShop;
  SUBCASE("an address two hosts could be is not guessed") {
    bg::WriteResult r = bg::write_scenarios(d, cat, o);
    REQUIRE(r.skipped.size() == 2);
    CHECK(r.skipped[0].why.find("say it with --host NAME=10.0.0.11") != std::string::npos);
    // php is the one host on port 9000: mapped without --host.
    REQUIRE(r.written.size() == 1);
    bg::Scenario s = bg::load_scenario_file(r.written[0].file);
    CHECK(s.fakes.at("php").behaviour != "ok");
    CHECK(s.fakes.at("php").protocol == bg::fakes::Protocol::fastcgi);
    CHECK(s.fakes.at("app1").behaviour == "ok");
  }
  SUBCASE("--host maps addresses back to the config's names") {
    o.hosts = {{"app1", "10.0.0.11"}, {"app2", "10.0.0.12:8080"}};
    bg::WriteResult r = bg::write_scenarios(d, cat, o);
    CHECK(r.skipped.empty());
    REQUIRE(r.written.size() == 3);
    bg::Scenario refused = bg::load_scenario_file(r.written[0].file);
    REQUIRE(refused.nginx.config);
    CHECK(refused.fakes.at("app1").behaviour == "refuse");
    CHECK(refused.fakes.at("app2").behaviour == "refuse");
    CHECK(refused.fakes.at("php").behaviour == "ok");
    CHECK(refused.requests.at(0).path == "/api/orders?page=2");
    CHECK(refused.broken.expect.base.status == std::vector<int>{502});
    // Only app1 sent the big header: app2 is healthy and may answer, so no single status.
    bg::Scenario big = bg::load_scenario_file(r.written[2].file);
    CHECK(big.fakes.at("app1").behaviour != "ok");
    CHECK(big.fakes.at("app2").behaviour == "ok");
    CHECK(bg::read_bounded_file(r.written[2].file).find("status_in = [ 502, 200 ]") !=
          std::string::npos);
  }
}

TEST_CASE("write_scenarios: groups no catalog scenario reproduces are listed, not written") {
  std::stringstream log(
      "2026/11/29 10:00:01 [error] 1#1: *1 something new happened while connecting to upstream, "
      "client: c, server: s, request: \"GET / HTTP/1.1\", upstream: \"http://10.0.0.5:80/\", "
      "host: \"h\"\n");
  bg::Diagnosis d = bg::diagnose({&log}, catalog());
  bg::test::TempDir tmp("diagnose-write");
  bg::ScenarioWriteOptions o;
  o.dir = tmp.path("out");
  bg::WriteResult r = bg::write_scenarios(d, catalog(), o);
  CHECK(r.written.empty());
  REQUIRE(r.skipped.size() == 1);
  CHECK(r.skipped[0].why == "no catalog scenario reproduces it yet");
  CHECK(bg::render_write_result(r).find("Not written (1):\n  [1] no catalog") != std::string::npos);
}
