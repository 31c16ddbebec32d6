#pragma once
#include <cstdint>

namespace badgateway {

// A loopback TCP port the kernel just chose and released. Another process may take it before the
// caller binds it: callers treat EADDRINUSE as "pick again". Throws HarnessError.
std::uint16_t pick_free_port();

}  // namespace badgateway
