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
  int line = 1, column = 1, depth = 0;
  Region region = Region::bare;
  auto problem = [&](std::string message) {
    return TomlPrescanProblem{line, column, std::move(message)};
  };
  auto at = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
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
        } else if (cp == '[' || cp == '{') {
          if (++depth > kMaxTomlNesting) {
            return problem(fmt::format("arrays and tables nested deeper than {}", kMaxTomlNesting));
          }
        } else if ((cp == ']' || cp == '}') && depth > 0) {
          --depth;
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
        if (cp == '\n') region = Region::bare;
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
