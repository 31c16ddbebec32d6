#include "fakes/core/address.hpp"

#include <charconv>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

namespace badgateway::fakes {

std::optional<Address> Address::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Address> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (text.starts_with("unix:")) {
    std::string path(text.substr(5));
    if (path.empty() || path.front() != '/') return fail("a unix socket path must be absolute");
    if (path.size() >= 108) return fail("unix socket path is longer than 107 bytes");
    return unix_socket(std::move(path));
  }
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("expected HOST:PORT or unix:/path");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || port > 65535) {
    return fail(fmt::format("invalid port \"{}\"", port_text));
  }
  Address a = tcp(std::string(host), static_cast<std::uint16_t>(port));
  if (!a.is_loopback()) return fail(fmt::format("\"{}\" is not a loopback address", host));
  return a;
}

bool Address::is_loopback() const {
  if (kind == Kind::unix_socket) return true;
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(host, ec);
  return !ec && ip.is_loopback();
}

std::string Address::to_string() const {
  if (kind == Kind::unix_socket) return "unix:" + path;
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace badgateway::fakes
