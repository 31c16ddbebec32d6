#include "harness/diagnose/rate.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace badgateway {
namespace {

std::string date(std::int64_t minute) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{
      std::chrono::days{minute >= 0 ? minute / 1440 : (minute - 1439) / 1440}}};
  return fmt::format("{:04}/{:02}/{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string clock_time(std::int64_t minute) {
  const std::int64_t in_day = ((minute % 1440) + 1440) % 1440;
  return fmt::format("{:02}:{:02}", in_day / 60, in_day % 60);
}

std::string width_words(std::int64_t minutes) {
  if (minutes % 1440 == 0) return minutes == 1440 ? "day" : fmt::format("{} days", minutes / 1440);
  if (minutes % 60 == 0) return minutes == 60 ? "hour" : fmt::format("{} h", minutes / 60);
  return minutes == 1 ? "minute" : fmt::format("{} min", minutes);
}

}  // namespace

std::string render_rate(const PerMinute& counts, std::int64_t first_minute,
                        std::int64_t last_minute, std::size_t max_buckets) {
  if (counts.empty()) return {};
  first_minute = std::min(first_minute, counts.begin()->first);
  last_minute = std::max(last_minute, counts.rbegin()->first);
  std::size_t total = 0;
  for (const auto& [minute, n] : counts) total += n;
  if (first_minute == last_minute) return fmt::format("{} within one minute", total);
  const auto max = static_cast<std::int64_t>(std::max<std::size_t>(max_buckets, 1));
  const std::int64_t span = last_minute - first_minute + 1;
  constexpr std::array<std::int64_t, 9> kWidths = {1, 5, 10, 15, 30, 60, 120, 360, 720};
  std::int64_t width = 1440;
  for (std::int64_t w : kWidths) {
    // +1: buckets start on a multiple of their width, which can add one at the front.
    if ((span + w - 1) / w + 1 <= max) {
      width = w;
      break;
    }
  }
  while ((span + width - 1) / width + 1 > max) width += 1440;
  // Buckets start at a multiple of their width, as a clock would show them.
  const std::int64_t start = first_minute - (((first_minute % width) + width) % width);
  const auto buckets = static_cast<std::size_t>((last_minute - start) / width + 1);
  std::vector<std::size_t> per(buckets, 0);
  for (const auto& [minute, n] : counts)
    per[static_cast<std::size_t>((minute - start) / width)] += n;
  const auto peak = std::max_element(per.begin(), per.end());
  // Eight heights; an empty bucket is a dot, so that "none" and "a few" differ.
  static constexpr std::array<std::string_view, 8> kBars = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string line;
  for (std::size_t n : per) {
    if (n == 0) {
      line += "·";
      continue;
    }
    const std::size_t level = (n * kBars.size() - 1) / *peak;  // 1..peak -> 0..7
    line += kBars[std::min(level, kBars.size() - 1)];
  }
  const std::int64_t peak_start = start + (peak - per.begin()) * width;
  // Within a day the clock says enough; across days the date is what matters.
  auto when = [&](std::int64_t minute) {
    return width >= 1440 ? date(minute)
           : last_minute / 1440 == first_minute / 1440
               ? clock_time(minute)
               : fmt::format("{} {}", date(minute), clock_time(minute));
  };
  return fmt::format("{}  per {} from {}, peak {} at {}", line, width_words(width), when(start),
                     *peak, when(peak_start));
}

}  // namespace badgateway
