#include "harness/net/probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace badgateway {

bool wait_until_listening(const fakes::Address& a, Millis limit,
                          const std::function<bool()>& alive) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  sockaddr_storage ss;
  socklen_t len = a.to_sockaddr(ss);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ss.ss_family == AF_INET &&
        ntohl(reinterpret_cast<const sockaddr_in&>(ss).sin_addr.s_addr) >> 24 == 127) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      ::inet_pton(AF_INET, kProbeSource, &from.sin_addr);
      (void)::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);  // else: any source
    }
    bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0;
    if (fd >= 0) {
      // Closed with a reset: a probe leaves no TIME_WAIT holding a local port for a minute (a
      // run's network may have only a few: net.ipv4.ip_local_port_range).
      linger reset{1, 0};
      (void)::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      ::close(fd);
    }
    if (ok) return true;
    if (!alive()) return false;
    std::this_thread::sleep_for(Millis(5));  // retry interval of a bounded readiness probe
  }
  return false;
}

}  // namespace badgateway
