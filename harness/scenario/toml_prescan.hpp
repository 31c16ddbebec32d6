#pragma once
// A structural check of a scenario file's bytes before toml++ sees them. Debian's toml++ 3.3.0
// has undefined behaviour on some malformed inputs (a control byte after `[` trips an assertion
// in parser.inl; a non-ASCII character where a bare key may start, such as "\xd1\x8a", reaches
// code marked unreachable). Every such input found breaks a rule TOML 1.0 states anyway, so the
// pre-scan enforces those rules and toml++ only ever parses text that passes:
//   - the text is well-formed UTF-8;
//   - no control character but tab, and CR only before LF (TOML allows no others anywhere);
//   - outside strings and comments, ASCII only (bare keys are ASCII in TOML 1.0);
//   - brackets and braces outside strings nest at most kMaxTomlNesting deep, and each `]` or `}`
//     closes the kind that is open (`[}` reached an assumption in parse_value());
//   - a table header's key starts with a bare-key character or a quote (`[.a]` reached one in
//     parse_key()). Both found by tests/fuzz/fuzz_scenario_loader.
// The pre-scan gives the known shapes a precise message; toml_guard.hpp catches the paths it does
// not know (the parse in a forked child, where toml++'s internal checks stop safely).
// It tracks strings and comments as TOML writes them ("...", '...', """...""", '''...''', #);
// everything else (what is valid where) stays toml++'s job.
#include <optional>
#include <string>
#include <string_view>

namespace badgateway {

inline constexpr int kMaxTomlNesting = 32;

struct TomlPrescanProblem {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in characters (as toml++ counts)
  std::string message;
};

std::optional<TomlPrescanProblem> prescan_toml(std::string_view text);

}  // namespace badgateway
