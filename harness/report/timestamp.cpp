#include "harness/report/timestamp.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace badgateway {

std::string local_timestamp(std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  // floor, not duration_cast: before 1970 the latter rounds towards zero, a second late.
  const auto seconds = floor<std::chrono::seconds>(at);
  const auto millis = duration_cast<milliseconds>(at - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}", fmt::localtime(system_clock::to_time_t(seconds)),
                     millis);
}

}  // namespace badgateway
