#pragma once
#include "harness/cli/options.hpp"

namespace badgateway {

// Exit codes: 0 all passed, 1 a scenario failed, 2 usage/config/environment error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

int command_run(const RunArgs& args);
int command_list(const ListArgs& args);
int command_check(const CheckArgs& args);
int command_diagnose(const DiagnoseArgs& args);
int command_explain(const ExplainArgs& args);
int command_serve(const ServeArgs& args);
int command_clean(const CleanArgs& args);
int command_load(const LoadArgs& args);
int command_sweep(const SweepArgs& args);

}  // namespace badgateway
