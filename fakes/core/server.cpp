#include "fakes/core/server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <unistd.h>
#include <system_error>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <stdexcept>
#include <system_error>
#include <variant>

#include <fmt/format.h>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>

namespace badgateway::fakes {

using GenericEndpoint = asio::generic::stream_protocol::endpoint;
using Acceptor = asio::basic_socket_acceptor<asio::generic::stream_protocol>;

namespace {

GenericEndpoint to_generic(const Address& a) {
  if (a.kind == Address::Kind::unix_socket) {
    return GenericEndpoint(asio::local::stream_protocol::endpoint(a.path));
  }
  return GenericEndpoint(asio::ip::tcp::endpoint(asio::ip::make_address(a.host), a.port));
}

std::uint16_t port_of(const GenericEndpoint& ep) {
  // sin_port and sin6_port sit at the same offset.
  const auto* in = reinterpret_cast<const sockaddr_in*>(ep.data());
  return ntohs(in->sin_port);
}

// A TCP listener's accept queue as the kernel counts it: tcp_get_info() reports a LISTEN socket's
// sk_ack_backlog in tcpi_unacked and sk_max_ack_backlog in tcpi_sacked. nullopt for other sockets.
struct AcceptQueue {
  unsigned queued = 0;
  unsigned limit = 0;
  // As sk_acceptq_is_full(): tcp_conn_request() then drops every SYN.
  bool full() const { return queued > limit; }
};
std::optional<AcceptQueue> accept_queue(int listener) {
  tcp_info info{};
  socklen_t len = sizeof info;
  if (::getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
      info.tcpi_state != TCP_LISTEN) {
    return std::nullopt;
  }
  return AcceptQueue{info.tcpi_unacked, info.tcpi_sacked};
}

// Connects to our own listen(0) socket until the kernel's accept queue is full, so that later
// SYNs are dropped. On TCP the kernel says when it is full (the connection's final ACK reaches
// the queue in softirq, a moment after connect() saw it established: waited for, bounded). A
// unix socket refuses at once (EAGAIN); elsewhere a connect still pending after 100 ms means full.
std::vector<int> fill_backlog(int listener, const GenericEndpoint& target) {
  std::vector<int> fillers;
  for (int i = 0; i < 8; ++i) {
    int fd = ::socket(target.data()->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    int rc = ::connect(fd, target.data(), static_cast<socklen_t>(target.size()));
    bool done = rc == 0;
    if (rc < 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 100) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        done = err == 0;
      }
    }
    if (!done) {
      ::close(fd);
      return fillers;
    }
    fillers.push_back(fd);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    std::optional<AcceptQueue> q = accept_queue(listener);
    while (q && q->queued < fillers.size() && std::chrono::steady_clock::now() < deadline) {
      ::sched_yield();  // the softirq that queues the connection runs on this or the other core
      q = accept_queue(listener);
    }
    if (q && q->full()) return fillers;
  }
  for (int fd : fillers) ::close(fd);
  throw std::runtime_error("could not fill the listen backlog: connections keep completing");
}

// A unix socket nobody listens on any more (its server was killed before it could remove it):
// connecting is refused. (Linux refuses a connect to a file that is no socket the same way.)
bool is_stale_socket(const std::string& path) {
  sockaddr_un address{};
  std::error_code ec;
  if (path.size() >= sizeof address.sun_path || !std::filesystem::is_socket(path, ec)) return false;
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool refused = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
                 errno == ECONNREFUSED;
  ::close(fd);
  return refused;
}

}  // namespace

class FakeServer::Endpoint final : public ListenerControl {
 public:
  Endpoint(asio::io_context& io, std::string name, const Address& where, BehaviourPtr behaviour,
           EndpointOptions options)
      : name_(std::move(name)),
        requested_(where),
        behaviour_(std::move(behaviour)),
        options_(std::move(options)),
        acceptor_(std::in_place, io),
        resume_(std::in_place, io) {
    if (options_.tls) tls_ = std::make_unique<TlsContext>(*options_.tls);
    if (where.kind == Address::Kind::unix_socket && std::filesystem::exists(where.path)) {
      throw std::runtime_error(fmt::format(
          "{} already exists; refusing to replace it{}", where.path,
          is_stale_socket(where.path)
              ? " (a stale socket: nothing accepts on it, so whatever made it was killed; "
                "remove it and start again)"
              : ""));
    }
    try {
      bind_and_listen(to_generic(where));
      if (where.kind == Address::Kind::unix_socket) {
        bound_ = where;
      } else {
        bound_ = Address::tcp(where.host, port_of(acceptor_->local_endpoint()));
      }
      if (acceptor_->is_open()) behaviour_->after_bind(bound_);
    } catch (...) {
      release();  // a unix socket file we created must not outlive the failure
      throw;
    }
  }

  const std::string& name() const { return name_; }
  const Address& bound() const { return bound_; }
  Recorder& recorder() { return recorder_; }

  void start(asio::io_context& io) {
    if (behaviour_->listening() == Listening::accept) {
      accept_loop_started_ = true;
      asio::co_spawn(io, accept_loop(), asio::detached);
    }
  }

  // The timeline's changes (FakeServer::stop_listening and the others), on the I/O thread.
  void close_connections() {
    for (Connection* c : live_) {
      c->close();
      c->wake();  // a behaviour pausing on purpose notices at once
    }
  }

  void reset_connections() {
    for (Connection* c : live_) {
      c->reset();
      c->wake();
    }
  }

  void move_to(Address where) {
    if (bound_.kind == Address::Kind::unix_socket || where.kind == Address::Kind::unix_socket)
      throw std::runtime_error(fmt::format("fake \"{}\": only a TCP listener moves", name_));
    if (where.port == 0) where.port = bound_.port;
    const bool was_listening = listening_;
    stop_listening();
    bound_ = where;
    if (!was_listening) return;
    try {
      bind_and_listen(to_generic(bound_));
    } catch (const std::exception& e) {
      boost::system::error_code ignored;
      acceptor_->close(ignored);
      throw std::runtime_error(
          fmt::format("fake \"{}\" cannot listen on {}: {}", name_, where.to_string(), e.what()));
    }
    behaviour_->after_bind(bound_);
    listening_ = true;
    resume_->cancel();  // the accept loop waits on the new listener
  }

  void listen_again() {
    resume_listening();
    if (!listening_)
      throw std::runtime_error(fmt::format("fake \"{}\" could not listen again", name_));
  }

  void replace_behaviour(BehaviourPtr behaviour) {
    const Listening before = behaviour_->listening();
    // Sessions being served hold a reference to the old behaviour: it lives as long as the
    // endpoint does.
    retired_.push_back(std::move(behaviour_));
    behaviour_ = std::move(behaviour);
    if (listening_ && behaviour_->listening() != before) {
      unbind();
      try {
        bind_and_listen(to_generic(bound_));
      } catch (const boost::system::system_error& e) {
        // The connections just served left TIME_WAIT entries on the port, which block a bind
        // without SO_REUSEADDR (a socket that will not listen, as refuse's).
        if (e.code() != asio::error::address_in_use) throw;
        unbind();
        bind_and_listen(to_generic(bound_), true);
      }
      behaviour_->after_bind(bound_);
    }
    if (behaviour_->listening() == Listening::accept && !accept_loop_started_) {
      accept_loop_started_ = true;
      asio::co_spawn(acceptor_->get_executor(), accept_loop(), asio::detached);
    }
    resume_->cancel();  // a waiting accept loop looks at the new behaviour
  }

  // Runs on the I/O thread.
  void shutdown() {
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    resume_->cancel();
    for (Connection* c : live_) c->abort();
  }

  // After the I/O thread ended: every I/O object goes while the io_context still exists; the
  // recorder stays readable.
  void release() {
    acceptor_.reset();
    resume_.reset();
    for (int fd : fillers_) ::close(fd);
    fillers_.clear();
    if (created_path_) {
      std::error_code ignored;
      std::filesystem::remove(requested_.path, ignored);
      created_path_ = false;
    }
  }

  void stop_listening() override {
    if (!listening_) return;
    listening_ = false;
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    if (created_path_) {
      std::error_code ec;
      std::filesystem::remove(bound_.path, ec);
      created_path_ = false;
    }
  }

  // Before binding again another way: the listener, a full backlog's fillers, the socket file.
  void unbind() {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    for (int fd : fillers_) ::close(fd);
    fillers_.clear();
    if (created_path_) {
      std::error_code ec;
      std::filesystem::remove(bound_.path, ec);
      created_path_ = false;
    }
  }

  void resume_listening() override {
    if (listening_ || stopping_) return;
    try {
      bind_and_listen(to_generic(bound_));
      behaviour_->after_bind(bound_);
      listening_ = true;
      resume_->cancel();
    } catch (const std::exception& e) {
      boost::system::error_code ignored;
      acceptor_->close(ignored);
      if (created_path_) {
        std::error_code ec;
        std::filesystem::remove(bound_.path, ec);
        created_path_ = false;
      }
      recorder_.note(fmt::format("could not listen again: {}", e.what()));
    }
  }

 private:
  // `reuse_address`: SO_REUSEADDR even on a socket that will not listen.
  void bind_and_listen(const GenericEndpoint& ep, bool reuse_address = false) {
    bool unix_socket = requested_.kind == Address::Kind::unix_socket;
    if (unix_socket && behaviour_->listening() == Listening::none) return;  // no file at all
    // Asio opens without SOCK_CLOEXEC: a listener inherited by some nginx of another run would
    // stay open after stop_listening() and turn "refused" into a hang.
    int fd = ::socket(ep.protocol().family(), SOCK_STREAM | SOCK_CLOEXEC, ep.protocol().protocol());
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    acceptor_->assign(ep.protocol(), fd);
    // Only a listener gets SO_REUSEADDR (quick rebinds in `refuse` overload mode); a bound-only
    // socket without it keeps the port reserved against every other bind.
    bool will_listen = behaviour_->listening() == Listening::accept ||
                       behaviour_->listening() == Listening::full_backlog;
    if (!unix_socket && (will_listen || reuse_address))
      acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(ep);
    created_path_ = unix_socket;
    if (unix_socket && options_.socket_mode &&
        ::chmod(requested_.path.c_str(), static_cast<mode_t>(*options_.socket_mode)) != 0) {
      throw std::system_error(errno, std::generic_category(), "chmod " + requested_.path);
    }
    switch (behaviour_->listening()) {
      case Listening::accept:
        acceptor_->listen(behaviour_->backlog());
        break;
      case Listening::bound_only:
      case Listening::none:
        break;
      case Listening::full_backlog:
        acceptor_->listen(0);
        if (fillers_.empty())
          fillers_ = fill_backlog(acceptor_->native_handle(), acceptor_->local_endpoint());
        break;
    }
  }

  // Accepted connections count against the behaviour's accept_limit() until their session ends.
  bool at_accept_limit() const {
    auto limit = behaviour_->accept_limit();
    return limit && sessions_ >= static_cast<std::size_t>(*limit);
  }

  Task<void> accept_loop() {
    while (!stopping_) {
      // While stopped or at the limit, wait for resume_listening() or a session to end; pending
      // connections meanwhile queue in the kernel's backlog.
      if (!listening_ || at_accept_limit() || behaviour_->listening() != Listening::accept) {
        resume_->expires_at(asio::steady_timer::time_point::max());
        co_await resume_->async_wait(use_tuple);
        continue;
      }
      auto [ec, socket] = co_await accept_cloexec();
      if (ec == asio::error::would_block) continue;
      if (ec == asio::error::operation_aborted) continue;  // closed: stopped, moved or re-bound
      if (ec) {
        if (stopping_ || !listening_) continue;
        // EMFILE and friends: back off briefly instead of spinning.
        resume_->expires_after(Millis(10));
        co_await resume_->async_wait(use_tuple);
        continue;
      }
      ++sessions_;  // now, not when session() starts: the next iteration checks the limit
      asio::co_spawn(acceptor_->get_executor(), session(std::move(socket)), asio::detached);
    }
  }

  // async_accept() uses accept(), which leaves the connection inheritable across exec: a copy
  // in another run's nginx keeps this fake's RST or FIN from reaching the nginx it belongs to.
  Task<std::tuple<boost::system::error_code, asio::generic::stream_protocol::socket>>
  accept_cloexec() {
    asio::generic::stream_protocol::socket socket(acceptor_->get_executor());
    auto [ec] = co_await acceptor_->async_wait(asio::socket_base::wait_read, use_tuple);
    if (ec) co_return std::tuple{ec, std::move(socket)};
    int fd = ::accept4(acceptor_->native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      int e = errno == EAGAIN ? EWOULDBLOCK : errno;
      co_return std::tuple{boost::system::error_code(e, boost::system::system_category()),
                           std::move(socket)};
    }
    boost::system::error_code aec;
    socket.assign(acceptor_->local_endpoint().protocol(), fd, aec);
    if (aec) ::close(fd);
    co_return std::tuple{aec, std::move(socket)};
  }

  Task<void> session(asio::generic::stream_protocol::socket socket) {
    recorder_.on_connection();
    Connection connection(Stream(std::move(socket)),
                          options_.fake_name.empty() ? name_ : options_.fake_name, recorder_, *this,
                          options_.io_timeout);
    live_.insert(&connection);
    try {
      bool serve = true;
      if (tls_) serve = co_await connection.accept_tls(*tls_);
      if (serve) co_await behaviour_->serve(connection);
    } catch (const std::exception& e) {
      recorder_.note(fmt::format("behaviour failed: {}", e.what()));
    }
    live_.erase(&connection);
    --sessions_;
    if (behaviour_->accept_limit()) resume_->cancel();  // a slot is free: wake the accept loop
  }

  std::string name_;
  Address requested_;
  Address bound_;
  BehaviourPtr behaviour_;
  EndpointOptions options_;
  std::unique_ptr<TlsContext> tls_;
  Recorder recorder_;
  std::optional<Acceptor> acceptor_;
  std::optional<asio::steady_timer> resume_;
  std::vector<int> fillers_;
  std::set<Connection*> live_;
  std::size_t sessions_ = 0;
  std::vector<BehaviourPtr> retired_;  // replaced by replace_behaviour(), still serving
  bool accept_loop_started_ = false;
  bool created_path_ = false;  // the unix socket file is ours to remove
  bool listening_ = true;
  bool stopping_ = false;
};

FakeServer::FakeServer() : io_(std::make_unique<asio::io_context>(1)) {}

FakeServer::~FakeServer() {
  stop();
}

Address FakeServer::add_endpoint(const std::string& name, const Address& where,
                                 BehaviourPtr behaviour, EndpointOptions options) {
  if (started_) throw std::logic_error("add_endpoint after start");
  try {
    endpoints_.push_back(
        std::make_unique<Endpoint>(*io_, name, where, std::move(behaviour), std::move(options)));
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error(fmt::format("fake \"{}\" cannot listen on {}: {}", name,
                                         where.to_string(), e.code().message()));
  } catch (const std::runtime_error& e) {  // e.g. from Behaviour::after_bind
    throw std::runtime_error(
        fmt::format("fake \"{}\" on {}: {}", name, where.to_string(), e.what()));
  }
  return endpoints_.back()->bound();
}

void FakeServer::start(std::function<void()> on_io_thread) {
  if (started_) return;
  started_ = true;
  work_.emplace(io_->get_executor());
  for (auto& e : endpoints_) e->start(*io_);
  std::promise<void> done;
  finished_ = done.get_future();
  thread_ = std::thread([this, done = std::move(done), hook = std::move(on_io_thread)]() mutable {
    if (hook) hook();
    io_->run();
    done.set_value();
  });
}

void FakeServer::stop(Millis grace) {
  if (!io_) return;  // already stopped
  if (started_) {
    asio::post(*io_, [this] {
      for (auto& e : endpoints_) e->shutdown();
    });
    work_.reset();
    if (finished_.wait_for(grace) != std::future_status::ready) io_->stop();
    thread_.join();
  }
  for (auto& e : endpoints_) e->release();
  io_.reset();  // destroys any coroutine a hard stop left behind, while behaviours still exist
}

FakeServer::Endpoint& FakeServer::find(const std::string& name) const {
  for (const auto& e : endpoints_) {
    if (e->name() == name) return *e;
  }
  throw std::out_of_range(fmt::format("no fake named \"{}\"", name));
}

FakeServer::TimePoint FakeServer::on_io_thread(const std::function<void()>& change,
                                               TimePoint deadline) {
  if (!started_ || !io_) throw std::runtime_error("the fake server is not running");
  // The outcome crosses threads as a value, never as an exception object: the I/O thread would
  // otherwise free the exception the caller is still reading, ordered only by libsupc++'s
  // reference count, which ThreadSanitizer cannot see.
  using Outcome = std::variant<TimePoint, std::string>;  // when it took effect, or why it failed
  auto done = std::make_shared<std::promise<Outcome>>();
  std::future<Outcome> when = done->get_future();
  asio::post(*io_, [change, done] {
    try {
      change();
      done->set_value(std::chrono::steady_clock::now());
    } catch (const std::exception& e) {
      done->set_value(std::string(e.what()));
    } catch (...) {
      done->set_value(std::string("the change failed"));
    }
  });
  if (when.wait_until(deadline) != std::future_status::ready) {
    throw std::runtime_error("the fakes' I/O thread did not get to it in time");
  }
  Outcome outcome = when.get();
  if (const auto* error = std::get_if<std::string>(&outcome)) throw std::runtime_error(*error);
  return std::get<TimePoint>(outcome);
}

FakeServer::TimePoint FakeServer::stop_listening(const std::string& name, TimePoint deadline) {
  Endpoint& e = find(name);
  return on_io_thread([&e] { e.stop_listening(); }, deadline);
}

FakeServer::TimePoint FakeServer::resume_listening(const std::string& name, TimePoint deadline) {
  Endpoint& e = find(name);
  return on_io_thread([&e] { e.listen_again(); }, deadline);
}

FakeServer::TimePoint FakeServer::move_listener(const std::string& name, const Address& where,
                                                TimePoint deadline) {
  Endpoint& e = find(name);
  return on_io_thread([&e, &where] { e.move_to(where); }, deadline);
}

FakeServer::TimePoint FakeServer::reset_connections(const std::string& name, TimePoint deadline) {
  Endpoint& e = find(name);
  return on_io_thread([&e] { e.reset_connections(); }, deadline);
}

FakeServer::TimePoint FakeServer::close_connections(const std::string& name, TimePoint deadline) {
  Endpoint& e = find(name);
  return on_io_thread([&e] { e.close_connections(); }, deadline);
}

FakeServer::TimePoint FakeServer::replace_behaviour(const std::string& name, BehaviourPtr behaviour,
                                                    TimePoint deadline) {
  Endpoint& e = find(name);
  auto shared = std::make_shared<BehaviourPtr>(std::move(behaviour));
  return on_io_thread([&e, shared] { e.replace_behaviour(std::move(*shared)); }, deadline);
}

EndpointStats FakeServer::stats(const std::string& name) const {
  return find(name).recorder().snapshot();
}

Recorder& FakeServer::recorder(const std::string& name) {
  return find(name).recorder();
}

}  // namespace badgateway::fakes
