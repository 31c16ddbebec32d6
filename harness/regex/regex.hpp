#pragma once
// The one regular-expression engine of badgateway: PCRE2 (Debian's libpcre2-8), the library
// nginx itself uses for `location ~`, `map` and `if`, so a scenario's patterns mean what they
// would mean in nginx. Compiled without UTF mode (as nginx does), patterns and subjects are bytes.
//
// Hostile patterns are errors, never crashes or hangs: nesting is limited at compile time
// (kMaxParenNesting), and every match runs under match, depth and heap limits; a match that
// hits a limit throws RegexError instead of running for hours.
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace badgateway {

inline constexpr unsigned kMaxParenNesting = 250;           // PCRE2's default, made explicit
inline constexpr std::size_t kMaxPatternBytes = 64 * 1024;  // longer is not a hand-written check
inline constexpr unsigned kMatchLimit = 10'000'000;         // backtracking steps per match
inline constexpr unsigned kMatchDepthLimit = 10'000;        // nested backtracking frames
inline constexpr unsigned kMatchHeapLimitKiB = 64 * 1024;   // 64 MiB for backtracking frames

// what() says what is wrong and where in the pattern: "missing closing parenthesis at offset 3".
class RegexError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Regex {
 public:
  // Throws RegexError for a pattern PCRE2 rejects or one beyond the limits above.
  explicit Regex(std::string_view pattern);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Whether the pattern matches anywhere in `subject`. Throws RegexError when a limit is hit.
  bool search(std::string_view subject) const;
  // The first match anywhere in `subject`: [0] the whole match, [i] group i ("" when a group did
  // not take part), or nullopt. Throws RegexError when a limit is hit.
  std::optional<std::vector<std::string>> search_groups(std::string_view subject) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Impl;
  std::string pattern_;
  std::unique_ptr<Impl> impl_;
};

// A pattern that matches `text` literally (PCRE2's \Q...\E quoting): a placeholder's value in
// an expectation's regex, where an address's dots must match only dots.
std::string regex_quote(std::string_view text);

}  // namespace badgateway
