#pragma once
// A scenario's `[network]` (and `[fix.network]`): sysctls, firewall rules and routes of the run's
// own network (docs/scenario-format.md, "Network"; harness/net/network.hpp builds it).
#include <map>
#include <string>

#include "harness/net/network.hpp"
#include "harness/scenario/model.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

inline constexpr std::size_t kMaxFirewallRules = 100;
inline constexpr std::size_t kMaxRoutes = 100;
inline constexpr std::size_t kMaxSysctls = 50;

// `path` is "network" or "fix.network"; `fakes` are the phase's (a rule's `fake` must be one of
// them, listening on TCP). Throws ScenarioError.
// One firewall rule (a [[network.firewall]] table, or one of a timeline firewall action's
// `rules`): `fake` or `address` (and `port`), `action`, `limit`, `hook`. Throws ScenarioError.
FirewallRule read_firewall_rule(Reader& r, const std::map<std::string, FakeSpec>& fakes);

NetworkSpec read_network(const toml::table& table, const std::string& path, const std::string& file,
                         const std::map<std::string, FakeSpec>& fakes);

}  // namespace badgateway
