#pragma once
// One exchange of the client, for the client's own units (driver.cpp, traffic.cpp): the request
// on a new connection, the response read and classified, its times recorded.
#include <cstdint>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "fakes/base/address.hpp"
#include "fakes/core/asio.hpp"
#include "harness/client/driver.hpp"
#include "harness/client/request.hpp"
#include "harness/client/traffic.hpp"

namespace badgateway {

// Connects to `nginx` (a numeric IP and port), sends `spec`'s request with `out.request_id` as
// kRequestIdHeader and fills `out` (status, outcome, elapsed, sent_at, ended_at, ...), all
// within `spec.timeout`. Never throws for a failed exchange: `out.outcome` says what happened.
fakes::Task<void> exchange(const fakes::Address& nginx, const RequestSpec& spec, Response& out);

// A client connection kept open from one exchange to the next (keep-alive traffic).
struct ClientConnection {
  explicit ClientConnection(const boost::asio::any_io_executor& exec);
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;  // bytes read past a response (none from a sane server)
  bool open = false;
  // Off for the load command, which measures latency on the steady clock only: three fewer
  // system calls per request.
  bool kernel_timestamps = true;
  bool stamped = false;         // kernel timestamps on (see kernel_clock.hpp)
  std::string why_steady;       // why not
  std::uint64_t exchanges = 0;  // requests sent on it so far
};

// The same exchange on `conn`, without `Connection: close`: connects first when `conn` is not
// open (out.connected is then set), and leaves it open when the response completed and nginx
// keeps the connection (no `Connection: close`); otherwise closes it, so that the next call
// connects anew. out.reused says whether an earlier request went on the same connection.
// run_streams (traffic.hpp), with kernel timestamps on keep-alive connections only when
// `kernel_timestamps`: the load command measures on the steady clock and saves their system
// calls.
void run_streams_stamped(const fakes::Address& nginx, const std::vector<TrafficSpec>& streams,
                         TrafficSink& sink, std::chrono::steady_clock::time_point start,
                         std::chrono::steady_clock::time_point deadline, bool* overran,
                         bool kernel_timestamps);

fakes::Task<void> exchange_keepalive(ClientConnection& conn, const fakes::Address& nginx,
                                     const RequestSpec& spec, Response& out);

}  // namespace badgateway
