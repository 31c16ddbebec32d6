#pragma once
#include <memory>
#include <string>
#include <vector>

#include "harness/nginx/launcher.hpp"

namespace badgateway {

// "--nginx" values: "docker:IMAGE" (nginx in a container from a local image), a bare version
// "N.N.N" that is not an existing file (the build docker/build-nginx.sh put in the cache, see
// nginx_cache_dir()), or a binary name or path (the local launcher). Throws HarnessError when the
// target is unusable, and for a version that is not built, naming the cache dir and the command.
std::unique_ptr<Launcher> make_launcher(const std::string& spec);

// Expands "all" into the system nginx ("nginx" from PATH) followed by every complete cached
// build, in version order; other values are kept in place.
std::vector<std::string> expand_nginx_specs(const std::vector<std::string>& specs);

}  // namespace badgateway
