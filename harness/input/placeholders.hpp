#pragma once
// `{{fakes.app}}`-style placeholders in nginx snippets. Checked at load time (an unknown name is a
// scenario error) and expanded at run time, when ports are known.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace badgateway {

struct Placeholder {
  std::string name;    // "fakes.app.port"
  std::size_t offset;  // of the opening "{{"
};

// Unterminated "{{" is returned with an empty name.
std::vector<Placeholder> find_placeholders(std::string_view text);

// Returns nullopt from `lookup` to signal an unknown placeholder; expand() then throws.
std::string expand_placeholders(
    std::string_view text,
    const std::function<std::optional<std::string>(const std::string&)>& lookup);

// Known forms: fakes.NAME, fakes.NAME.host, fakes.NAME.port, fakes.NAME.path, run_dir,
// nginx.conf_dir (the nginx under test's own config directory: fastcgi_params, mime.types).
// Returns an error message, or empty when `name` is valid for the given fake names.
std::string check_placeholder(const std::string& name, const std::vector<std::string>& fake_names);

}  // namespace badgateway
