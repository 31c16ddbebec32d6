#include "fakes/base/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace badgateway {
namespace {

struct NumberAndSuffix {
  double number;
  std::string suffix;
};

std::optional<NumberAndSuffix> split_number(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + i, value);
  if (ec != std::errc{} || ptr != text.data() + i || !std::isfinite(value)) return std::nullopt;
  std::string suffix;
  for (char c : text.substr(i))
    suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return NumberAndSuffix{value, suffix};
}

}  // namespace

std::optional<Millis> parse_duration(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed) return std::nullopt;
  double ms = 0;
  if (parsed->suffix == "ms") {
    ms = parsed->number;
  } else if (parsed->suffix == "s") {
    ms = parsed->number * 1000;
  } else if (parsed->suffix == "m") {
    ms = parsed->number * 60'000;
  } else if (parsed->suffix.empty() && parsed->number == 0) {
    ms = 0;
  } else {
    return std::nullopt;
  }
  if (ms > 24.0 * 3600 * 1000) return std::nullopt;
  return Millis(static_cast<std::int64_t>(std::llround(ms)));
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  auto parsed = split_number(text);
  if (!parsed) return std::nullopt;
  double factor = 0;
  const std::string& s = parsed->suffix;
  if (s.empty() || s == "b") {
    factor = 1;
  } else if (s == "k" || s == "kb" || s == "kib") {
    factor = 1024;
  } else if (s == "m" || s == "mb" || s == "mib") {
    factor = 1024.0 * 1024;
  } else {
    return std::nullopt;
  }
  double bytes = parsed->number * factor;
  if (bytes > 1024.0 * 1024 * 1024 || bytes != std::floor(bytes)) return std::nullopt;
  return static_cast<std::uint64_t>(bytes);
}

std::string format_duration(Millis d) {
  auto ms = d.count();
  if (ms >= 1000 && ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  if (ms >= 1000) return fmt::format("{:.2f}s", static_cast<double>(ms) / 1000.0);
  return fmt::format("{}ms", ms);
}

std::string format_duration(Micros d) {
  auto us = d.count();
  if (us % 1000 == 0) return format_duration(Millis(us / 1000));
  if (us >= 1'000'000) return fmt::format("{:.6f}s", static_cast<double>(us) / 1e6);
  return fmt::format("{:.3f}ms", static_cast<double>(us) / 1e3);
}

}  // namespace badgateway
