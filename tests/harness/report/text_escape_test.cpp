#include "harness/report/text_escape.hpp"

#include <doctest/doctest.h>

#include <string>

using badgateway::terminal_escape;

// Regression (issue 10, bug 9): `serve --protocol fastcgi` printed control characters a peer sent
// (ESC sequences in a param) straight to the terminal.
TEST_CASE("terminal_escape: controls, DEL, C1, bad UTF-8 and the backslash become \\xNN") {
  CHECK(terminal_escape("GET /index.php") == "GET /index.php");
  CHECK(terminal_escape("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(terminal_escape(std::string("nul\0x", 5)) == "nul\\x00x");
  CHECK(terminal_escape("line\r\nnext\t\x7f") == "line\\x0d\\x0anext\\x09\\x7f");
  CHECK(terminal_escape("back\\slash") == "back\\\\slash");
  CHECK(terminal_escape("\xc2\x9b"
                        "31m") == "\\xc2\\x9b31m");             // C1 CSI as UTF-8
  CHECK(terminal_escape("\x9b") == "\\x9b");                    // a lone C1 byte
  CHECK(terminal_escape("\xc0\xaf") == "\\xc0\\xaf");           // overlong '/'
  CHECK(terminal_escape("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(terminal_escape("\xe2\x82") == "\\xe2\\x82");           // cut short
  CHECK(terminal_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");  // é € 😀 stay
}
