#pragma once
// One exchange of the client, for the client's own units (driver.cpp, traffic.cpp): the request
// on a new connection, the response read and classified, its times recorded.
#include "fakes/base/address.hpp"
#include "fakes/core/asio.hpp"
#include "harness/client/driver.hpp"
#include "harness/client/request.hpp"

namespace badgateway {

// Connects to `nginx` (a numeric IP and port), sends `spec`'s request with `out.request_id` as
// kRequestIdHeader and fills `out` (status, outcome, elapsed, sent_at, ended_at, ...), all
// within `spec.timeout`. Never throws for a failed exchange: `out.outcome` says what happened.
fakes::Task<void> exchange(const fakes::Address& nginx, const RequestSpec& spec, Response& out);

}  // namespace badgateway
