#include "harness/scenario/toml_prescan.hpp"

#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace badgateway {
namespace {

enum class Region { bare, basic, literal, ml_basic, ml_literal, comment };

// Length of the well-formed UTF-8 sequence at text[i], or 0 (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view text, std::size_t i, std::uint32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b = byte(i);
  std::size_t n = 0;
  if (b < 0x80) {
    cp = b;
    return 1;
  }
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// One pass over the text. Each character is checked for what is never valid (bad UTF-8, control
// characters), then handled by the region it is in.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::optional<TomlPrescanProblem> run() {
    while (i_ < text_.size()) {
      std::uint32_t cp = 0;
      const std::size_t n = utf8_length(text_, i_, cp);
      if (n == 0) {
        return problem(
            fmt::format("invalid UTF-8 (byte 0x{:02x})", static_cast<unsigned char>(text_[i_])));
      }
      if (cp == '\r' && !at(i_ + 1, "\n"))
        return problem("carriage return not followed by newline");
      if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) {
        return problem(
            fmt::format("control character U+{:04X} (write it as an escape in a string)", cp));
      }
      std::size_t step = n;
      if (region_ == Region::bare) {
        const bool was_line_start = line_start_;
        line_start_ = cp == '\n' || (was_line_start && (cp == ' ' || cp == '\t'));
        if (auto p = bare(cp, was_line_start, step)) return p;
      } else {
        // toml++ 3.3 reaches code it marks unreachable on a backslash before a non-ASCII
        // character in a basic string, also past the spaces of a line-ending backslash (found by
        // fuzz_scenario_loader); no TOML escape is one.
        const bool basic = region_ == Region::basic || region_ == Region::ml_basic;
        if (basic && cp == '\\') {
          std::size_t j = i_ + 1;
          while (j < text_.size() && (text_[j] == ' ' || text_[j] == '\t')) ++j;
          if (j < text_.size() && static_cast<unsigned char>(text_[j]) >= 0x80)
            return problem("invalid escape: a backslash before a non-ASCII character");
        }
        step = in_string_or_comment(cp, n);
        if (step == 0) continue;  // a newline ended the string: handled again as bare
      }
      advance(step);
    }
    return std::nullopt;
  }

 private:
  TomlPrescanProblem problem(std::string message) const {
    return TomlPrescanProblem{line_, column_, std::move(message)};
  }
  bool at(std::size_t i, std::string_view s) const { return text_.substr(i, s.size()) == s; }

  std::optional<TomlPrescanProblem> bare(std::uint32_t cp, bool line_start, std::size_t& step) {
    if (cp >= 0x80) {
      return problem("non-ASCII character outside a string or comment (quote a key that needs it)");
    }
    if (at(i_, "\"\"\"")) {
      region_ = Region::ml_basic;
      step = 3;
    } else if (at(i_, "'''")) {
      region_ = Region::ml_literal;
      step = 3;
    } else if (cp == '"') {
      region_ = Region::basic;
    } else if (cp == '\'') {
      region_ = Region::literal;
    } else if (cp == '#') {
      region_ = Region::comment;
    } else if (cp == '[' && line_start && open_.empty()) {
      return table_header();
    } else if (cp == '[' || cp == '{') {
      open_.push_back(static_cast<char>(cp));
      if (open_.size() > static_cast<std::size_t>(kMaxTomlNesting)) {
        return problem(fmt::format("arrays and tables nested deeper than {}", kMaxTomlNesting));
      }
    } else if ((cp == ']' || cp == '}') && !open_.empty()) {
      // toml++ 3.3.0 hands a `}` inside an array to parse_value(), which assumes it is no value
      // terminator (TOML_ASSERT_ASSUME): undefined behaviour for `[}`.
      if ((cp == ']') != (open_.back() == '[')) {
        return problem(fmt::format("'{}' closes no {}", static_cast<char>(cp),
                                   cp == ']' ? "array" : "inline table"));
      }
      open_.pop_back();
    }
    return std::nullopt;
  }

  // A `[` first on its line with nothing open: toml++ 3.3.0 assumes (TOML_ASSERT_ASSUME in
  // parse_key) that the header's key starts with a bare-key character or a quote, so `[.a]` or
  // `[=]` would be undefined behaviour.
  std::optional<TomlPrescanProblem> table_header() {
    std::size_t k = i_ + 1;
    if (at(k, "[")) ++k;
    while (at(k, " ") || at(k, "\t")) ++k;
    const char c = k < text_.size() ? text_[k] : ']';  // at the end: toml++'s own error
    const auto u = static_cast<unsigned char>(c);
    const bool key_start = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '"' ||
                           c == '\'' || c == ']' ||  // `[]`: toml++ reports it itself
                           (u < 0x20 && c != '\n' && c != '\r') || u >= 0x7F;  // reported next
    if (!key_start) {
      column_ += static_cast<int>(k - i_);
      return problem("a table header starts with a key: a bare key or a quoted one");
    }
    open_.push_back('[');
    return std::nullopt;
  }

  // The bytes consumed, or 0 when a newline ends a one-line string (handled again as bare).
  std::size_t in_string_or_comment(std::uint32_t cp, std::size_t n) {
    const auto next = [&] {
      return i_ + 1 < text_.size() ? static_cast<unsigned char>(text_[i_ + 1]) : 0;
    };
    switch (region_) {
      case Region::basic:
        // The escaped character cannot end the string.
        if (cp == '\\' && next() >= 0x20 && next() < 0x7F) return 2;
        if (cp == '"' || cp == '\n') {
          region_ = Region::bare;  // an unterminated string is toml++'s error to report
          return cp == '\n' ? 0 : n;
        }
        return n;
      case Region::literal:
        if (cp == '\'' || cp == '\n') {
          region_ = Region::bare;
          return cp == '\n' ? 0 : n;
        }
        return n;
      case Region::ml_basic:
        if (cp == '\\' && (next() == '"' || next() == '\\')) return 2;
        return at(i_, "\"\"\"") ? close_multi_line('"') : n;
      case Region::ml_literal:
        return at(i_, "'''") ? close_multi_line('\'') : n;
      case Region::comment:
        if (cp == '\n') {
          region_ = Region::bare;
          line_start_ = true;
        }
        return n;
      case Region::bare:
        break;
    }
    return n;
  }

  // The closing delimiter; the content may end in up to two more quotes.
  std::size_t close_multi_line(char quote) {
    region_ = Region::bare;
    std::size_t step = 3;
    while (step < 5 && i_ + step < text_.size() && text_[i_ + step] == quote) ++step;
    return step;
  }

  // Moves over `step` bytes (all ASCII except possibly the first character).
  void advance(std::size_t step) {
    for (std::size_t k = 0; k < step;) {
      std::uint32_t c = 0;
      const std::size_t len = utf8_length(text_, i_ + k, c);
      if (len == 0) break;  // reported on the next round
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else {
        ++column_;
      }
      k += len;
      if (k > step) step = k;
    }
    i_ += step;
  }

  std::string_view text_;
  std::size_t i_ = 0;
  int line_ = 1, column_ = 1;
  Region region_ = Region::bare;
  std::string open_;  // the brackets and braces open outside strings, innermost last
  // Only spaces and tabs since the last newline, outside strings.
  bool line_start_ = true;
};

}  // namespace

std::optional<TomlPrescanProblem> prescan_toml(std::string_view text) {
  return Scanner(text).run();
}

}  // namespace badgateway
