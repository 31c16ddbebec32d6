#include "harness/net/free_port.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

#include "harness/error.hpp"

namespace badgateway {
namespace {

// Binds a loopback socket to `port` (0: the kernel's choice) and returns the port it got, or 0.
std::uint16_t try_bind(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  socklen_t len = sizeof a;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  return ok ? ntohs(a.sin_port) : 0;
}

std::string read_port_range() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::pair<std::uint16_t, std::uint16_t> listen_port_pool(const std::string& range_text) {
  constexpr unsigned kFirstUnprivileged = 1024;
  constexpr unsigned kMinimumPool = 1024;
  unsigned low = 0;
  std::istringstream(range_text) >> low;
  if (low <= kFirstUnprivileged + 2 * kMinimumPool || low > 65535) return {1, 0};
  return {static_cast<std::uint16_t>(kFirstUnprivileged + (low - kFirstUnprivileged) / 2),
          static_cast<std::uint16_t>(low - 1)};
}

std::uint16_t pick_free_port() {
  static const auto pool = listen_port_pool(read_port_range());
  if (pool.first <= pool.second) {
    thread_local std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<unsigned> in_pool(pool.first, pool.second);
    constexpr int kTries = 32;
    for (int i = 0; i < kTries; ++i) {
      if (std::uint16_t port = try_bind(static_cast<std::uint16_t>(in_pool(random)))) return port;
    }
  }
  // The ephemeral range fills the port space (or the pool is taken): let the kernel choose.
  if (std::uint16_t port = try_bind(0)) return port;
  throw HarnessError("cannot find a free loopback port");
}

}  // namespace badgateway
