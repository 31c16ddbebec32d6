#pragma once
// The `[nginx]` and `[fix.nginx]` tables: the snippets a rendered config gets (with where each
// starts in the scenario file, for nginx -t's messages), or an own config tested unchanged.
#include <string>
#include <string_view>
#include <vector>

#include "harness/nginx/spec.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

// `source` is the scenario file's text, for the snippets' exact line numbers. An own config
// (`config`) is made absolute relative to the scenario file and must exist; it is scanned by
// check_own_config, not here. Throws ScenarioError; rejects unknown keys.
NginxSpec read_nginx(Reader& r, std::string_view source);

// Placeholders in the snippets must name fakes that exist in the phase (`fake_names`), and
// {{vary.NAME}} a NAME of `vary_names` (given only by `sweep`); the error points at the
// placeholder itself in `source`.
void check_snippets(Reader& r, const std::vector<std::string>& fake_names, std::string_view source,
                    const std::vector<std::string>* vary_names = nullptr);

}  // namespace badgateway
