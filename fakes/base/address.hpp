#pragma once
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace badgateway::fakes {

// Where an endpoint listens: a loopback TCP address (port 0 = let the kernel choose; another IP
// only from parse_any_ip) or a unix socket path. to_string() is the form nginx accepts in `server`
// and `proxy_pass`.
struct Address {
  enum class Kind { tcp, unix_socket };
  Kind kind = Kind::tcp;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path;

  static Address tcp(std::string host, std::uint16_t port) {
    return Address{Kind::tcp, std::move(host), port, {}};
  }
  static Address unix_socket(std::string path) {
    return Address{Kind::unix_socket, {}, 0, std::move(path)};
  }

  // "127.0.0.1:8080", "[::1]:8080", "unix:/run/x.sock". Rejects non-loopback hosts: test traffic
  // must never leave the machine.
  static std::optional<Address> parse(std::string_view text, std::string* error = nullptr);
  // As parse(), but any IP address (0.0.0.0, an interface's): for `serve
  // --listen-beyond-loopback` alone, where a user asks for it by name.
  static std::optional<Address> parse_any_ip(std::string_view text, std::string* error = nullptr);
  std::string to_string() const;
  bool is_loopback() const;
  // Fills `out` for connect()/bind() (unix, IPv4 or IPv6); returns the address length.
  socklen_t to_sockaddr(sockaddr_storage& out) const;
};

}  // namespace badgateway::fakes
