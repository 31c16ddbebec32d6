#pragma once
// A rate over time, drawn in one line: how many lines (or responses) a log has per time bucket,
// so that a burst, a steady trickle and a ramp look different at a glance.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace badgateway {

// Counts per minute: minute (seconds since 1970 / 60) -> count.
using PerMinute = std::map<std::int64_t, std::size_t>;

// One line over [first_minute, last_minute] (the whole log's span, so that every group of one
// log is drawn on the same axis): a sparkline of at most `max_buckets` buckets of a round width
// (1, 5, 10, 15, 30 minutes, 1, 2, 6, 12 hours, then whole days), the width, and the busiest
// bucket with its count and start ("HH:MM"). "" when `counts` is empty; for a span within one
// minute, just the count.
std::string render_rate(const PerMinute& counts, std::int64_t first_minute,
                        std::int64_t last_minute, std::size_t max_buckets = 32);

}  // namespace badgateway
