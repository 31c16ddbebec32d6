#pragma once
// `badgateway sweep --vary 'NAME=v1,v2,...'`: the values a `{{vary.NAME}}` placeholder of a
// scenario's snippets takes, one run per value (issue 13). A value becomes part of a directive,
// so nothing that could end or open one (`;`, braces, quotes, a comment, a newline) is allowed.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace badgateway {

inline constexpr std::string_view kVaryPrefix = "vary.";

struct VaryAxis {
  std::string name;                 // "read_timeout"
  std::vector<std::string> values;  // "100ms", "250ms", ...: in the order given
};

// Parses "NAME=v1,v2,...": NAME is [a-z0-9_]+ (as in {{vary.NAME}}), at least one value, none
// empty, repeated or failing check_vary_value. Values are trimmed of spaces around commas; a value
// may hold inner spaces ("error timeout"). Throws std::invalid_argument with a one-line reason.
VaryAxis parse_vary(std::string_view text);

// Empty when `value` can stand in a directive; else why not.
std::string check_vary_value(std::string_view value);

// `text` with every {{vary.NAME}} whose NAME `values` has replaced by its value; other
// placeholders (fakes.NAME, ...) are left for the run to expand.
std::string substitute_vary(std::string_view text,
                            const std::map<std::string, std::string>& values);

}  // namespace badgateway
