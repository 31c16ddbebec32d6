#pragma once
// Small helpers several HTTP behaviours share.
#include <string>
#include <utility>
#include <vector>

#include "fakes/behaviours/latency.hpp"
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A recognisable, deterministic body: a truncated one is easy to spot in a capture.
std::string make_body(std::uint64_t size);

// Complete response with Content-Length.
std::string make_response(const Connection& c, int status, const std::string& body,
                          const HeaderList& headers = {}, bool keep_alive = false);

// Serves requests on the connection until the peer stops asking (keep-alive aware), each after
// a draw of `latency`.
Task<void> serve_ok_responses(Connection& c, int status, const std::string& body, Latency& latency);
Task<void> serve_ok_responses(Connection& c, int status, const std::string& body, Millis latency);

}  // namespace badgateway::fakes
