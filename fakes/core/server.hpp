#pragma once
#include <chrono>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "fakes/base/address.hpp"
#include "fakes/core/behaviour.hpp"
#include "fakes/core/recorder.hpp"
#include "fakes/core/tls.hpp"

namespace badgateway::fakes {

struct EndpointOptions {
  Millis io_timeout{30'000};  // bounds every read and write a behaviour makes
  // A unix socket's mode right after bind (before the behaviour's after_bind, which may set its
  // own): 0666 lets an nginx worker that is not our user connect. Unset: the umask decides.
  std::optional<unsigned> socket_mode;
  // The name the fake gives itself (X-Badgateway-Fake, the bodies it makes up). Empty: the
  // endpoint's name. Endpoint names are unique in a server, a fake's name need not be: serve's
  // localhost:PORT is one fake on two addresses.
  std::string fake_name;
  // Set: the endpoint speaks TLS (HTTP behaviours only); every connection's handshake comes first.
  std::optional<TlsOptions> tls;
};

// Hosts any number of fake endpoints on one I/O thread. Endpoints are added (and bound, so the
// chosen port is known) before start(); stop() is bounded and leaves no socket or file behind.
class FakeServer {
 public:
  FakeServer();
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Returns the bound address (the kernel's port for port 0). Throws std::runtime_error.
  Address add_endpoint(const std::string& name, const Address& where, BehaviourPtr behaviour,
                       EndpointOptions options = {});
  // `on_io_thread` runs first on the I/O thread, e.g. to enter the network namespace the
  // endpoints were bound in (behaviours that listen again re-bind from that thread).
  void start(std::function<void()> on_io_thread = {});
  void stop(Millis grace = Millis(1000));

  EndpointStats stats(const std::string& name) const;
  Recorder& recorder(const std::string& name);

  // Changes to a running endpoint, a scenario's timeline actions. Each runs on the I/O thread
  // between two events and returns the steady-clock time it took effect there; it throws
  // std::runtime_error when the I/O thread had not run it by `deadline` (a behaviour hogging the
  // thread), when the server is not running, or when the change failed (a port taken meanwhile),
  // and std::out_of_range for an unknown name.
  using TimePoint = std::chrono::steady_clock::time_point;
  // Closes the listening socket: new connects are refused (a unix socket's file is removed);
  // connections already accepted go on. Nothing happens to an endpoint not listening.
  TimePoint stop_listening(const std::string& name, TimePoint deadline);
  // Listens again on the same address (as a restarted server does).
  TimePoint resume_listening(const std::string& name, TimePoint deadline);
  // Closes every connection the endpoint has open (FIN), whatever its behaviour is doing.
  TimePoint close_connections(const std::string& name, TimePoint deadline);
  // Resets every connection the endpoint has open (RST, SO_LINGER 0), as a process that crashes
  // or a host that reboots leaves them.
  TimePoint reset_connections(const std::string& name, TimePoint deadline);
  // Serves new connections with `behaviour` from now on (connections being served finish with
  // the old one). A behaviour that listens differently (refuse, blackhole) re-binds the address
  // its own way, unless the endpoint is stopped: then the next resume_listening() does.
  TimePoint replace_behaviour(const std::string& name, BehaviourPtr behaviour, TimePoint deadline);
  // Stops listening where the endpoint is and listens at `where` (TCP; port 0: the port it has
  // now), as a service moved to another machine; connections already accepted go on. A stopped
  // endpoint only changes address: the next resume_listening() binds there. Throws
  // std::runtime_error when `where` cannot be bound (the endpoint then listens nowhere).
  TimePoint move_listener(const std::string& name, const Address& where, TimePoint deadline);

 private:
  class Endpoint;
  Endpoint& find(const std::string& name) const;
  TimePoint on_io_thread(const std::function<void()>& change, TimePoint deadline);

  std::unique_ptr<asio::io_context> io_;
  std::list<std::unique_ptr<Endpoint>> endpoints_;  // destroyed before io_
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::future<void> finished_;
  bool started_ = false;
};

}  // namespace badgateway::fakes
