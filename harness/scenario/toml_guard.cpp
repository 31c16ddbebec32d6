#include "harness/scenario/toml_guard.hpp"

#include <unistd.h>

#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "harness/process/forked_call.hpp"
#include "harness/scenario/toml.hpp"

namespace badgateway {
namespace {

// Set in the guard's child only (a fork: the parent's copy stays false).
bool g_in_guard_child = false;

// A toml++ parse of this size takes well under a millisecond; the limits only bound a parser
// that has gone wrong.
constexpr ForkedCallLimits kChildLimits{Millis{10'000}, 5, std::uint64_t{1} << 30};

int parse_here(std::string_view text) {
  g_in_guard_child = true;
  try {
    (void)toml::parse(text);
  } catch (const toml::parse_error&) {
    // A syntax error is a clean end: the in-process parse reports it with its position.
  }
  return 0;
}

thread_local TomlGuardSession::Impl* t_session = nullptr;

// Byte offsets where characters start, and the end.
std::vector<std::size_t> character_starts(std::string_view text) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(text.size());
  return starts;
}

std::string describe_character(std::string_view text, std::size_t begin, std::size_t end) {
  std::string_view ch = text.substr(begin, end - begin);
  if (ch.empty()) return "the end of the file";
  auto b0 = static_cast<unsigned char>(ch[0]);
  if (b0 < 0x80) {
    if (b0 < 0x20 || b0 == 0x7f) return fmt::format("the byte 0x{:02X}", b0);
    return fmt::format("'{}'", ch);
  }
  // Well-formed UTF-8 is the pre-scan's first rule; decode for the U+ name.
  std::uint32_t cp = 0;
  int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : 1;
  cp = b0 & (0x3Fu >> extra);
  for (int i = 1; i <= extra && i < static_cast<int>(ch.size()); ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(ch[static_cast<std::size_t>(i)]) & 0x3Fu);
  }
  return fmt::format("U+{:04X}", cp);
}

TomlGuardProblem problem_at(std::string_view text, std::size_t begin, std::size_t end,
                            const std::string& what) {
  TomlGuardProblem p;
  p.line = 1;
  p.column = 1;
  for (std::size_t i = 0; i < begin; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  p.message = fmt::format(
      "toml++ 3.3 (Debian 12's TOML parser) {} at {}; the file is refused rather than parsed "
      "with undefined behaviour: check the TOML syntax here",
      what, describe_character(text, begin, end));
  return p;
}

std::string describe_failure(const ForkedCallOutcome& o) {
  if (o.kind == ForkedCallOutcome::Kind::signalled) {
    return fmt::format("crashed (signal {})", o.value);
  }
  if (o.kind == ForkedCallOutcome::Kind::timed_out) return "did not finish in time";
  if (o.kind == ForkedCallOutcome::Kind::returned) return fmt::format("returned {}", o.value);
  if (o.value == kTomlInternalCheckExit) return "fails one of its internal checks";
  return fmt::format("failed (exit code {})", o.value);
}

}  // namespace

void toml_internal_check_failed() noexcept {
  if (g_in_guard_child) ::_exit(kTomlInternalCheckExit);
  static constexpr char kMessage[] =
      "badgateway: internal error: toml++ reached one of its internal checks on text the guard "
      "had passed (harness/scenario/toml_guard.cpp)\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  std::abort();
}

struct TomlGuardSession::Impl {
  ForkedServer server{parse_here, kChildLimits};
  Impl* outer = nullptr;  // sessions nest: the inner one serves until it ends
};

TomlGuardSession::TomlGuardSession() : impl_(std::make_unique<Impl>()) {
  impl_->outer = t_session;
  t_session = impl_.get();
}

TomlGuardSession::~TomlGuardSession() {
  t_session = impl_->outer;
}

std::optional<TomlGuardProblem> check_toml_parser_safety(std::string_view text) {
  std::optional<ForkedServer> own;
  ForkedServer* server = t_session ? &t_session->server : &own.emplace(parse_here, kChildLimits);
  auto stopped = [](const ForkedCallOutcome& o) {
    return o.kind == ForkedCallOutcome::Kind::exited && o.value == kTomlInternalCheckExit;
  };
  // A child that ended any other way than by toml++'s checks is asked once more, by a new child:
  // a deterministic failure repeats, one from outside (a child killed on a loaded machine; the
  // ASan stage saw one, cause unknown) does not.
  auto parse_in_child = [server, &stopped](std::string_view t) {
    ForkedCallOutcome o = server->call(t);
    return o.ok() || stopped(o) ? o : server->call(t);
  };
  ForkedCallOutcome whole = parse_in_child(text);
  if (whole.ok()) return std::nullopt;
  if (sanitized_build() && !stopped(whole)) {
    // Under a sanitizer or a fuzzer, a child that died any other way twice is a bug to be found
    // (its report is on stderr above), not a file to refuse.
    const std::string message = fmt::format(
        "badgateway: the toml++ guard's child died unexpectedly twice ({}; any report is above)\n",
        describe_failure(whole));
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, message.data(), message.size());
    std::abort();
  }
  if (whole.kind == ForkedCallOutcome::Kind::timed_out) {
    return TomlGuardProblem{1, 1,
                            fmt::format("toml++ 3.3 (Debian 12's TOML parser) did not finish "
                                        "within {} s; the file is refused",
                                        kChildLimits.wall.count() / 1000)};
  }
  // The shortest prefix, in whole characters, on which the parser still fails: its last
  // character is where it failed (or the one after, if the parser looked ahead).
  std::vector<std::size_t> starts = character_starts(text);
  if (starts.size() < 2) return problem_at(text, 0, 0, describe_failure(whole));
  std::size_t lo = 0;                  // prefix of starts[lo] bytes: parses
  std::size_t hi = starts.size() - 1;  // prefix of starts[hi] bytes: fails
  ForkedCallOutcome failure = whole;
  while (hi - lo > 1) {
    std::size_t mid = lo + (hi - lo) / 2;
    ForkedCallOutcome o = parse_in_child(text.substr(0, starts[mid]));
    if (o.ok() || o.kind == ForkedCallOutcome::Kind::timed_out) {
      lo = mid;
    } else {
      hi = mid;
      failure = o;
    }
  }
  return problem_at(text, starts[hi - 1], starts[hi], describe_failure(failure));
}

}  // namespace badgateway
