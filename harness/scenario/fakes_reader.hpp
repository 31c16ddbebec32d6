#pragma once
// The `[fakes.NAME]` and `[fix.fakes.NAME]` tables: protocol, listen, host or socket, the
// behaviour and its parameters. Each fake's behaviour is built once here, so a bad parameter is
// a load error at its key (the real PHP-FPM is validated the same way, as a FastCGI behaviour).
#include <map>
#include <string>

#include "harness/scenario/toml.hpp"

#include "harness/scenario/model.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

// Far more than any fault needs; each fake is a listening socket (or a PHP-FPM pool).
inline constexpr std::size_t kMaxFakes = 64;

// `table` is the fakes table itself, `path` its dotted name ("fakes", "fix.fakes"). Throws
// ScenarioError at the first bad key.
std::map<std::string, FakeSpec> read_fakes(const toml::table& table, const std::string& path,
                                           const std::string& file);

// The behaviour a timeline `behave` action switches fake `fake` to: the table `r` holds
// `behaviour` and its parameters, as a [fakes.NAME] table does (but none of the fake's own keys:
// protocol, listen, host, socket and tls stay the fake's). Checked by building it once, like a
// fake's. Throws ScenarioError; a real PHP-FPM pool or a DNS fake has no behaviour to switch.
void read_behaviour_change(Reader& r, const FakeSpec& fake, std::string& behaviour,
                           std::map<std::string, fakes::ParamValue, std::less<>>& params);

// A DNS name's answer keys (a, aaaa, cname, ttl, fault, delay) read by `r` over `answer`: what
// they do not say stays, except that the records go together (one giving any of a, aaaa, cname
// or fault replaces all four). A name's `then` change and a timeline `answer` action read them
// so. Throws ScenarioError.
void read_answer_keys(Reader& r, fakes::dns::NameAnswer& answer);

// `key`'s IP address with an optional port ("127.0.0.5", "192.0.2.10:8080", "[::1]:8080"; no port:
// port 0), or a one-line error at it starting with `usage`. Shared by a fake's `listen` and a
// timeline `move`.
fakes::Address read_ip_with_port(Reader& r, std::string_view key, const std::string& text,
                                 const std::string& usage);

}  // namespace badgateway
