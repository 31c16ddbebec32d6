#include "harness/metrics/prometheus_server.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "harness/error.hpp"

namespace badgateway {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A scraper that sends nothing, or reads nothing, is let go after this.
constexpr std::chrono::seconds kIoDeadline{10};

http::response<http::string_body> answer(const http::request<http::string_body>& req,
                                         const std::function<std::string()>& body) {
  http::response<http::string_body> res;
  res.version(11);
  res.keep_alive(req.keep_alive());
  res.set(http::field::server, "badgateway");
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    res.result(http::status::method_not_allowed);
    res.set(http::field::allow, "GET, HEAD");
    res.body() = "GET /metrics\n";
  } else if (path != "/metrics") {
    res.result(http::status::not_found);
    res.body() = "badgateway serves GET /metrics\n";
  } else {
    res.result(http::status::ok);
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = body();
  }
  if (res.result() != http::status::ok) res.set(http::field::content_type, "text/plain");
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

asio::awaitable<void> serve(beast::tcp_stream stream, std::function<std::string()> body) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    stream.expires_after(kIoDeadline);
    auto [read_error, n] = co_await http::async_read(stream, buffer, req, use_tuple);
    if (read_error) break;  // closed, timed out, or not HTTP: nothing to answer
    auto res = answer(req, body);
    const bool again = res.keep_alive();
    stream.expires_after(kIoDeadline);
    auto [write_error, m] = co_await http::async_write(stream, res, use_tuple);
    if (write_error || !again) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

struct PrometheusServer::State {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::function<std::string()> body;
  fakes::Address bound;
  std::thread thread;

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor.async_accept(use_tuple);
      if (error == asio::error::operation_aborted || !acceptor.is_open()) break;
      if (error) continue;  // EMFILE and the like: the next scrape tries again
      asio::co_spawn(io, serve(beast::tcp_stream(std::move(socket)), body), asio::detached);
    }
  }
};

PrometheusServer::PrometheusServer(const fakes::Address& at, std::function<std::string()> body)
    : state_(std::make_unique<State>()) {
  state_->body = std::move(body);
  beast::error_code ec;
  const auto ip = asio::ip::make_address(at.host, ec);
  tcp::endpoint endpoint(ip, at.port);
  if (!ec) state_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) state_->acceptor.bind(endpoint, ec);
  if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw HarnessError(fmt::format("--metrics-listen {}: {}", at.to_string(), ec.message()));
  state_->bound = fakes::Address::tcp(at.host, state_->acceptor.local_endpoint().port());
  asio::co_spawn(state_->io, state_->accept_loop(), asio::detached);
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

PrometheusServer::~PrometheusServer() {
  // Everything stops with the io_context: the accept loop and every connection's coroutine are
  // destroyed with it, closing their sockets.
  state_->io.stop();
  if (state_->thread.joinable()) state_->thread.join();
}

const fakes::Address& PrometheusServer::address() const {
  return state_->bound;
}

}  // namespace badgateway
