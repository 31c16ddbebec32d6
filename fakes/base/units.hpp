#pragma once
// Parsing of human-written quantities shared by scenario files and the command line.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace badgateway {

using Millis = std::chrono::milliseconds;
using Micros = std::chrono::microseconds;

// "250ms", "1s", "1.5s", "2m", "0". A bare number other than 0 is rejected: units are mandatory
// so "300" can never be silently read as seconds by one reader and milliseconds by another.
std::optional<Millis> parse_duration(std::string_view text);

// "512", "8k", "8KiB", "1m", "1MiB": bytes, binary multiples.
std::optional<std::uint64_t> parse_size(std::string_view text);

std::string format_duration(Millis d);
// Microsecond precision for measured times: "199.873ms", "1.250012s".
std::string format_duration(Micros d);

}  // namespace badgateway
