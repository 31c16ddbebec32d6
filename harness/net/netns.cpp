#include "harness/net/netns.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "harness/error.hpp"

namespace badgateway {
namespace {

// What both steps need, and how to get it where root alone is not enough: a container's root has
// neither capability unless given them (docker run without --privileged).
constexpr std::string_view kPrivilegeHint =
    "a network of its own (an own config, [network]) needs CAP_SYS_ADMIN and CAP_NET_ADMIN: root "
    "on a host; in a container, "
    "docker run --cap-add SYS_ADMIN --cap-add NET_ADMIN, or --privileged";

int open_ns(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw HarnessError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  return fd;
}

void bring_loopback_up() {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = s >= 0 && ::ioctl(s, SIOCGIFFLAGS, &req) == 0;
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
  ok = ok && ::ioctl(s, SIOCSIFFLAGS, &req) == 0;
  int e = errno;
  if (s >= 0) ::close(s);
  if (!ok) {
    throw HarnessError(
        fmt::format("cannot bring up loopback: {}{}", std::strerror(e),
                    e == EPERM ? fmt::format(" ({})", kPrivilegeHint) : std::string()));
  }
}

}  // namespace

NetNamespace NetNamespace::create() {
  int home = open_ns("/proc/thread-self/ns/net");
  // unshare() moves only this thread; it comes back before returning.
  if (::unshare(CLONE_NEWNET) != 0) {
    int e = errno;
    ::close(home);
    throw HarnessError(fmt::format("cannot create a network namespace: {} ({})", std::strerror(e),
                                   kPrivilegeHint));
  }
  NetNamespace ns;
  try {
    ns = NetNamespace(open_ns("/proc/thread-self/ns/net"));
    bring_loopback_up();
  } catch (...) {
    ::setns(home, CLONE_NEWNET);
    ::close(home);
    throw;
  }
  int back = ::setns(home, CLONE_NEWNET);
  ::close(home);
  if (back != 0) throw HarnessError("cannot return to the host network namespace");
  return ns;
}

std::optional<std::string> NetNamespace::unavailable() {
  static const std::optional<std::string> why = []() -> std::optional<std::string> {
    try {
      NetNamespace probe = create();
      return std::nullopt;
    } catch (const HarnessError& e) {
      return std::string(e.what());
    }
  }();
  return why;
}

NetNamespace NetNamespace::of_process(pid_t pid) {
  NetNamespace ns(open_ns(fmt::format("/proc/{}/ns/net", pid)));
  // Joining it later needs the same privilege; fail here, with the reason, not mid-run.
  InNetNamespace probe(&ns);
  return ns;
}

bool NetNamespace::move_this_thread() const {
  return fd_ >= 0 && ::setns(fd_, CLONE_NEWNET) == 0;
}

NetNamespace::NetNamespace(NetNamespace&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

NetNamespace& NetNamespace::operator=(NetNamespace&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

NetNamespace::~NetNamespace() {
  if (fd_ >= 0) ::close(fd_);
}

InNetNamespace::InNetNamespace(const NetNamespace* ns) {
  if (!ns || !*ns) return;
  home_ = open_ns("/proc/thread-self/ns/net");
  if (::setns(ns->fd(), CLONE_NEWNET) != 0) {
    int e = errno;
    ::close(home_);
    home_ = -1;
    throw HarnessError(
        fmt::format("cannot enter the run's network namespace: {} (a network of its own needs "
                    "root or CAP_SYS_ADMIN)",
                    std::strerror(e)));
  }
}

InNetNamespace::~InNetNamespace() {
  if (home_ < 0) return;
  // Cannot fail for a namespace we were in a moment ago; a thread left elsewhere would be worse
  // than a crash, so insist.
  if (::setns(home_, CLONE_NEWNET) != 0) std::terminate();
  ::close(home_);
}

// /proc/sys/net is looked up through the opening thread's namespace.
void write_sysctl(const NetNamespace& ns, const std::string& key, const std::string& value) {
  InNetNamespace there(&ns);
  std::string path = "/proc/sys/" + key;
  for (std::size_t i = std::string("/proc/sys/").size(); i < path.size(); ++i) {
    if (path[i] == '.') path[i] = '/';
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    throw HarnessError(fmt::format(
        "cannot set sysctl {}: {}{}", key, std::strerror(e),
        e == ENOENT ? " (no such key in a network namespace of this kernel: only network-"
                      "namespaced net.* keys can be set per run)"
                    : ""));
  }
  ssize_t n = ::write(fd, value.data(), value.size());
  int e = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    throw HarnessError(
        fmt::format("cannot set sysctl {} to \"{}\": {}", key, value, std::strerror(e)));
  }
}

}  // namespace badgateway
