#pragma once
// nginx's stub_status page: read over HTTP with a deadline, and parsed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"

namespace badgateway {

struct StubStatus {
  std::uint64_t active = 0, accepted = 0, handled = 0, requests = 0;
  std::uint64_t reading = 0, writing = 0, waiting = 0;
};

// The page's body ("Active connections: 1 \nserver accepts handled requests\n 16 16 31 \n
// Reading: 0 Writing: 1 Waiting: 0 \n"); nullopt for anything else.
std::optional<StubStatus> parse_stub_status(std::string_view body);

// GET `path` from `at` (TCP) over HTTP/1.0 within `limit` in all: the body of a 200, else
// nullopt (refused, timed out, another status). From the calling thread's network namespace.
std::optional<std::string> http_get(const fakes::Address& at, std::string_view path, Millis limit);

}  // namespace badgateway
