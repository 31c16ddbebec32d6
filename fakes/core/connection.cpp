#include "fakes/core/connection.hpp"

#include <fmt/format.h>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace badgateway::fakes {

namespace http = beast::http;

Connection::Connection(Stream stream, std::string endpoint_name, Recorder& recorder,
                       ListenerControl& listener, Millis io_timeout)
    : stream_(std::move(stream)),
      timer_(stream_.get_executor()),
      endpoint_name_(std::move(endpoint_name)),
      recorder_(recorder),
      listener_(listener),
      io_timeout_(io_timeout) {}

Connection::~Connection() {
  close();
}

Task<std::optional<HttpRequest>> Connection::read_request() {
  if (!is_open()) co_return std::nullopt;
  http::request_parser<http::string_body> parser;
  parser.header_limit(256 * 1024);
  parser.body_limit(64ull * 1024 * 1024);
  stream_.expires_after(io_timeout_);
  auto [ec, n] = tls_ ? co_await http::async_read(*tls_, buffer_, parser, use_tuple)
                      : co_await http::async_read(stream_, buffer_, parser, use_tuple);
  stream_.expires_never();
  recorder_.on_bytes_in(n);
  if (ec) {
    if (ec != http::error::end_of_stream && ec != asio::error::eof &&
        ec != asio::error::operation_aborted) {
      recorder_.note(fmt::format("request not read: {}", ec.message()));
    }
    // Like any real HTTP server, answer bytes that are not HTTP with 400 (what fastcgi_pass
    // pointed at an HTTP port receives: nginx then reports version 72, 'H').
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      static constexpr std::string_view bad_request =
          "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      co_await write(bad_request);
    }
    co_return std::nullopt;
  }
  auto& msg = parser.get();
  HttpRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  for (const auto& field : msg) {
    req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  req.body = std::move(msg.body());
  req.keep_alive = msg.keep_alive();
  ++requests_read_;
  recorder_.on_request(SeenRequest{req.method, req.target, req.headers, req.body.size(),
                                   std::chrono::steady_clock::now()});
  co_return req;
}

Task<std::size_t> Connection::read_some(std::string& out, std::size_t max) {
  if (!is_open()) co_return 0;
  std::string chunk(max, '\0');
  stream_.expires_after(io_timeout_);
  auto [ec, n] = tls_ ? co_await tls_->async_read_some(asio::buffer(chunk), use_tuple)
                      : co_await stream_.async_read_some(asio::buffer(chunk), use_tuple);
  stream_.expires_never();
  recorder_.on_bytes_in(n);
  out.append(chunk.data(), n);
  co_return ec ? 0 : n;
}

void Connection::record_request(SeenRequest request) {
  ++requests_read_;
  recorder_.on_request(std::move(request));
}

Task<bool> Connection::write(std::string_view bytes) {
  if (!is_open()) co_return false;
  stream_.expires_after(io_timeout_);
  auto [ec, n] = tls_ ? co_await asio::async_write(*tls_, asio::buffer(bytes), use_tuple)
                      : co_await asio::async_write(stream_, asio::buffer(bytes), use_tuple);
  stream_.expires_never();
  recorder_.on_bytes_out(n);
  co_return !ec;
}

Task<void> Connection::pause(Millis d) {
  if (aborted_ || d.count() <= 0) co_return;
  timer_.expires_after(d);
  co_await timer_.async_wait(use_tuple);
}

Task<void> Connection::hold(Millis limit) {
  // Reading (and discarding) notices the peer closing; the deadline bounds the wait.
  auto until = std::chrono::steady_clock::now() + limit;
  std::array<char, 4096> sink{};
  while (is_open() && !aborted_) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    stream_.expires_after(left);
    auto [ec, n] = tls_ ? co_await tls_->async_read_some(asio::buffer(sink), use_tuple)
                        : co_await stream_.async_read_some(asio::buffer(sink), use_tuple);
    stream_.expires_never();
    recorder_.on_bytes_in(n);
    if (ec) break;
  }
}

void Connection::close() {
  auto& sock = stream_.socket();
  if (!sock.is_open()) return;
  boost::system::error_code ignored;
  if (tls_) {
    // A server that ends a connection on purpose says so with close_notify (RFC 8446 6.1), so
    // that the close is not a truncation. Asio's synchronous shutdown() queues the alert
    // (SSL_shutdown), writes it, then reads for the peer's own close_notify: with the socket
    // non-blocking that read ends at once (would_block), and the FIN follows. No wait, so close()
    // stays synchronous for the behaviours; a peer that stopped reading (a full send buffer) does
    // not get the alert. nginx's reaction is the same with or without it on every version here:
    // it sets SSL_OP_IGNORE_UNEXPECTED_EOF, under which OpenSSL 3 reports a bare EOF as a
    // close_notify, and ngx_ssl_handle_recv() takes both as "peer shutdown SSL cleanly".
    sock.non_blocking(true, ignored);
    tls_->shutdown(ignored);
    tls_.reset();
  }
  sock.shutdown(asio::socket_base::shutdown_send, ignored);
  sock.close(ignored);
}

void Connection::reset() {
  auto& sock = stream_.socket();
  if (!sock.is_open()) return;
  boost::system::error_code ignored;
  sock.set_option(asio::socket_base::linger(true, 0), ignored);
  sock.close(ignored);
  recorder_.on_reset();
}

void Connection::abort() {
  aborted_ = true;
  timer_.cancel();
  boost::system::error_code ignored;
  stream_.socket().close(ignored);
}

bool Connection::is_open() const {
  return stream_.socket().is_open();
}

std::string Connection::response_head(
    int status, const std::vector<std::pair<std::string, std::string>>& headers,
    std::optional<std::uint64_t> content_length, bool keep_alive) const {
  std::string head = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  head += fmt::format("{}: {}\r\n", kFakeHeader, endpoint_name_);
  for (const auto& [k, v] : headers) head += fmt::format("{}: {}\r\n", k, v);
  if (content_length) head += fmt::format("Content-Length: {}\r\n", *content_length);
  head += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  head += "\r\n";
  return head;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

}  // namespace badgateway::fakes
