#pragma once
// The php.ini a real PHP-FPM pool runs with unless a scenario asks for the system's own.
#include <string_view>

namespace badgateway {

// Debian's production defaults (display_errors Off, log_errors On, output_buffering 4096, ...):
// a PHP fatal error is a 500 with the message in the log, as on a Debian server.
extern const std::string_view kPinnedPhpIni;

}  // namespace badgateway
