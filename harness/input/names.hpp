#pragma once
// Checks of the words a scenario names things with, without regular expressions: a plain loop
// cannot overflow the stack on a 50,000-character name (std::regex did) and says exactly what
// is wrong. Each returns "" when the text is fine, else what is wrong with it.
#include <string>
#include <string_view>

namespace badgateway {

inline constexpr std::size_t kMaxNameLength = 100;  // scenario, fake and method names
inline constexpr std::size_t kMaxHostLength = 253;  // a DNS name (RFC 1035)

// A scenario name: [a-z0-9][a-z0-9-]*.
std::string check_scenario_name(std::string_view name);
// A fake's name, also a placeholder: [a-z][a-z0-9_]*.
std::string check_fake_name(std::string_view name);
// An HTTP method as a scenario writes it: [A-Z]+.
std::string check_method(std::string_view method);

struct HostAndPort {
  std::string host;
  int port = 0;  // 0: none given
};
// "app" or "app:8080" as an nginx config names an upstream: letters, digits, '.', '-', not
// starting or ending with '.' or '-', not an IP address. Sets `out` when fine.
std::string check_host_and_port(std::string_view text, HostAndPort& out);

// A Unix user name, or "user group" when `allow_group` (nginx's `user` directive): each word of
// letters, digits, '.', '_' and '-' (POSIX's portable set), so it renders as one config token.
std::string check_user_name(std::string_view text, bool allow_group);

// A value that must stay on one line (a request header: a CR LF would split the request): no
// control characters.
std::string check_single_line(std::string_view text);

}  // namespace badgateway
