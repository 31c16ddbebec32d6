#include "tests/support/raw_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace badgateway::test {

using Clock = std::chrono::steady_clock;

RawClient::~RawClient() {
  close();
}

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

ConnectResult RawClient::connect(const fakes::Address& to, std::chrono::milliseconds limit) {
  close();
  sockaddr_storage ss;
  socklen_t len = to.to_sockaddr(ss);
  fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return ConnectResult::failed;
  int rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&ss), len);
  if (rc == 0) return ConnectResult::connected;
  if (errno == ECONNREFUSED) return ConnectResult::refused;
  if (errno != EINPROGRESS && errno != EAGAIN) return ConnectResult::failed;
  pollfd p{fd_, POLLOUT, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) != 1) return ConnectResult::timed_out;
  int err = 0;
  socklen_t elen = sizeof err;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &elen);
  if (err == 0) return ConnectResult::connected;
  return err == ECONNREFUSED ? ConnectResult::refused : ConnectResult::failed;
}

bool send_all(int fd, std::string_view bytes, std::chrono::milliseconds limit) {
  std::size_t sent = 0;
  auto deadline = Clock::now() + limit;
  while (sent < bytes.size() && Clock::now() < deadline) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 100);
    } else {
      return false;
    }
  }
  return sent == bytes.size();
}

bool RawClient::send(const std::string& bytes) {
  return send_all(fd_, bytes);
}

Received RawClient::read_at_least(std::size_t want, std::chrono::milliseconds limit) {
  Received r;
  auto deadline = Clock::now() + limit;
  char buf[16384];
  while (r.bytes.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      r.end = EndKind::timed_out;
      return r;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) != 1) continue;
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      r.bytes.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      r.end = EndKind::eof;
      return r;
    } else if (errno != EAGAIN && errno != EINTR) {  // ECONNRESET, or worse
      r.end = EndKind::reset;
      return r;
    }
  }
  r.end = EndKind::open;
  return r;
}

Received RawClient::read_all(std::chrono::milliseconds limit) {
  return read_at_least(SIZE_MAX, limit);
}

std::string http_get(const std::string& path, bool keep_alive) {
  return "GET " + path +
         " HTTP/1.1\r\nHost: test\r\nConnection: " + (keep_alive ? "keep-alive" : "close") +
         "\r\n\r\n";
}

}  // namespace badgateway::test
