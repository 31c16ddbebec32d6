#include "harness/diagnose/error_log_line.hpp"

#include <chrono>
#include <tuple>

#include "harness/regex/regex.hpp"

namespace badgateway {
namespace {

// A quoted context field (`, upstream: "..."`): nginx writes the value raw, so it ends at the
// last `"` before the next field or the end of the line.
std::string quoted_field(std::string_view context, std::string_view name) {
  const std::string key = ", " + std::string(name) + ": \"";
  auto start = context.find(key);
  if (start == std::string_view::npos) return {};
  start += key.size();
  auto end = context.find("\", ", start);
  if (end == std::string_view::npos) end = context.rfind('"');
  if (end == std::string_view::npos || end < start) return {};
  return std::string(context.substr(start, end - start));
}

}  // namespace

std::pair<std::string, std::string> split_action(std::string_view text) {
  auto at = text.rfind(" while ");
  if (at == std::string_view::npos) return {std::string(text), {}};
  return {std::string(text.substr(0, at)), std::string(text.substr(at + 7))};
}

std::optional<std::int64_t> error_log_time_seconds(std::string_view time) {
  // "YYYY/MM/DD HH:MM:SS"
  if (time.size() != 19 || time[4] != '/' || time[7] != '/' || time[10] != ' ' || time[13] != ':' ||
      time[16] != ':') {
    return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (time[i] < '0' || time[i] > '9') return std::nullopt;
      v = v * 10 + (time[i] - '0');
    }
    return v;
  };
  auto y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2), mi = number(14, 2),
       s = number(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *s > 60) {
    return std::nullopt;
  }
  const std::chrono::sys_days day =
      std::chrono::year(*y) / std::chrono::month(*mo) / std::chrono::day(*d);
  return std::int64_t{day.time_since_epoch().count()} * 86400 + *h * 3600 + *mi * 60 + *s;
}

std::optional<ErrorLogLine> parse_error_log_line(std::string_view line) {
  static const Regex prefix(
      R"(^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[([a-z]+)\] \d+#\d+: (?:\*\d+ )?)");
  auto groups = prefix.search_groups(line);
  if (!groups) return std::nullopt;
  ErrorLogLine out;
  out.time = (*groups)[1];
  out.level = (*groups)[2];
  std::string_view text = line.substr((*groups)[0].size());
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  // The context starts at ", client: " (a request's lines); a message may hold commas itself.
  std::string_view context;
  if (auto at = text.find(", client: "); at != std::string_view::npos) {
    context = text.substr(at);
    text = text.substr(0, at);
  }
  // "... while reading response header from upstream": the action is nginx's log handler's.
  std::tie(out.message, out.action) = split_action(text);
  out.upstream = quoted_field(context, "upstream");
  out.request = quoted_field(context, "request");
  out.host = quoted_field(context, "host");
  // server: is not quoted (ngx_http_log_error: ", server: %V").
  if (auto at = context.find(", server: "); at != std::string_view::npos) {
    std::string_view rest = context.substr(at + 10);
    out.server = std::string(rest.substr(0, rest.find(", ")));
  }
  return out;
}

}  // namespace badgateway
