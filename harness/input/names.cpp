#include "harness/input/names.hpp"

#include <fmt/format.h>

namespace badgateway {
namespace {

bool lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

std::string too_long(std::string_view text, std::size_t max) {
  if (text.size() <= max) return "";
  return fmt::format("is {} characters long (at most {})", text.size(), max);
}

}  // namespace

std::string check_scenario_name(std::string_view name) {
  if (auto e = too_long(name, kMaxNameLength); !e.empty()) return e;
  bool ok = !name.empty() && (lower(name[0]) || digit(name[0]));
  for (char c : name) ok = ok && (lower(c) || digit(c) || c == '-');
  return ok ? "" : "use lower-case letters, digits and '-'";
}

std::string check_fake_name(std::string_view name) {
  if (auto e = too_long(name, kMaxNameLength); !e.empty()) return e;
  bool ok = !name.empty() && lower(name[0]);
  for (char c : name) ok = ok && (lower(c) || digit(c) || c == '_');
  return ok ? "" : "fake names are snake_case: [a-z][a-z0-9_]*";
}

std::string check_method(std::string_view method) {
  if (auto e = too_long(method, kMaxNameLength); !e.empty()) return e;
  bool ok = !method.empty();
  for (char c : method) ok = ok && upper(c);
  return ok ? "" : "expected an upper-case HTTP method";
}

std::string check_host_and_port(std::string_view text, HostAndPort& out) {
  std::string usage =
      "expected the host name the config uses, optionally with its port: \"app\" or "
      "\"app:8080\"";
  std::string_view host = text, port;
  if (auto colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5) return usage;
    for (char c : port) {
      if (!digit(c)) return usage;
    }
  }
  if (host.size() > kMaxHostLength) {
    return fmt::format("host name is {} characters long (at most {})", host.size(), kMaxHostLength);
  }
  bool ok = !host.empty(), numeric = true;
  for (char c : host) {
    ok = ok && (lower(c) || upper(c) || digit(c) || c == '.' || c == '-');
    numeric = numeric && (digit(c) || c == '.');
  }
  ok = ok && host.front() != '.' && host.front() != '-' && host.back() != '.' && host.back() != '-';
  if (!ok || numeric) return usage;
  int n = 0;
  for (char c : port) n = n * 10 + (c - '0');
  if (!port.empty() && (n < 1 || n > 65535))
    return fmt::format("port {} is out of range [1, 65535]", n);
  out = {std::string(host), n};
  return "";
}

std::string check_user_name(std::string_view text, bool allow_group) {
  std::string usage =
      allow_group ? "expected a user name, or a user and a group name" : "expected a user name";
  if (auto e = too_long(text, kMaxNameLength); !e.empty()) return e;
  int words = 0;
  bool in_word = false;
  for (char c : text) {
    if (lower(c) || upper(c) || digit(c) || c == '.' || c == '_' || c == '-') {
      if (!in_word) ++words;
      in_word = true;
    } else if (c == ' ' && in_word) {
      in_word = false;
    } else {
      return usage + " (letters, digits, '.', '_', '-')";
    }
  }
  if (words == 0 || !in_word || words > (allow_group ? 2 : 1)) return usage;
  return "";
}

std::string check_single_line(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      return fmt::format("contains the control character U+{:04X}", u);
    }
  }
  return "";
}

}  // namespace badgateway
