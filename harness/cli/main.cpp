#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/process/interrupt.hpp"

namespace {

constexpr const char* kUsage =
    R"(badgateway — reproduce nginx 502/504s against fake upstreams, on demand

usage: badgateway <command> [options]

commands:
  run [PATH...]     run scenarios (default: the built-in catalog) against nginx
  list [PATH...]    list scenarios with their cause and description
  explain NAME      explain one scenario in plain words
  serve             run one fake endpoint standalone, for your own nginx
  clean             remove what killed runs left behind (run directories, containers)

  --help            help (also: badgateway <command> --help)
  --version         print the version

exit codes: 0 all passed, 1 a scenario failed, 2 usage, config or environment error
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? badgateway::kExitUsage : badgateway::kExitOk;
  }
  if (args[0] == "--version") {
    fmt::print("badgateway {}\n", BADGATEWAY_VERSION);
    return 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  // `serve` starts no child and no run directory; it handles its own stop signals (see there).
  if (command != "serve") badgateway::install_interrupt_handling();
  try {
    if (command == "run") return badgateway::command_run(args);
    if (command == "list") return badgateway::command_list(args);
    if (command == "explain") return badgateway::command_explain(args);
    if (command == "serve") return badgateway::command_serve(args);
    if (command == "clean") return badgateway::command_clean(args);
    throw badgateway::UsageError(fmt::format("unknown command \"{}\" (try --help)", command));
  } catch (const badgateway::UsageError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return badgateway::kExitUsage;
  }
}
