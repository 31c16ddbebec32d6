#pragma once
#include <cstdint>
#include <string>
#include <utility>

namespace badgateway {

// A loopback TCP port that was free a moment ago, for a server the harness starts (nginx,
// php-fpm) and must name in its config before it binds. It comes from below the kernel's
// ephemeral range (ip_local_port_range), so the outgoing connections of this run and of any
// other (clients, nginx to its upstreams, the fakes' own port-0 binds) cannot take it in the
// meantime; another listener still can, and callers treat EADDRINUSE as "pick again".
// Throws HarnessError when no port can be bound at all.
std::uint16_t pick_free_port();

// The ports pick_free_port() draws from, [first, last], for the ephemeral range `range_text`
// (the contents of /proc/sys/net/ipv4/ip_local_port_range, "LOW HIGH"): the upper half of the
// unprivileged ports below LOW. Empty (first > last) when LOW leaves too little room.
std::pair<std::uint16_t, std::uint16_t> listen_port_pool(const std::string& range_text);

}  // namespace badgateway
