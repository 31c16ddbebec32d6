#pragma once
// Readiness probes: a server the harness started (nginx, php-fpm) is ready once it accepts.
#include <functional>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"

namespace badgateway {

// Waits until something accepts TCP connections on `a`, or `limit` passes, or `alive` says the
// process died. Returns true when it answered. Probes of an IPv4 loopback address come from
// kProbeSource, so the lines nginx logs about them can be told from the scenario's.
bool wait_until_listening(const fakes::Address& a, Millis limit,
                          const std::function<bool()>& alive);

// The probe's source address: a loopback address nothing else here uses (an own config's host
// names get 127.0.0.2 upwards).
inline constexpr const char* kProbeSource = "127.255.255.254";

}  // namespace badgateway
