#include "harness/diagnose/access_log.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <fmt/format.h>

#include "harness/diagnose/error_log_line.hpp"

namespace badgateway {
namespace {

constexpr std::size_t kUnparsedKept = 3;

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// $upstream_status, $upstream_addr and the $upstream_*_time variables hold one entry per attempt,
// ", " between attempts and " : " where an internal redirect moved to another upstream group
// (ngx_http_upstream_status_variable).
std::vector<std::string> attempts_of(std::string_view value) {
  std::vector<std::string> out;
  std::string current;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i).starts_with(", ") || value.substr(i).starts_with(" : ")) {
      out.push_back(current);
      current.clear();
      i += value[i] == ',' ? 1 : 2;
      continue;
    }
    current += value[i];
  }
  if (!current.empty() || !out.empty()) out.push_back(current);
  return out;
}

int status_of(std::string_view text) {
  int v = 0;
  if (text.size() != 3) return 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string build_pattern(std::string_view format, std::vector<std::string>& variables) {
  std::string pattern = "^";
  std::string literal;
  for (std::size_t i = 0; i < format.size();) {
    if (format[i] != '$') {
      literal += format[i++];
      continue;
    }
    std::size_t start = i + 1, end = start;
    std::string name;
    if (start < format.size() && format[start] == '{') {
      end = format.find('}', start);
      if (end == std::string_view::npos || end == start + 1)
        throw std::invalid_argument(fmt::format("log_format: an unclosed or empty ${{}} at {}", i));
      name = format.substr(start + 1, end - start - 1);
      ++end;
    } else {
      while (end < format.size() && is_name_char(format[end])) ++end;
      if (end == start) {  // a lone '$' is text, as nginx keeps it
        literal += format[i++];
        continue;
      }
      name = format.substr(start, end - start);
    }
    pattern += regex_quote(literal);
    literal.clear();
    pattern += "(.*?)";
    variables.push_back(std::move(name));
    i = end;
  }
  if (variables.empty()) throw std::invalid_argument("log_format: the format has no $variable");
  pattern += regex_quote(literal) + "$";
  return pattern;
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";

}  // namespace

AccessLogFormat::AccessLogFormat(std::string_view format)
    : text_(format), regex_(build_pattern(format, variables_)) {}

bool AccessLogFormat::parse(std::string_view line, std::map<std::string, std::string>& out) const {
  auto groups = regex_.search_groups(line);
  if (!groups) return false;
  out.clear();
  for (std::size_t i = 0; i < variables_.size(); ++i) out[variables_[i]] = (*groups)[i + 1];
  return true;
}

bool AccessLogFormat::has(std::string_view variable) const {
  return std::find(variables_.begin(), variables_.end(), variable) != variables_.end();
}

std::optional<std::int64_t> access_log_time_seconds(std::string_view time) {
  // $time_iso8601: 2026-11-30T04:59:41+00:00 -> the error log's layout.
  if (time.size() >= 19 && time[4] == '-' && time[10] == 'T') {
    std::string t(time.substr(0, 19));
    t[4] = t[7] = '/';
    t[10] = ' ';
    return error_log_time_seconds(t);
  }
  // $time_local: 30/Nov/2026:04:59:41 +0000
  if (time.size() >= 20 && time[2] == '/' && time[6] == '/' && time[11] == ':') {
    const auto month = kMonths.find(time.substr(3, 3));
    if (month == std::string_view::npos || month % 3 != 0) return std::nullopt;
    const std::string t = fmt::format("{}/{:02}/{} {}", time.substr(7, 4), month / 3 + 1,
                                      time.substr(0, 2), time.substr(12, 8));
    return error_log_time_seconds(t);
  }
  return std::nullopt;
}

AccessSummary summarize_access_log(std::istream& log, const AccessLogFormat& format) {
  AccessSummary s;
  s.format = format.text();
  s.has_upstream_status = format.has("upstream_status");
  s.has_upstream_addr = format.has("upstream_addr");
  s.has_header_time = format.has("upstream_header_time");
  const char* time_variable = format.has("time_local")     ? "time_local"
                              : format.has("time_iso8601") ? "time_iso8601"
                                                           : nullptr;
  std::map<std::string, std::string> v;
  std::string line;
  while (std::getline(log, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    ++s.lines;
    if (!format.parse(line, v)) {
      if (s.unparsed.size() < kUnparsedKept) s.unparsed.push_back(line);
      continue;
    }
    ++s.parsed;
    const int status = status_of(v["status"]);
    ++s.by_status[status];
    std::optional<std::int64_t> seconds;
    if (time_variable) seconds = access_log_time_seconds(v[time_variable]);
    if (seconds) {
      const std::int64_t minute = *seconds / 60;
      if (!s.timed) s.first_minute = s.last_minute = minute;
      s.first_minute = std::min(s.first_minute, minute);
      s.last_minute = std::max(s.last_minute, minute);
      s.timed = true;
    }
    if (status >= 500) {
      ++s.server_errors;
      if (seconds) ++s.server_errors_per_minute[*seconds / 60];
    }
    if (!s.has_upstream_status) continue;
    const auto statuses = attempts_of(v["upstream_status"]);
    const bool asked = !statuses.empty() && statuses != std::vector<std::string>{"-"};
    if (asked && statuses.size() > 1) {
      ++s.retried;
      if (status < 500) ++s.rescued;
    }
    if (status >= 500) {
      if (!asked) {
        ++s.no_upstream;
      } else if (s.has_header_time) {
        const auto header_times = attempts_of(v["upstream_header_time"]);
        (header_times.empty() || header_times.back() == "-" ? s.made_by_nginx
                                                            : s.made_by_upstream)++;
      }
    }
    if (s.has_upstream_addr && asked) {
      const auto addrs = attempts_of(v["upstream_addr"]);
      for (std::size_t i = 0; i < addrs.size(); ++i) {
        PeerAttempts& p = s.peers[addrs[i]];
        ++p.attempts;
        if (i < statuses.size() && status_of(statuses[i]) >= 500) ++p.failed;
      }
    }
  }
  return s;
}

std::string render_access_summary(const AccessSummary& s, std::string_view log_name) {
  std::string out =
      fmt::format("\nAccess log {}: {} lines, {} in the format", log_name, s.lines, s.parsed);
  if (s.parsed == 0) {
    out += fmt::format(
        "\n    none of its lines is in the format '{}': pass the log_format your config uses "
        "(--log-format 'FORMAT' or its name with --config)\n",
        s.format);
    for (const auto& line : s.unparsed) out += fmt::format("    not in the format: {}\n", line);
    return out;
  }
  std::vector<std::string> statuses;
  for (const auto& [status, n] : s.by_status)
    statuses.push_back(status == 0 ? fmt::format("no status {}", n)
                                   : fmt::format("{} x{}", status, n));
  out += fmt::format("\n    statuses:   {}\n", fmt::join(statuses, ", "));
  if (s.timed && !s.server_errors_per_minute.empty()) {
    out += fmt::format("    5xx rate:   {}\n",
                       render_rate(s.server_errors_per_minute, s.first_minute, s.last_minute));
  }
  if (!s.has_upstream_status) {
    out +=
        "    who made the 5xx: the format has no $upstream_status (add $upstream_status, "
        "$upstream_addr and $upstream_header_time to the log_format to tell nginx's own 502s "
        "and 504s from the upstream's)\n";
  } else if (s.server_errors > 0) {
    if (s.has_header_time) {
      out += fmt::format(
          "    5xx made by nginx (no response header from the last upstream tried): {}; passed "
          "on from an upstream's own answer: {}; no upstream tried: {}\n",
          s.made_by_nginx, s.made_by_upstream, s.no_upstream);
    } else {
      out += fmt::format(
          "    5xx with no upstream tried: {}; the rest came after an upstream attempt (add "
          "$upstream_header_time to tell nginx's own 502s and 504s from the upstream's)\n",
          s.no_upstream);
    }
  }
  if (s.has_upstream_status) {
    out += fmt::format(
        "    retried:    {} went to more than one upstream, {} of them ended without a 5xx\n",
        plural(s.retried, "request"), s.rescued);
  }
  if (!s.peers.empty()) {
    std::vector<std::pair<std::string, PeerAttempts>> peers(s.peers.begin(), s.peers.end());
    std::stable_sort(peers.begin(), peers.end(), [](const auto& a, const auto& b) {
      return a.second.failed > b.second.failed;
    });
    constexpr std::size_t kShown = 8;
    for (std::size_t i = 0; i < peers.size() && i < kShown; ++i) {
      out += fmt::format("    upstream {}: {} attempts, {} with a 5xx\n", peers[i].first,
                         peers[i].second.attempts, peers[i].second.failed);
    }
    if (peers.size() > kShown)
      out += fmt::format("    ... {} more upstreams\n", peers.size() - kShown);
  }
  if (s.parsed < s.lines) {
    out +=
        fmt::format("    {} not in the format, the first:\n", plural(s.lines - s.parsed, "line"));
    for (const auto& line : s.unparsed) out += fmt::format("      {}\n", line);
  }
  return out;
}

}  // namespace badgateway
