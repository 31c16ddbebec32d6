#include "harness/report/timestamp.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

using badgateway::local_timestamp;
using namespace std::chrono;

namespace {

// Sets TZ for one test and puts the old value back; tzset() because localtime_r need not read
// TZ again.
class ZoneForTest {
 public:
  explicit ZoneForTest(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ZoneForTest() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

// 2026-11-30T05:31:02Z, and sub-second offsets from it.
system_clock::time_point at(nanoseconds extra) {
  return system_clock::time_point(seconds(1796016662)) +
         duration_cast<system_clock::duration>(extra);
}

}  // namespace

// Issue 16 §3: serve's events had no time, so they could not be lined up with nginx's error log.
TEST_CASE("local_timestamp: ISO 8601, local time, milliseconds") {
  ZoneForTest utc("UTC0");
  CHECK(local_timestamp(at(milliseconds(123))) == "2026-11-30T05:31:02.123");
  CHECK(local_timestamp(at(nanoseconds(0))) == "2026-11-30T05:31:02.000");
  CHECK(local_timestamp(at(milliseconds(7))) == "2026-11-30T05:31:02.007");
  // Truncated like nginx's $msec, never rounded up into the next second.
  CHECK(local_timestamp(at(microseconds(999'999))) == "2026-11-30T05:31:02.999");
}

TEST_CASE("local_timestamp: the local zone, across a day boundary") {
  // POSIX TZ strings need no tz database: "XYZ-10" is UTC+10, "ABC+8" UTC-8.
  {
    ZoneForTest east("XYZ-10");
    CHECK(local_timestamp(at(milliseconds(450)) + hours(14)) == "2026-12-01T05:31:02.450");
  }
  ZoneForTest west("ABC+8");
  CHECK(local_timestamp(at(milliseconds(450))) == "2026-11-29T21:31:02.450");
}

TEST_CASE("local_timestamp: before 1970 the milliseconds still count up from the second") {
  ZoneForTest utc("UTC0");
  CHECK(local_timestamp(system_clock::time_point(milliseconds(-1))) == "1969-12-31T23:59:59.999");
}
