#pragma once
// The `[fakes.NAME]` and `[fix.fakes.NAME]` tables: protocol, listen, host or socket, the
// behaviour and its parameters. Each fake's behaviour is built once here, so a bad parameter is
// a load error at its key (the real PHP-FPM is validated the same way, as a FastCGI behaviour).
#include <map>
#include <string>

#include "harness/scenario/toml.hpp"

#include "harness/scenario/model.hpp"

namespace badgateway {

// Far more than any fault needs; each fake is a listening socket (or a PHP-FPM pool).
inline constexpr std::size_t kMaxFakes = 64;

// `table` is the fakes table itself, `path` its dotted name ("fakes", "fix.fakes"). Throws
// ScenarioError at the first bad key.
std::map<std::string, FakeSpec> read_fakes(const toml::table& table, const std::string& path,
                                           const std::string& file);

}  // namespace badgateway
