#include "harness/process/fd_wait.hpp"

#include <poll.h>

#include <cerrno>

namespace badgateway {

int millis_until(std::chrono::steady_clock::time_point deadline) {
  auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

int wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const int left = millis_until(deadline);
    if (left <= 0) return 0;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, left);
    if (n > 0) return p.revents;
    if (n < 0 && errno != EINTR) return -1;
  }
}

}  // namespace badgateway
