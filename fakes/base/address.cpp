#include "fakes/base/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

namespace badgateway::fakes {

namespace {

std::optional<Address> parse_address(std::string_view text, std::string* error, bool any_ip) {
  auto fail = [&](std::string why) -> std::optional<Address> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (text.starts_with("unix:")) {
    std::string path(text.substr(5));
    if (path.empty() || path.front() != '/') return fail("a unix socket path must be absolute");
    if (path.size() >= 108) return fail("unix socket path is longer than 107 bytes");
    return Address::unix_socket(std::move(path));
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
  Address a = Address::tcp(std::string(host), static_cast<std::uint16_t>(port));
  if (any_ip) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(a.host, ec);
    if (ec) return fail(fmt::format("\"{}\" is not an IP address", host));
  } else if (!a.is_loopback()) {
    return fail(fmt::format("\"{}\" is not a loopback address", host));
  }
  return a;
}

}  // namespace

std::optional<Address> Address::parse(std::string_view text, std::string* error) {
  return parse_address(text, error, false);
}

std::optional<Address> Address::parse_any_ip(std::string_view text, std::string* error) {
  return parse_address(text, error, true);
}

bool Address::is_loopback() const {
  if (kind == Kind::unix_socket) return true;
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(host, ec);
  return !ec && ip.is_loopback();
}

socklen_t Address::to_sockaddr(sockaddr_storage& out) const {
  out = {};
  if (kind == Kind::unix_socket) {
    auto* sun = reinterpret_cast<sockaddr_un*>(&out);
    sun->sun_family = AF_UNIX;
    std::strncpy(sun->sun_path, path.c_str(), sizeof(sun->sun_path) - 1);
    return sizeof(sockaddr_un);
  }
  if (host.find(':') != std::string::npos) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    ::inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr);
    return sizeof(sockaddr_in6);
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(&out);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &sin->sin_addr);
  return sizeof(sockaddr_in);
}

std::string Address::to_string() const {
  if (kind == Kind::unix_socket) return "unix:" + path;
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace badgateway::fakes
