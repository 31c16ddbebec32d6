#pragma once
// With nginx.config the user's config is scanned at load time (harness/nginx/config_scan), so a
// fake that stands for nothing the config uses, or an upstream no fake stands for, is a load
// error naming both files rather than an nginx -t failure or a confusing 502 at run time.
#include <map>
#include <string>
#include <vector>

#include "harness/scenario/model.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

// Scans `nginx.config` and checks it against `fakes` (errors at `fakes_field`.NAME.host/socket,
// or at `nr`'s config key). Resolves what the file left open: `nginx.port` (the config's first
// listen port) and each fake's host port when the config uses only one for that name. Throws
// ScenarioError.
void check_own_config(Reader& nr, NginxSpec& nginx, const std::vector<FakeSpec*>& fakes,
                      const std::string& fakes_field);

// The fixed phase of an own-config scenario (merge_fix's plan): the fix's config (or the broken
// one) and port against the fakes it will have. `fix_table` is [fix], for error positions.
// Resolves the plan's port and its fakes' host ports like check_own_config.
void check_fixed_own_config(const toml::table& fix_table, const std::string& file,
                            PhasePlan& fixed);

}  // namespace badgateway
