#pragma once
#include <string>
#include <string_view>

namespace badgateway {
std::string json_escape(std::string_view s);  // without the surrounding quotes
std::string xml_escape(std::string_view s);
// For bytes a peer sent that end up on a terminal: C0 and C1 control characters, DEL, bytes
// that are not UTF-8 and the backslash become \xNN (\\ for the backslash), so nothing received
// can move the cursor, retitle the window or hide text; printable UTF-8 stays as it is.
std::string terminal_escape(std::string_view s);
}  // namespace badgateway
