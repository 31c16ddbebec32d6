#include "fakes/dns/server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <system_error>

#include "fakes/core/asio.hpp"

namespace badgateway::fakes::dns {

using Clock = std::chrono::steady_clock;
using asio::ip::tcp;
using asio::ip::udp;

struct DnsServer::Impl {
  Impl(Zone z) : zone(std::move(z)), udp_socket(io), acceptor(io) {}

  Zone zone;
  asio::io_context io;
  udp::socket udp_socket;
  tcp::acceptor acceptor;
  Millis io_timeout{5000};
  Clock::time_point started = Clock::now();
  mutable std::mutex mutex;  // queries, read from other threads
  std::vector<QueryRecord> queries;
  QueryHistory history;  // the I/O thread's alone: what the zone's answer changes count
  bool stopped = false;

  // Records the query, then answers it at once: the answer depends on the queries so far, so
  // no other query may come between the two (both run on the I/O thread).
  Reply record_and_answer(std::span<const std::uint8_t> message, bool over_tcp) {
    auto q = parse_query(message);
    if (!q) return {};
    const auto now = std::chrono::duration_cast<Millis>(Clock::now() - started);
    history.record(q->name, now);
    {
      std::lock_guard lock(mutex);
      queries.push_back({q->name, q->type, over_tcp, now});
    }
    return answer(zone, message, over_tcp, history, now);
  }

  Task<> wait(Millis delay) {
    if (delay.count() <= 0) co_return;
    asio::steady_timer timer(io, delay);
    co_await timer.async_wait(use_tuple);
  }

  // One answer, after its delay, so that a slow name does not hold up the others.
  Task<> answer_udp(Reply reply, udp::endpoint peer) {
    co_await wait(reply.delay);
    if (!reply.message) co_return;
    co_await udp_socket.async_send_to(asio::buffer(*reply.message), peer, use_tuple);
  }

  Task<> udp_loop() {
    std::array<std::uint8_t, 65535> buffer{};
    for (;;) {
      udp::endpoint peer;
      auto [ec, n] = co_await udp_socket.async_receive_from(asio::buffer(buffer), peer, use_tuple);
      if (ec == asio::error::operation_aborted || !udp_socket.is_open()) co_return;
      if (ec) continue;
      Reply reply = record_and_answer(std::span(buffer.data(), n), false);
      asio::co_spawn(io, answer_udp(std::move(reply), peer), asio::detached);
    }
  }

  // RFC 1035 4.2.2 / RFC 7766: each message with a two-byte length before it; several queries may
  // come on one connection. Every read and write has a deadline.
  Task<> tcp_session(tcp::socket socket) {
    asio::steady_timer deadline(io);
    auto arm = [&] {
      deadline.expires_after(io_timeout);
      deadline.async_wait([&socket](const boost::system::error_code& ec) {
        if (!ec) {
          boost::system::error_code ignored;
          socket.close(ignored);
        }
      });
    };
    for (;;) {
      std::array<std::uint8_t, 2> length{};
      arm();
      auto [ec, n] = co_await asio::async_read(socket, asio::buffer(length), use_tuple);
      if (ec) break;
      std::vector<std::uint8_t> query(static_cast<std::size_t>(length[0] << 8 | length[1]));
      std::tie(ec, n) = co_await asio::async_read(socket, asio::buffer(query), use_tuple);
      if (ec) break;
      deadline.cancel();
      Reply reply = record_and_answer(query, true);
      co_await wait(reply.delay);
      if (!reply.message) continue;  // silent: the client's own timeout ends it
      const auto size = reply.message->size();
      std::array<std::uint8_t, 2> prefix{static_cast<std::uint8_t>(size >> 8),
                                         static_cast<std::uint8_t>(size & 0xff)};
      std::array<asio::const_buffer, 2> out{asio::buffer(prefix), asio::buffer(*reply.message)};
      arm();
      std::tie(ec, n) = co_await asio::async_write(socket, out, use_tuple);
      deadline.cancel();
      if (ec) break;
    }
    deadline.cancel();
    boost::system::error_code ignored;
    socket.close(ignored);
  }

  Task<> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;
      asio::co_spawn(io, tcp_session(std::move(socket)), asio::detached);
    }
  }
};

namespace {

// Asio opens sockets without SOCK_CLOEXEC: an nginx started meanwhile would inherit them.
int cloexec_socket(int family, int type) {
  int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  return fd;
}

}  // namespace

DnsServer::DnsServer(Zone zone, const std::string& host, std::uint16_t port)
    : impl_(std::make_unique<Impl>(std::move(zone))) {
  const auto ip = asio::ip::make_address(host);
  // The kernel's TCP port, then UDP on the same one; another process may hold that UDP port:
  // try again with a new one.
  for (int attempt = 1;; ++attempt) {
    boost::system::error_code ec;
    tcp::endpoint t(ip, port);
    impl_->acceptor.assign(t.protocol(), cloexec_socket(t.protocol().family(), SOCK_STREAM));
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(t, ec);
    if (ec) throw std::system_error(ec, "bind tcp " + host);
    const std::uint16_t chosen = impl_->acceptor.local_endpoint().port();
    udp::endpoint u(ip, chosen);
    impl_->udp_socket.assign(u.protocol(), cloexec_socket(u.protocol().family(), SOCK_DGRAM));
    impl_->udp_socket.bind(u, ec);
    if (!ec) {
      impl_->acceptor.listen();
      address_ = Address::tcp(host, chosen);
      return;
    }
    impl_->acceptor.close();
    impl_->udp_socket.close();
    if (port != 0 || attempt == 10) throw std::system_error(ec, "bind udp " + host);
  }
}

DnsServer::~DnsServer() {
  stop();
}

void DnsServer::start(Millis io_timeout) {
  impl_->io_timeout = io_timeout;
  impl_->started = Clock::now();
  asio::co_spawn(impl_->io, impl_->udp_loop(), asio::detached);
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

void DnsServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  // Closing on the I/O thread ends the loops; stop() then drops whatever is still pending.
  asio::post(impl_->io, [this] {
    boost::system::error_code ignored;
    impl_->udp_socket.close(ignored);
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  if (thread_.joinable()) {
    thread_.join();
  } else {
    impl_->io.run();  // never started: let the posted close run here
  }
}

std::chrono::steady_clock::time_point DnsServer::set_answer(
    std::string_view name, NameAnswer answer, std::chrono::steady_clock::time_point deadline) {
  if (impl_->stopped || !thread_.joinable())
    throw std::runtime_error("the DNS fake is not running");
  auto done = std::make_shared<std::promise<Clock::time_point>>();
  std::future<Clock::time_point> when = done->get_future();
  asio::post(impl_->io, [this, key = Zone::canonical(name), answer = std::move(answer), done] {
    impl_->zone.names[key] = answer;
    impl_->zone.changes.erase(key);
    done->set_value(Clock::now());
  });
  if (when.wait_until(deadline) != std::future_status::ready)
    throw std::runtime_error("the DNS fake's I/O thread did not get to it in time");
  return when.get();
}

std::chrono::steady_clock::time_point DnsServer::started() const {
  return impl_->started;
}

std::vector<QueryRecord> DnsServer::queries() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->queries;
}

std::size_t DnsServer::count(std::string_view name) const {
  const std::string wanted = Zone::canonical(name);
  std::lock_guard lock(impl_->mutex);
  return static_cast<std::size_t>(
      std::count_if(impl_->queries.begin(), impl_->queries.end(),
                    [&](const QueryRecord& q) { return q.name == wanted; }));
}

}  // namespace badgateway::fakes::dns
