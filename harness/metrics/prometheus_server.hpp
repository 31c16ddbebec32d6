#pragma once
// `--metrics-listen`: a small HTTP/1.1 server answering GET /metrics with the text exposition
// format while a run goes on, on its own I/O thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "fakes/base/address.hpp"

namespace badgateway {

class PrometheusServer {
 public:
  // Binds `at` (TCP) at once; throws HarnessError naming it when it cannot. `body` makes the
  // page, on the server's thread, per request.
  PrometheusServer(const fakes::Address& at, std::function<std::string()> body);
  // Stops: closes the listener and every connection, joins the thread (bounded).
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;
  // Where it listens (the kernel's port for port 0).
  const fakes::Address& address() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace badgateway
