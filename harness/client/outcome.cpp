#include "harness/client/outcome.hpp"

#include <array>
#include <utility>

namespace badgateway {
namespace {

constexpr std::array<std::pair<Outcome, std::string_view>, 6> kOutcomes{{
    {Outcome::complete, "complete"},
    {Outcome::truncated, "truncated"},
    {Outcome::empty_reply, "empty_reply"},
    {Outcome::not_http, "not_http"},
    {Outcome::connect_failed, "connect_failed"},
    {Outcome::timeout, "timeout"},
}};

constexpr std::array<std::pair<GeneratedBy, std::string_view>, 3> kGeneratedBy{{
    {GeneratedBy::nginx, "nginx"},
    {GeneratedBy::upstream, "upstream"},
    {GeneratedBy::none, "none"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "?";  // unreachable for a valid enumerator
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                             std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  return name_of(kOutcomes, outcome);
}
std::optional<Outcome> parse_outcome(std::string_view text) {
  return value_of(kOutcomes, text);
}
std::string_view to_string(GeneratedBy by) {
  return name_of(kGeneratedBy, by);
}
std::optional<GeneratedBy> parse_generated_by(std::string_view text) {
  return value_of(kGeneratedBy, text);
}

}  // namespace badgateway
