#include "harness/input/vary.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/input/placeholders.hpp"

namespace badgateway {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::string check_vary_value(std::string_view value) {
  if (value.empty()) return "an empty value";
  if (value.size() > 200) return "a value longer than 200 characters";
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "a control character (a newline?) would break the directive";
    if (std::string_view(";{}\"'\\#").find(c) != std::string_view::npos)
      return fmt::format("'{}' could end or open a directive", c);
  }
  if (value.find("{{") != std::string_view::npos || value.find("}}") != std::string_view::npos)
    return "a placeholder cannot be a value";
  return {};
}

VaryAxis parse_vary(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos)
    throw std::invalid_argument(fmt::format("--vary \"{}\": expected NAME=v1,v2,...", text));
  VaryAxis axis{std::string(trim(text.substr(0, eq))), {}};
  if (!valid_name(axis.name)) {
    throw std::invalid_argument(
        fmt::format("--vary \"{}\": the name must be lower-case letters, digits and _ (as in "
                    "{{{{vary.NAME}}}})",
                    axis.name));
  }
  std::string_view rest = text.substr(eq + 1);
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view value = trim(rest.substr(0, comma));
    if (std::string why = check_vary_value(value); !why.empty())
      throw std::invalid_argument(fmt::format("--vary {}: \"{}\": {}", axis.name, value, why));
    if (std::find(axis.values.begin(), axis.values.end(), value) != axis.values.end())
      throw std::invalid_argument(
          fmt::format("--vary {}: \"{}\" is given twice", axis.name, value));
    axis.values.emplace_back(value);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (axis.values.size() > 100)
    throw std::invalid_argument(fmt::format("--vary {}: more than 100 values", axis.name));
  return axis;
}

std::string substitute_vary(std::string_view text,
                            const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t copied = 0;
  for (const Placeholder& p : find_placeholders(text)) {
    if (!p.name.starts_with(kVaryPrefix)) continue;
    auto it = values.find(p.name.substr(kVaryPrefix.size()));
    if (it == values.end()) continue;
    const auto end = text.find("}}", p.offset + 2);
    out.append(text.substr(copied, p.offset - copied));
    out += it->second;
    copied = end + 2;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace badgateway
