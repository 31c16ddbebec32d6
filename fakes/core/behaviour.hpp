#pragma once
#include <memory>
#include <optional>
#include <string>

#include "fakes/base/address.hpp"
#include "fakes/core/asio.hpp"
#include "fakes/core/connection.hpp"
#include "fakes/core/params.hpp"

namespace badgateway::fakes {

// How the endpoint's socket is set up, declared by the behaviour rather than special-cased by
// the server.
enum class Listening {
  accept,        // a normal listener
  bound_only,    // bound, never listen(): connect() gets ECONNREFUSED, the port stays ours
  full_backlog,  // listen(0), filled, never accepted: SYNs are dropped, nginx's connect times out
  none,          // nothing at all: a unix socket path is reported but never created (ENOENT);
                 // TCP has no "missing" state, so the port is reserved as with bound_only
};

enum class Protocol { http, fastcgi };

// One fault. A behaviour object serves every connection of its endpoint on one I/O thread, so
// it may keep per-endpoint state (e.g. a concurrency count) without locks.
class Behaviour {
 public:
  virtual ~Behaviour() = default;
  virtual Listening listening() const { return Listening::accept; }
  // listen() backlog for Listening::accept (PHP-FPM's listen.backlog). On Linux a unix socket
  // connect() fails with EAGAIN once backlog+1 connections wait unaccepted.
  virtual int backlog() const { return asio::socket_base::max_listen_connections; }
  // At most this many connections are served at once; further ones are not accept()ed and wait
  // in the kernel's backlog (PHP-FPM's pm.max_children). nullopt: no limit.
  virtual std::optional<int> accept_limit() const { return std::nullopt; }
  // Called after every bind (and listen), including when the server listens again, e.g. to set
  // the socket file's mode and owner. Runs before any connection is accepted; may throw.
  virtual void after_bind(const Address& /*bound*/) {}
  virtual Task<void> serve(Connection& connection) = 0;
};

using BehaviourPtr = std::unique_ptr<Behaviour>;

}  // namespace badgateway::fakes
