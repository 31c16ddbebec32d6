#include <cstdio>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/process/interrupt.hpp"

namespace {

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};
// Written out for clang 14 (the sanitizer and fuzz builds), which lacks aggregate deduction.
template <typename... F>
Overloaded(F...) -> Overloaded<F...>;

int dispatch(const badgateway::CommandLine& command) {
  using namespace badgateway;
  return std::visit(Overloaded{[](const PrintAndExit& p) {
                                 std::fputs(p.text.c_str(), p.error ? stderr : stdout);
                                 return p.error ? kExitUsage : kExitOk;
                               },
                               [](const RunArgs& a) { return command_run(a); },
                               [](const ListArgs& a) { return command_list(a); },
                               [](const CheckArgs& a) { return command_check(a); },
                               [](const DiagnoseArgs& a) { return command_diagnose(a); },
                               [](const ExplainArgs& a) { return command_explain(a); },
                               [](const ServeArgs& a) { return command_serve(a); },
                               [](const CleanArgs& a) { return command_clean(a); },
                               [](const LoadArgs& a) { return command_load(a); },
                               [](const SweepArgs& a) { return command_sweep(a); }},
                    command);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    badgateway::CommandLine command = badgateway::parse_command_line(args);
    // `serve` starts no child and no run directory; it handles its own stop signals (see there).
    if (!std::holds_alternative<badgateway::ServeArgs>(command) &&
        !std::holds_alternative<badgateway::PrintAndExit>(command)) {
      badgateway::install_interrupt_handling();
    }
    int code = dispatch(command);
    // A command that failed because the interrupt ended its children must not exit before the
    // interrupt thread has cleaned up: that thread owns the exit.
    if (badgateway::interrupted()) badgateway::await_interrupt_exit();
    return code;
  } catch (const badgateway::UsageError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    return badgateway::kExitUsage;
  }
}
