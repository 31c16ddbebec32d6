#pragma once
// Programs the harness runs (nginx, php-fpm, docker) are looked up the same way.
#include <string>

namespace badgateway {

// Resolves a program name through PATH (and the sbin directories, where nginx and php-fpm live
// but a user's PATH may not reach); empty when not found.
std::string find_in_path(const std::string& name);

}  // namespace badgateway
