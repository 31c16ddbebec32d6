#include "harness/metrics/stub_status.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "harness/process/fd_wait.hpp"

namespace badgateway {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits for `events` on `fd` until `deadline`; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  return wait_fd(fd, events, deadline) > 0;
}

// The numbers after each of `words` in order, e.g. "Reading:" -> its value.
std::optional<std::uint64_t> number_after(std::string_view text, std::string_view word,
                                          std::size_t& from) {
  const auto at = text.find(word, from);
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + word.size();
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r')) ++i;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
  if (ec != std::errc{}) return std::nullopt;
  from = static_cast<std::size_t>(end - text.data());
  return value;
}

}  // namespace

std::optional<StubStatus> parse_stub_status(std::string_view body) {
  StubStatus s;
  std::size_t at = 0;
  auto active = number_after(body, "Active connections:", at);
  auto accepted = number_after(body, "server accepts handled requests", at);
  auto handled = number_after(body, "", at);
  auto requests = number_after(body, "", at);
  auto reading = number_after(body, "Reading:", at);
  auto writing = number_after(body, "Writing:", at);
  auto waiting = number_after(body, "Waiting:", at);
  if (!active || !accepted || !handled || !requests || !reading || !writing || !waiting)
    return std::nullopt;
  s.active = *active;
  s.accepted = *accepted;
  s.handled = *handled;
  s.requests = *requests;
  s.reading = *reading;
  s.writing = *writing;
  s.waiting = *waiting;
  return s;
}

std::optional<std::string> http_get(const fakes::Address& at, std::string_view path, Millis limit) {
  const auto deadline = Clock::now() + limit;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(at.port);
  if (::inet_pton(AF_INET, at.host.c_str(), &addr.sin_addr) != 1) return std::nullopt;
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return std::nullopt;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS || !wait_for(fd.get(), POLLOUT, deadline)) return std::nullopt;
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0)
      return std::nullopt;
  }
  const std::string request =
      fmt::format("GET {} HTTP/1.0\r\nHost: {}\r\nUser-Agent: badgateway-metrics\r\n\r\n", path,
                  at.to_string());
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd.get(), POLLOUT, deadline)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  std::string response;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n > 0) {
      response.append(buf, static_cast<std::size_t>(n));
      if (response.size() > 65536) return std::nullopt;  // not a stub_status page
    } else if (n == 0) {
      break;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(fd.get(), POLLIN, deadline)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  const auto head_end = response.find("\r\n\r\n");
  if (head_end == std::string::npos || response.compare(0, 7, "HTTP/1.") != 0 ||
      response.compare(9, 3, "200") != 0)
    return std::nullopt;
  return response.substr(head_end + 4);
}

}  // namespace badgateway
