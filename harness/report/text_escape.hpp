#pragma once
// Text from the outside world (nginx's error log, a PHP script's stderr, a fake's output) in
// reports. Such text may hold any bytes; JSON needs valid UTF-8 and XML 1.0 needs valid UTF-8
// without most control characters.
#include <string>
#include <string_view>

namespace badgateway {

// Valid UTF-8 unchanged; every byte of a sequence that is not valid UTF-8 (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF) becomes the four characters `\xNN` (lower-case
// hex), the way nginx writes bytes in its own log. Readable and shows the exact bytes; a literal
// `\x` already in the text is left as it is.
std::string printable_utf8(std::string_view s);

// printable_utf8(), then XML-escaped for text and attribute values; characters XML 1.0 does not
// allow even as references (C0 controls except tab, LF and CR; U+FFFE, U+FFFF) become `\xNN` too.
std::string xml_escape(std::string_view s);
// For bytes a peer sent that end up on a terminal: C0 and C1 control characters, DEL, bytes
// that are not UTF-8 and the backslash become \xNN (\\ for the backslash), so nothing received
// can move the cursor, retitle the window or hide text; printable UTF-8 stays as it is.
std::string terminal_escape(std::string_view s);

}  // namespace badgateway
