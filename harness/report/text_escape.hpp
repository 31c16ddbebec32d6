#pragma once
#include <string>
#include <string_view>

namespace badgateway {
std::string json_escape(std::string_view s);  // without the surrounding quotes
std::string xml_escape(std::string_view s);
}  // namespace badgateway
