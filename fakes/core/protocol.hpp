#pragma once
// The names of the protocols a fake speaks, as scenarios (`protocol = "fastcgi"`), `serve
// --protocol` and reports write them. The enum itself is in behaviour.hpp, which every behaviour
// includes; the names are here so that only their few readers depend on them.
#include <optional>
#include <string_view>

#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {

inline constexpr std::string_view kProtocolNames = "\"http\" or \"fastcgi\"";

constexpr std::string_view to_string(Protocol p) {
  return p == Protocol::http ? "http" : "fastcgi";
}

constexpr std::optional<Protocol> parse_protocol(std::string_view text) {
  if (text == "http") return Protocol::http;
  if (text == "fastcgi") return Protocol::fastcgi;
  return std::nullopt;
}

}  // namespace badgateway::fakes
