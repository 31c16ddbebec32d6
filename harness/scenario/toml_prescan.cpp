#include "harness/scenario/toml_prescan.hpp"

#include <cstdint>

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

}  // namespace

std::optional<TomlPrescanProblem> prescan_toml(std::string_view text) {
  int line = 1, column = 1;
  // The brackets and braces open outside strings, innermost last.
  std::string open;
  Region region = Region::bare;
  auto problem = [&](std::string message) {
    return TomlPrescanProblem{line, column, std::move(message)};
  };
  auto at = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
  // Only spaces and tabs since the last newline, outside strings: a `[` here at depth 0 opens a
  // table header.
  bool line_start = true;
  std::size_t i = 0;
  while (i < text.size()) {
    std::uint32_t cp = 0;
    std::size_t n = utf8_length(text, i, cp);
    if (n == 0) {
      return problem(
          fmt::format("invalid UTF-8 (byte 0x{:02x})", static_cast<unsigned char>(text[i])));
    }
    if (cp == '\r' && !at(i + 1, "\n")) return problem("carriage return not followed by newline");
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) {
      return problem(
          fmt::format("control character U+{:04X} (write it as an escape in a string)", cp));
    }
    std::size_t step = n;
    const bool was_line_start = line_start;
    if (region == Region::bare)
      line_start = cp == '\n' || (was_line_start && (cp == ' ' || cp == '\t'));
    switch (region) {
      case Region::bare:
        if (cp >= 0x80) {
          return problem(
              "non-ASCII character outside a string or comment (quote a key that needs it)");
        }
        if (at(i, "\"\"\"")) {
          region = Region::ml_basic;
          step = 3;
        } else if (at(i, "'''")) {
          region = Region::ml_literal;
          step = 3;
        } else if (cp == '"') {
          region = Region::basic;
        } else if (cp == '\'') {
          region = Region::literal;
        } else if (cp == '#') {
          region = Region::comment;
        } else if (cp == '[' && was_line_start && open.empty()) {
          // toml++ 3.3.0 assumes (TOML_ASSERT_ASSUME in parse_key) that a header's key starts
          // with a bare-key character or a quote: `[.a]` or `[=]` would be undefined behaviour.
          std::size_t k = i + 1;
          if (at(k, "[")) ++k;
          while (at(k, " ") || at(k, "\t")) ++k;
          const char c = k < text.size() ? text[k] : ']';  // at the end: toml++'s own error
          const bool key_start =
              (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '"' || c == '\'' ||
              c == ']' ||  // `[]`: toml++ reports it itself
              (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r') ||  // below
              static_cast<unsigned char>(c) >= 0x7F;
          if (!key_start) {
            column += static_cast<int>(k - i);
            return problem("a table header starts with a key: a bare key or a quoted one");
          }
          open.push_back('[');
        } else if (cp == '[' || cp == '{') {
          open.push_back(static_cast<char>(cp));
          if (open.size() > static_cast<std::size_t>(kMaxTomlNesting)) {
            return problem(fmt::format("arrays and tables nested deeper than {}", kMaxTomlNesting));
          }
        } else if ((cp == ']' || cp == '}') && !open.empty()) {
          // toml++ 3.3.0 hands a `}` inside an array to parse_value(), which assumes it is no
          // value terminator (TOML_ASSERT_ASSUME): undefined behaviour for `[}`.
          if ((cp == ']') != (open.back() == '[')) {
            return problem(fmt::format("'{}' closes no {}", static_cast<char>(cp),
                                       cp == ']' ? "array" : "inline table"));
          }
          open.pop_back();
        }
        break;
      case Region::basic:
        if (cp == '\\' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x20 &&
            static_cast<unsigned char>(text[i + 1]) < 0x7F) {
          step = 2;  // the escaped character cannot end the string
        } else if (cp == '"' || cp == '\n') {
          region = Region::bare;  // an unterminated string is toml++'s error to report
          if (cp == '\n') continue;
        }
        break;
      case Region::literal:
        if (cp == '\'' || cp == '\n') {
          region = Region::bare;
          if (cp == '\n') continue;
        }
        break;
      case Region::ml_basic:
        if (cp == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) {
          step = 2;
        } else if (at(i, "\"\"\"")) {
          region = Region::bare;
          step = 3;
          while (step < 5 && at(i + step, "\"")) ++step;  // up to two quotes end the content
        }
        break;
      case Region::ml_literal:
        if (at(i, "'''")) {
          region = Region::bare;
          step = 3;
          while (step < 5 && at(i + step, "'")) ++step;
        }
        break;
      case Region::comment:
        if (cp == '\n') {
          region = Region::bare;
          line_start = true;
        }
        break;
    }
    // Advance the position over `step` bytes (all ASCII except possibly the first character).
    for (std::size_t k = 0; k < step;) {
      std::uint32_t c = 0;
      std::size_t len = utf8_length(text, i + k, c);
      if (len == 0) break;  // reported on the next round
      if (c == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
      k += len;
      if (k > step) step = k;
    }
    i += step;
  }
  return std::nullopt;
}

}  // namespace badgateway
