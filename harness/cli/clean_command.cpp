#include <cstdio>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/cli/options.hpp"
#include "harness/nginx/docker_launcher.hpp"
#include "harness/nginx/local_launcher.hpp"
#include "harness/process/run_dir.hpp"

namespace badgateway {
namespace {

constexpr const char* kCleanHelp = R"(usage: badgateway clean

Removes what runs that were killed (SIGKILL, a CI timeout) left behind and could not remove
themselves: run directories and temporary files under $TMPDIR (else /tmp), and Docker containers
labelled org.badgateway. Only those of badgateway processes that are gone (pid and start time);
anything of a run still going, and directories kept with --keep, stay. Prints what it removed.
`run` does the same when it starts. Processes, mounts, namespaces and sockets of a killed run need
no cleaning: the kernel ends them with it.
)";

}  // namespace

int command_clean(const std::vector<std::string>& args) {
  Options o(args);
  while (o.next()) {
    if (o.is("--help") || o.is("-h")) {
      std::fputs(kCleanHelp, stdout);
      return kExitOk;
    }
    o.unknown();
  }
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
