#include "harness/report/sweep_report.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace bg = badgateway;

namespace {

// A response that ended `ms` after it was sent, and its access-log line with `upstream_status`.
void add(bg::Observation& seen, int status, int ms, const std::string& upstream_status) {
  const auto start = std::chrono::steady_clock::time_point{} + std::chrono::seconds(1);
  bg::Response r;
  r.index = seen.traffic.size();
  r.request_id = "r-" + std::to_string(r.index);
  r.status = status;
  r.outcome = bg::Outcome::complete;
  r.sent_at = start;
  r.ended_at = start + std::chrono::milliseconds(ms);
  seen.traffic.push_back(r);
  bg::AccessRecord a;
  a.request_id = r.request_id;
  a.status = status;
  a.upstream_status = upstream_status;
  seen.access[r.request_id] = a;
  seen.traffic_start = start;
}

}  // namespace

TEST_CASE("sweep report: status mix, percentiles and attempts of one value") {
  bg::Observation seen;
  for (int i = 0; i < 8; ++i) add(seen, 200, 100, "200");
  add(seen, 200, 300, "504, 200");  // retried and rescued
  add(seen, 504, 200, "504, 504");
  bg::SweepPoint p = bg::sweep_point("100ms", seen);
  CHECK(p.requests == 10);
  CHECK(bg::status_mix(p.status) == "200x9,504x1");
  CHECK(p.logged == 10);
  CHECK(p.retried == 2);
  CHECK(p.mean_attempts == doctest::Approx(1.2));
  CHECK(p.p50.count() >= 100'000);
  CHECK(p.p50.count() <= 101'000);
  CHECK(p.p99.count() >= 300'000);

  bg::Sweep sweep{"s", "s.toml", "read_timeout", "nginx 1.22.1 (local)", {p}};
  bg::SweepPoint failed;
  failed.value = "abc";
  failed.error = "nginx rejected";
  sweep.points.push_back(failed);
  const std::string table = bg::sweep_table(sweep);
  CHECK(table.starts_with("read_timeout  requests  status mix"));
  CHECK(table.find("100ms") != std::string::npos);
  CHECK(table.find("1.20") != std::string::npos);
  CHECK(table.find("abc           error: nginx rejected") != std::string::npos);
  const std::string html = bg::sweep_html(sweep);
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("read_timeout=100ms") != std::string::npos);
  CHECK(bg::sweep_json(sweep).find("\"mean_attempts\": 1.2") != std::string::npos);
}

TEST_CASE("sweep report: no responses is an empty mix") {
  CHECK(bg::status_mix({}) == "-");
  CHECK(bg::status_mix({{0, 2}, {502, 1}}) == "nonex2,502x1");
}
