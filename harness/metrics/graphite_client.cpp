#include "harness/metrics/graphite_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "harness/process/fd_wait.hpp"

namespace badgateway {
namespace {

using Clock = std::chrono::steady_clock;

// A connect's outcome shows as POLLERR with POLLOUT: SO_ERROR, read after, tells which.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  const int revents = wait_fd(fd, events, deadline);
  if (revents <= 0) return false;
  return (revents & (POLLERR | POLLNVAL)) == 0 || (events & POLLOUT) != 0;
}

}  // namespace

GraphiteClient::GraphiteClient(fakes::Address at, std::FILE* warnings, Millis limit)
    : at_(std::move(at)), warnings_(warnings), limit_(limit) {}

GraphiteClient::~GraphiteClient() {
  if (fd_ >= 0) ::close(fd_);
}

void GraphiteClient::fail(const std::string& what) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (warned_) return;
  warned_ = true;
  fmt::print(warnings_, "badgateway: warning: --graphite {}: {}; trying again every second\n",
             at_.to_string(), what);
  std::fflush(warnings_);
}

bool GraphiteClient::connect() {
  sockaddr_storage addr{};
  const socklen_t len = at_.to_sockaddr(addr);
  fd_ = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    fail(fmt::format("socket: {}", std::strerror(errno)));
    return false;
  }
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), len) == 0) return true;
  if (errno != EINPROGRESS) {
    fail(fmt::format("connect: {}", std::strerror(errno)));
    return false;
  }
  if (!wait_for(fd_, POLLOUT, Clock::now() + limit_)) {
    fail(fmt::format("connect: no answer within {} ms", limit_.count()));
    return false;
  }
  int error = 0;
  socklen_t error_len = sizeof error;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &error_len);
  if (error != 0) {
    fail(fmt::format("connect: {}", std::strerror(error)));
    return false;
  }
  return true;
}

bool GraphiteClient::send(const std::string& lines) {
  if (lines.empty()) return true;
  if (fd_ < 0 && !connect()) return false;
  const auto deadline = Clock::now() + limit_;
  std::size_t sent = 0;
  while (sent < lines.size()) {
    const ssize_t n = ::send(fd_, lines.data() + sent, lines.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd_, POLLOUT, deadline)) {
        fail(fmt::format("send: not taken within {} ms", limit_.count()));
        return false;
      }
    } else {
      fail(fmt::format("send: {}", std::strerror(errno)));
      return false;
    }
  }
  if (warned_) {
    fmt::print(warnings_, "badgateway: --graphite {}: sending again\n", at_.to_string());
    std::fflush(warnings_);
  }
  warned_ = false;
  lines_sent_ += static_cast<std::uint64_t>(std::count(lines.begin(), lines.end(), '\n'));
  return true;
}

}  // namespace badgateway
