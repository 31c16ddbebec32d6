#pragma once
// Whether toml++ 3.3 can parse a text without reaching one of its internal checks (see toml.hpp):
// the text is parsed in a forked, resource-limited child first (process/forked_call.hpp), and only
// text the child parsed to its end, as a table or as a TOML syntax error, is parsed in-process.
// The parser is deterministic, so the in-process parse takes the path the child took.
//
// Why a child as well as toml_prescan: the pre-scan rejects the shapes fuzzing found, with
// precise messages, but cannot know every path through the parser; the child covers the ones
// not found yet. Where the child stops, the place is found by parsing shorter prefixes
// (a bisection over characters, about log2(length) more parses).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace badgateway {

struct TomlGuardProblem {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in characters (as toml++ counts)
  std::string message;
};

// nullopt: toml::parse(text) is safe to call here. Throws std::system_error when no child can be
// forked. Forks a child for the call, or uses the current thread's TomlGuardSession's.
std::optional<TomlGuardProblem> check_toml_parser_safety(std::string_view text);

// While one lives, this thread's checks share one parser child (forked at the first check, again
// after a check that ended it): a socket round trip per file instead of a fork. For loading many
// files (the catalog) and for fuzzing. Ends and reaps its child when it ends.
class TomlGuardSession {
 public:
  TomlGuardSession();
  ~TomlGuardSession();
  TomlGuardSession(const TomlGuardSession&) = delete;
  TomlGuardSession& operator=(const TomlGuardSession&) = delete;
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace badgateway
