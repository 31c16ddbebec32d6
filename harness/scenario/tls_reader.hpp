#pragma once
// A fake's `tls` key: `tls = true` (the defaults) or a table of the certificate the run makes for
// it and the handshake's knobs (docs/scenario-format.md, "TLS").
#include <optional>

#include "harness/scenario/model.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

// Reads `tls` from the fake's table `fake` (nullopt when absent or false). `spec` is the fake as
// read so far: its protocol, behaviour and host. Throws ScenarioError at the first bad key.
std::optional<TlsSpec> read_tls(Reader& fake, const FakeSpec& spec);

}  // namespace badgateway
