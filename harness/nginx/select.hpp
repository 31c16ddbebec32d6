#pragma once
#include <memory>
#include <string>

#include "harness/nginx/launcher.hpp"

namespace badgateway {

// "--nginx" values: "docker:IMAGE" (nginx in a container from a local image) or a binary name
// or path (the local launcher). Throws HarnessError when the target is unusable.
std::unique_ptr<Launcher> make_launcher(const std::string& spec);

}  // namespace badgateway
