#include "tests/support/fastcgi_client.hpp"

#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "fakes/behaviours/registry.hpp"

namespace badgateway::test {

namespace fcgi = fakes::fastcgi;
using fcgi::RecordType;

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Non-blocking connect on a fresh socket: 0 or an errno. Async-signal-safe (used after fork()).
int connect_fd(const sockaddr_storage& ss, socklen_t len, int limit_ms, int& fd_out) {
  fd_out = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_out < 0) return errno;
  if (::connect(fd_out, reinterpret_cast<const sockaddr*>(&ss), len) == 0) return 0;
  if (errno != EINPROGRESS) return errno;  // unix sockets answer at once, EAGAIN included
  pollfd p{fd_out, POLLOUT, 0};
  if (::poll(&p, 1, limit_ms) != 1) return ETIMEDOUT;
  int err = 0;
  socklen_t elen = sizeof err;
  ::getsockopt(fd_out, SOL_SOCKET, SO_ERROR, &err, &elen);
  return err;
}

}  // namespace

FcgiParams nginx_params(std::string method, std::string uri, std::size_t content_length) {
  std::string script = uri.substr(0, uri.find('?'));
  std::string query = uri.find('?') == std::string::npos ? "" : uri.substr(uri.find('?') + 1);
  return {
      {"SCRIPT_FILENAME", "/var/www" + script},
      {"QUERY_STRING", query},
      {"REQUEST_METHOD", method},
      {"CONTENT_TYPE", content_length ? "application/x-www-form-urlencoded" : ""},
      {"CONTENT_LENGTH", content_length ? std::to_string(content_length) : ""},
      {"SCRIPT_NAME", script},
      {"REQUEST_URI", uri},
      {"DOCUMENT_URI", script},
      {"DOCUMENT_ROOT", "/var/www"},
      {"SERVER_PROTOCOL", "HTTP/1.1"},
      {"REQUEST_SCHEME", "http"},
      {"GATEWAY_INTERFACE", "CGI/1.1"},
      {"SERVER_SOFTWARE", "nginx/1.22.1"},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"REMOTE_PORT", "40000"},
      {"SERVER_ADDR", "127.0.0.1"},
      {"SERVER_PORT", "80"},
      {"SERVER_NAME", "test"},
      {"REDIRECT_STATUS", "200"},
      {"HTTP_HOST", "test"},
  };
}

std::string encode_request(const FcgiRequest& request) {
  std::string out = fcgi::encode_begin_request(request.id, fcgi::kRoleResponder, request.keep_conn);
  out += fcgi::encode_stream(RecordType::params, request.id, fcgi::encode_params(request.params));
  out += fcgi::encode_record(RecordType::params, request.id, "");
  out += fcgi::encode_stream(RecordType::stdin_, request.id, request.stdin_data);
  out += fcgi::encode_record(RecordType::stdin_, request.id, "");
  return out;
}

bool FcgiResponse::has_end_request() const {
  return end_request().has_value();
}

std::optional<fcgi::EndRequest> FcgiResponse::end_request() const {
  for (const auto& r : records) {
    if (r.is(RecordType::end_request)) return fcgi::decode_end_request(r.content);
  }
  return std::nullopt;
}

std::string FcgiResponse::stdout_data() const {
  std::string out;
  for (const auto& r : records) {
    if (r.is(RecordType::stdout_)) out += r.content;
  }
  return out;
}

std::string FcgiResponse::stderr_data() const {
  std::string out;
  for (const auto& r : records) {
    if (r.is(RecordType::stderr_)) out += r.content;
  }
  return out;
}

bool FcgiResponse::stdout_ended() const {
  return std::any_of(records.begin(), records.end(), [](const fcgi::Record& r) {
    return r.is(RecordType::stdout_) && r.content.empty();
  });
}

std::vector<std::uint8_t> FcgiResponse::types() const {
  std::vector<std::uint8_t> out;
  for (const auto& r : records) out.push_back(r.type);
  return out;
}

std::string FcgiResponse::cgi_headers() const {
  std::string out = stdout_data();
  auto end = out.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : out.substr(0, end + 4);
}

std::string FcgiResponse::cgi_body() const {
  std::string out = stdout_data();
  auto end = out.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : out.substr(end + 4);
}

std::optional<std::string> FcgiResponse::header(std::string_view name) const {
  std::string block = cgi_headers();
  std::size_t pos = 0;
  while (pos < block.size()) {
    auto eol = block.find("\r\n", pos);
    if (eol == std::string::npos || eol == pos) break;
    std::string_view line(block.data() + pos, eol - pos);
    pos = eol + 2;
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !same_name(line.substr(0, colon), name)) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    return std::string(value);
  }
  return std::nullopt;
}

FastcgiClient::~FastcgiClient() {
  close();
}

void FastcgiClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  decoder_ = fcgi::RecordDecoder();
}

int FastcgiClient::connect(const fakes::Address& to, std::chrono::milliseconds limit) {
  close();
  sockaddr_storage ss;
  socklen_t len = to.to_sockaddr(ss);
  int err = connect_fd(ss, len, static_cast<int>(limit.count()), fd_);
  if (err != 0) close();
  return err;
}

bool FastcgiClient::send(std::string_view bytes) {
  return send_all(fd_, bytes);
}

FcgiResponse FastcgiClient::read_response(std::chrono::milliseconds limit) {
  FcgiResponse response;
  auto deadline = Clock::now() + limit;
  char buf[16384];
  for (;;) {
    while (auto record = decoder_.next()) {
      bool end = record->is(RecordType::end_request);
      response.records.push_back(std::move(*record));
      if (end) return response;  // end stays `open`
    }
    if (decoder_.failed()) {
      response.decode_error = decoder_.error();
      return response;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      response.end = EndKind::timed_out;
      return response;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) != 1) continue;
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      response.raw.append(buf, static_cast<std::size_t>(n));
      decoder_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    } else if (n == 0) {
      response.end = EndKind::eof;
      break;
    } else if (errno != EAGAIN && errno != EINTR) {
      response.end = EndKind::reset;
      break;
    }
  }
  // The stream ended: hand over the complete records that arrived with the last bytes.
  while (auto record = decoder_.next()) response.records.push_back(std::move(*record));
  if (decoder_.failed()) response.decode_error = decoder_.error();
  return response;
}

Received FastcgiClient::read_all(std::chrono::milliseconds limit) {
  Received r;
  auto deadline = Clock::now() + limit;
  char buf[16384];
  for (;;) {
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
    } else if (errno != EAGAIN && errno != EINTR) {
      r.end = EndKind::reset;
      return r;
    }
  }
}

int connect_as_user(const fakes::Address& to, unsigned uid) {
  if (::geteuid() != 0) throw std::logic_error("connect_as_user needs root");
  sockaddr_storage ss;
  socklen_t len = to.to_sockaddr(ss);
  pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    // Only async-signal-safe calls here: the parent has other threads.
    if (::setgroups(0, nullptr) != 0 || ::setgid(uid) != 0 || ::setuid(uid) != 0) ::_exit(255);
    int fd = -1;
    int err = connect_fd(ss, len, 2000, fd);
    ::_exit(err > 254 ? 254 : err);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 255)
    throw std::runtime_error("connect_as_user: child failed");
  return WEXITSTATUS(status);
}

fakes::Address add_fastcgi_fake(fakes::FakeServer& server, const std::string& name,
                                std::string_view behaviour, ParamMap params,
                                const fakes::Address& where) {
  return add_fake(server, name, behaviour, std::move(params), where, fakes::Protocol::fastcgi);
}

std::optional<std::string> fastcgi_param_error_key(std::string_view behaviour, ParamMap params) {
  return param_error_key(behaviour, std::move(params), fakes::Protocol::fastcgi);
}

FcgiExchange fastcgi_round_trip(const fakes::Address& to, const FcgiRequest& request,
                                std::chrono::milliseconds limit) {
  FcgiExchange x;
  FastcgiClient client;
  x.connect_error = client.connect(to);
  if (x.connect_error != 0) return x;
  x.sent = client.send_request(request);
  x.response = client.read_response(limit);
  return x;
}

}  // namespace badgateway::test
