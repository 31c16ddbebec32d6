#include <doctest/doctest.h>

#include <string>

#include "harness/metrics/families.hpp"

namespace bg = badgateway;

namespace {

bg::MetricFamily responses() {
  return {"badgateway_responses_total",
          bg::MetricType::counter,
          "Responses by status",
          "responses",
          {{"",
            {{"scenario", "upstream-stalls"},
             {"phase", "broken"},
             {"nginx", "nginx 1.22.1 (local)"},
             {"status", "504"}},
            12}}};
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("exposition: HELP, TYPE and one line per series") {
    CHECK(bg::format_exposition({responses()}) ==
          "# HELP badgateway_responses_total Responses by status\n"
          "# TYPE badgateway_responses_total counter\n"
          "badgateway_responses_total{scenario=\"upstream-stalls\",phase=\"broken\","
          "nginx=\"nginx 1.22.1 (local)\",status=\"504\"} 12\n");
    // A family without series is left out.
    bg::MetricFamily empty = responses();
    empty.series.clear();
    CHECK(bg::format_exposition({empty}).empty());
  }

  TEST_CASE("exposition: label values and help escaped as format 0.0.4 says") {
    bg::MetricFamily f{"badgateway_x", bg::MetricType::gauge, "a \\ b\nc \"q\"", "", {}};
    f.series.push_back({"", {{"scenario", "a\"b\\c\nd"}}, 1.5});
    CHECK(bg::format_exposition({f}) ==
          "# HELP badgateway_x a \\\\ b\\nc \"q\"\n"
          "# TYPE badgateway_x gauge\n"
          "badgateway_x{scenario=\"a\\\"b\\\\c\\nd\"} 1.5\n");
  }

  TEST_CASE("exposition: histogram suffixes, +Inf and NaN") {
    bg::MetricFamily h{"badgateway_latency_seconds", bg::MetricType::histogram, "h", "", {}};
    h.series.push_back({"_bucket", {{"le", "0.1"}}, 3});
    h.series.push_back({"_bucket", {{"le", "+Inf"}}, 4});
    h.series.push_back({"_sum", {}, 0.25});
    h.series.push_back({"_count", {}, 4});
    CHECK(bg::format_exposition({h}) ==
          "# HELP badgateway_latency_seconds h\n# TYPE badgateway_latency_seconds histogram\n"
          "badgateway_latency_seconds_bucket{le=\"0.1\"} 3\n"
          "badgateway_latency_seconds_bucket{le=\"+Inf\"} 4\n"
          "badgateway_latency_seconds_sum 0.25\nbadgateway_latency_seconds_count 4\n");
    CHECK(bg::format_value(1.0 / 0.0) == "+Inf");
    CHECK(bg::format_value(0.0 / 0.0) == "NaN");
    CHECK(bg::format_value(1e6) == "1000000");
  }

  TEST_CASE("graphite: PREFIX.SCENARIO.PHASE.NGINX.NAME.LABEL.VALUE value timestamp") {
    CHECK(bg::format_graphite({responses()}, "badgateway", 1700000000) ==
          "badgateway.upstream-stalls.broken.nginx_1_22_1__local_.responses.status.504 12 "
          "1700000000\n");
    // A dotted prefix keeps its nodes; each node sanitised.
    CHECK(bg::format_graphite({responses()}, "ci.bad gateway", 1)
              .starts_with("ci.bad_gateway.upstream-stalls."));
  }

  TEST_CASE("graphite: nodes sanitised, histograms and non-finite values left out") {
    CHECK(bg::graphite_node("a.b c/d[e]") == "a_b_c_d_e_");
    CHECK(bg::graphite_node("") == "_");
    CHECK(bg::graphite_node("ok-name_1") == "ok-name_1");
    CHECK(bg::graphite_prefix("a..b.") == "a.b");
    bg::MetricFamily h{"h", bg::MetricType::histogram, "", "latency", {{"_count", {}, 1}}};
    CHECK(bg::format_graphite({h}, "p", 1).empty());
    bg::MetricFamily no_node = responses();
    no_node.graphite.clear();
    CHECK(bg::format_graphite({no_node}, "p", 1).empty());
    bg::MetricFamily nan = responses();
    nan.series[0].value = 0.0 / 0.0;
    CHECK(bg::format_graphite({nan}, "p", 1).empty());
    // A newline in a scenario's name cannot start a line of its own.
    bg::MetricFamily evil = responses();
    evil.series[0].labels[0].second = "x 1 2\nbadgateway.y";
    const std::string line = bg::format_graphite({evil}, "p", 7);
    CHECK(line == "p.x_1_2_badgateway_y.broken.nginx_1_22_1__local_.responses.status.504 12 7\n");
  }
}
