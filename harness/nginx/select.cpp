#include "harness/nginx/select.hpp"

#include "harness/nginx/docker_launcher.hpp"
#include "harness/nginx/local_launcher.hpp"

namespace badgateway {

std::unique_ptr<Launcher> make_launcher(const std::string& spec) {
  constexpr std::string_view docker = "docker:";
  if (spec.starts_with(docker)) {
    std::string image = spec.substr(docker.size());
    if (image.empty()) throw HarnessError("--nginx docker: needs an image, e.g. docker:nginx:1.27");
    return std::make_unique<DockerLauncher>(image);
  }
  return std::make_unique<LocalLauncher>(spec);
}

}  // namespace badgateway
