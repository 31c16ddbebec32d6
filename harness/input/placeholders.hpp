#pragma once
// `{{fakes.app}}`-style placeholders in nginx snippets. Checked at load time (an unknown name is a
// scenario error) and expanded at run time, when ports are known.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/base/address.hpp"

namespace badgateway {

struct Placeholder {
  std::string name;    // "fakes.app.port"
  std::size_t offset;  // of the opening "{{"
};

// Unterminated "{{" is returned with an empty name.
std::vector<Placeholder> find_placeholders(std::string_view text);

// A placeholder's value by name; nullopt for a name it does not know.
using PlaceholderLookup = std::function<std::optional<std::string>(const std::string&)>;

// Returns nullopt from `lookup` to signal an unknown placeholder; expand() then throws
// std::invalid_argument.
std::string expand_placeholders(std::string_view text, const PlaceholderLookup& lookup);

// Known forms: fakes.NAME, fakes.NAME.host, fakes.NAME.port, fakes.NAME.path, run_dir,
// nginx.conf_dir (the nginx under test's own config directory: fastcgi_params, mime.types),
// tls.FILE (a file of the run's certificates, harness/tls/run_credentials.hpp: tls.ca, ...).
// vary.NAME (input/vary.hpp) is valid only when `vary_names` is given (a sweep) and holds NAME.
// Returns an error message, or empty when `name` is valid for the given fake names.
std::string check_placeholder(const std::string& name, const std::vector<std::string>& fake_names,
                              const std::vector<std::string>* vary_names = nullptr);

// The values of the known forms in one run: `bound` the address each fake listens on (host and
// port of a TCP one, path of a unix socket; empty where the kind has none), `run_dir` and
// `conf_dir` as they are. Copies its arguments.
PlaceholderLookup placeholder_lookup(const std::map<std::string, fakes::Address>& bound,
                                     const std::string& run_dir, const std::string& conf_dir);

}  // namespace badgateway
