#pragma once
// The DNS fake as a server: a Zone answered over UDP and TCP on one address and port (a resolver
// retries over TCP after a truncated UDP answer), on an I/O thread of its own. Every query is
// recorded (name, type, transport, when), so verdicts can count what nginx asked and when.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "fakes/dns/zone.hpp"

namespace badgateway::fakes::dns {

struct QueryRecord {
  std::string name;  // canonical: lower case, no trailing dot
  std::string type;  // "A", "AAAA", ...
  bool tcp = false;
  Millis at{0};  // since start()
};

class DnsServer {
 public:
  // Binds UDP and TCP on `host` and one port (`port`, or one the kernel picks for both): the
  // address is known from here on. Throws std::system_error when it cannot bind.
  explicit DnsServer(Zone zone, const std::string& host = "127.0.0.1", std::uint16_t port = 0);
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  const Address& address() const { return address_; }
  // Serves until stop(). A TCP connection's reads and writes are bounded by `io_timeout`.
  void start(Millis io_timeout = Millis{5000});
  // Bounded (delayed answers still pending are dropped) and idempotent.
  void stop();

  // When start() began serving: QueryRecord::at counts from here (steady_clock).
  std::chrono::steady_clock::time_point started() const;
  std::vector<QueryRecord> queries() const;
  std::size_t count(std::string_view name) const;  // queries for `name`, any type

  // From now on `name` (any case, with or without the final dot) answers `answer`; the changes
  // the zone wrote for it (`then`) are dropped. A scenario's timeline action. Runs on the I/O
  // thread between two queries and returns the steady-clock time it took effect there. Throws
  // std::runtime_error when the server is not running or did not get to it by `deadline`.
  std::chrono::steady_clock::time_point set_answer(std::string_view name, NameAnswer answer,
                                                   std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Address address_;
  std::thread thread_;
};

}  // namespace badgateway::fakes::dns
