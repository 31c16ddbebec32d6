#include "tests/support/fake_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "fakes/behaviours/registry.hpp"

namespace badgateway::test {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

fakes::Address any_loopback_port() {
  return fakes::Address::tcp("127.0.0.1", 0);
}

std::string unique_socket_path() {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path();
  for (;;) {
    auto path = dir / ("bgw-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                       ".sock");
    if (!std::filesystem::exists(path)) return path.string();
  }
}

namespace {

const fakes::BehaviourInfo& registered(std::string_view behaviour, fakes::Protocol protocol) {
  const fakes::BehaviourInfo* info = fakes::find_behaviour(behaviour, protocol);
  if (!info) {
    throw std::invalid_argument(fmt::format("no {} behaviour named {}",
                                            protocol == fakes::Protocol::http ? "HTTP" : "FastCGI",
                                            behaviour));
  }
  return *info;
}

}  // namespace

fakes::Address add_fake(fakes::FakeServer& server, const std::string& name,
                        std::string_view behaviour, ParamMap params, const fakes::Address& where,
                        fakes::Protocol protocol) {
  fakes::Params p(std::move(params));
  return server.add_endpoint(name, where,
                             fakes::make_behaviour(registered(behaviour, protocol), p));
}

std::optional<std::string> param_error_key(std::string_view behaviour, ParamMap params,
                                           fakes::Protocol protocol) {
  const fakes::BehaviourInfo& info = registered(behaviour, protocol);
  fakes::Params p(std::move(params));
  try {
    fakes::make_behaviour(info, p);
  } catch (const fakes::ParamError& e) {
    return e.key();
  }
  return std::nullopt;
}

void EventLog::add(const std::string& line) {
  {
    std::lock_guard lock(mutex_);
    lines_.push_back(line);
  }
  changed_.notify_all();
}

std::vector<std::string> EventLog::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

std::size_t EventLog::count_locked(std::string_view prefix) const {
  return static_cast<std::size_t>(std::count_if(
      lines_.begin(), lines_.end(), [&](const std::string& l) { return l.starts_with(prefix); }));
}

std::size_t EventLog::count(std::string_view prefix) const {
  std::lock_guard lock(mutex_);
  return count_locked(prefix);
}

bool EventLog::wait_for(std::string_view prefix, std::size_t n, std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, limit, [&] { return count_locked(prefix) >= n; });
}

std::shared_ptr<EventLog> watch(fakes::Recorder& recorder) {
  auto log = std::make_shared<EventLog>();
  recorder.set_listener([log](const std::string& line) { log->add(line); });
  return log;
}

FakeFixture::FakeFixture(std::string_view behaviour, ParamMap params, const fakes::Address& where,
                         fakes::Protocol protocol)
    : name_(behaviour) {
  address_ = add_fake(server_, name_, behaviour, std::move(params), where, protocol);
  events_ = watch(server_.recorder(name_));
  server_.start();
}

fakes::EndpointStats FakeFixture::stop_and_stats() {
  server_.stop();
  return server_.stats(name_);
}

Exchange round_trip(const fakes::Address& to, const std::string& request,
                    std::chrono::milliseconds limit) {
  Exchange x;
  RawClient client;
  x.connect = client.connect(to);
  if (x.connect != ConnectResult::connected) return x;
  x.sent = request.empty() || client.send(request);
  x.received = client.read_all(limit);
  return x;
}

Received connect_and_read(const fakes::Address& to, std::chrono::milliseconds limit) {
  Received r;
  r.end = EndKind::timed_out;
  sockaddr_storage ss;
  socklen_t len = to.to_sockaddr(ss);
  int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return r;
  // Blocking: a loopback connect completes or fails at once.
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
  if (rc != 0) {
    if (errno == ECONNRESET) r.end = EndKind::reset;
    ::close(fd);
    return r;
  }
  auto deadline = Clock::now() + limit;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      r.end = EndKind::timed_out;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) != 1) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.bytes.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      r.end = EndKind::eof;
      break;
    } else if (errno != EINTR && errno != EAGAIN) {
      r.end = errno == ECONNRESET ? EndKind::reset : EndKind::timed_out;
      break;
    }
  }
  ::close(fd);
  return r;
}

Received read_head(RawClient& client, std::chrono::milliseconds limit) {
  Received all;
  auto deadline = Clock::now() + limit;
  while (all.bytes.find("\r\n\r\n") == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      all.end = EndKind::timed_out;
      return all;
    }
    Received part = client.read_at_least(1, left);
    all.bytes += part.bytes;
    if (part.end != EndKind::open) {
      all.end = part.end;
      return all;
    }
  }
  all.end = EndKind::open;
  return all;
}

Received read_response(RawClient& client, std::chrono::milliseconds limit) {
  auto deadline = Clock::now() + limit;
  Received r = read_head(client, limit);
  if (r.end != EndKind::open) return r;
  std::size_t head = header_block(r.bytes).size();
  auto length = header_value(r.bytes, "Content-Length");
  std::size_t want = 0;
  if (length) std::from_chars(length->data(), length->data() + length->size(), want);
  if (r.bytes.size() >= head + want) return r;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  Received rest = client.read_at_least(head + want - r.bytes.size(), std::max(left, 1ms));
  r.bytes += rest.bytes;
  r.end = rest.end;
  return r;
}

std::string header_block(std::string_view response) {
  auto end = response.find("\r\n\r\n");
  if (end == std::string_view::npos) return {};
  return std::string(response.substr(0, end + 4));
}

std::string body_of(std::string_view response) {
  auto end = response.find("\r\n\r\n");
  if (end == std::string_view::npos) return {};
  return std::string(response.substr(end + 4));
}

int status_of(std::string_view response) {
  if (!response.starts_with("HTTP/1.") || response.size() < 12 || response[8] != ' ') return -1;
  int status = 0;
  auto [ptr, ec] = std::from_chars(response.data() + 9, response.data() + 12, status);
  if (ec != std::errc{} || ptr != response.data() + 12) return -1;
  return status;
}

std::vector<std::string> header_values(std::string_view response, std::string_view name) {
  std::vector<std::string> values;
  std::string head = header_block(response);
  std::string_view rest(head);
  auto first = rest.find("\r\n");  // skip the status line
  if (first == std::string_view::npos) return values;
  rest.remove_prefix(first + 2);
  while (!rest.empty()) {
    auto eol = rest.find("\r\n");
    if (eol == std::string_view::npos || eol == 0) break;
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (same_name(trim(line.substr(0, colon)), name))
      values.emplace_back(trim(line.substr(colon + 1)));
  }
  return values;
}

std::optional<std::string> header_value(std::string_view response, std::string_view name) {
  auto values = header_values(response, name);
  if (values.empty()) return std::nullopt;
  return values.front();
}

}  // namespace badgateway::test
