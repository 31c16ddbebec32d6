#pragma once
#include <memory>
#include <string>

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
};

enum class Protocol { http, fastcgi };

// One fault. A behaviour object serves every connection of its endpoint on one I/O thread, so
// it may keep per-endpoint state (e.g. a concurrency count) without locks.
class Behaviour {
 public:
  virtual ~Behaviour() = default;
  virtual Listening listening() const { return Listening::accept; }
  virtual Task<void> serve(Connection& connection) = 0;
};

using BehaviourPtr = std::unique_ptr<Behaviour>;

}  // namespace badgateway::fakes
