#include "harness/diagnose/error_log_line.hpp"

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
  return out;
}

}  // namespace badgateway
