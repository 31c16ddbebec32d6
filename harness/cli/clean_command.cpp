#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/nginx/docker_launcher.hpp"
#include "harness/nginx/local_launcher.hpp"
#include "harness/process/find_in_path.hpp"
#include "harness/process/run_dir.hpp"

namespace badgateway {
int command_clean(const CleanArgs&) {
  int removed = 0;
  for (const auto& path : remove_leftovers_of_dead_runs()) {
    fmt::print("removed {}\n", path.string());
    ++removed;
  }
  std::string docker = find_in_path("docker");
  if (!docker.empty()) {
    for (const auto& name : remove_containers_of_dead_runs(docker)) {
      fmt::print("removed container {}\n", name);
      ++removed;
    }
  }
  if (removed == 0) fmt::print("nothing to clean\n");
  return kExitOk;
}

}  // namespace badgateway
