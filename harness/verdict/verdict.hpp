#pragma once
// Expectations against observations, as typed checks carrying expected and actual values.
#include <string>
#include <vector>

#include "harness/observe/observation.hpp"
#include "harness/scenario/model.hpp"

namespace badgateway {

enum class CheckKind {
  status,
  generated_by,
  outcome,
  error_log,
  no_error_log,
  elapsed,
  request_time,
  fake_count,
  upstream_attempts,
  nginx_crashed
};

std::string_view to_string(CheckKind kind);

// How early, at most, an nginx timeout can end as the client's kernel-timestamped elapsed time
// sees it (excluded): nginx's cached millisecond clock. `elapsed.min` is checked less this.
inline constexpr Micros kNginxTimerGranularity{1000};

struct Check {
  CheckKind kind;
  std::string subject;  // "status", "error_log /upstream timed out/", "fakes.app.requests"
  std::string expected;
  std::string actual;
  bool passed = false;
};

std::vector<Check> judge(const Expectation& expect, const Observation& seen);

}  // namespace badgateway
