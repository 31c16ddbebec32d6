#include "harness/nginx/version.hpp"

#include <charconv>

#include <fmt/format.h>

#include "harness/regex/regex.hpp"

namespace badgateway {

std::optional<NginxVersion> NginxVersion::parse(std::string_view text) {
  NginxVersion v;
  int* parts[] = {&v.major, &v.minor, &v.patch};
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    if (pos >= text.size()) return i >= 2 ? std::optional(v) : std::nullopt;
    if (text[pos] < '0' || text[pos] > '9') return std::nullopt;  // from_chars takes a '-'
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), *parts[i]);
    if (ec != std::errc{}) return std::nullopt;
    pos = static_cast<std::size_t>(ptr - text.data());
    if (pos < text.size()) {
      if (text[pos] != '.') return std::nullopt;
      ++pos;
    }
  }
  // OpenResty has a fourth component; it does not change nginx's behaviour.
  return v;
}

std::optional<NginxVersion> NginxVersion::from_banner(std::string_view banner) {
  static const Regex re(R"(/(\d+\.\d+(?:\.\d+)?))");
  auto m = re.search_groups(banner);
  if (!m) return std::nullopt;
  return parse((*m)[1]);
}

std::string NginxVersion::str() const {
  return fmt::format("{}.{}.{}", major, minor, patch);
}

std::optional<VersionRange> VersionRange::parse(std::string_view text, std::string* error,
                                                std::string_view subject) {
  VersionRange range;
  range.text_ = std::string(text);
  std::size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
  };
  skip();
  while (i < text.size()) {
    std::string op;
    while (i < text.size() &&
           (text[i] == '<' || text[i] == '>' || text[i] == '=' || text[i] == '!')) {
      op += text[i++];
    }
    if (op.empty()) op = "==";
    if (op != "<" && op != "<=" && op != ">" && op != ">=" && op != "==" && op != "!=") {
      if (error) *error = fmt::format("unknown comparison \"{}\"", op);
      return std::nullopt;
    }
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != ',') ++i;
    auto v = NginxVersion::parse(text.substr(start, i - start));
    if (!v) {
      if (error)
        *error = fmt::format("\"{}\" is not a version like 1.23 or 1.29.7",
                             text.substr(start, i - start));
      return std::nullopt;
    }
    range.clauses_.push_back({op, *v});
    skip();
  }
  if (range.clauses_.empty()) {
    if (error) *error = "empty version range";
    return std::nullopt;
  }
  if (range.impossible()) {
    if (error) *error = fmt::format("no {} version is {}", subject, text);
    return std::nullopt;
  }
  return range;
}

// The tightest lower and upper bounds; a range whose bounds cross (">=1.25, <1.23") or meet
// without both including the meeting point (">1.23, <=1.23", "1.23, !=1.23") admits no version.
bool VersionRange::impossible() const {
  std::optional<std::pair<NginxVersion, bool>> lo, hi;  // version, inclusive
  auto raise = [&](const NginxVersion& v, bool inclusive) {
    if (!lo || v > lo->first || (v == lo->first && !inclusive)) lo = {v, inclusive};
  };
  auto lower = [&](const NginxVersion& v, bool inclusive) {
    if (!hi || v < hi->first || (v == hi->first && !inclusive)) hi = {v, inclusive};
  };
  for (const auto& c : clauses_) {
    if (c.op == ">" || c.op == ">=" || c.op == "==") raise(c.version, c.op != ">");
    if (c.op == "<" || c.op == "<=" || c.op == "==") lower(c.version, c.op != "<");
  }
  if (!lo || !hi) return false;
  if (lo->first > hi->first) return true;
  if (lo->first == hi->first) {
    if (!lo->second || !hi->second) return true;
    for (const auto& c : clauses_) {
      if (c.op == "!=" && c.version == lo->first) return true;
    }
  }
  return false;
}

bool VersionRange::contains(const NginxVersion& v) const {
  for (const auto& c : clauses_) {
    bool ok = c.op == "<"    ? v < c.version
              : c.op == "<=" ? v <= c.version
              : c.op == ">"  ? v > c.version
              : c.op == ">=" ? v >= c.version
              : c.op == "!=" ? v != c.version
                             : v == c.version;
    if (!ok) return false;
  }
  return true;
}

}  // namespace badgateway
