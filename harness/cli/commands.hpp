#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace badgateway {

// Exit codes: 0 all passed, 1 a scenario failed, 2 usage/config/environment error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

int command_run(const std::vector<std::string>& args);
int command_list(const std::vector<std::string>& args);
int command_explain(const std::vector<std::string>& args);
int command_serve(const std::vector<std::string>& args);
int command_clean(const std::vector<std::string>& args);

// "--jobs" style options shared by the commands' hand-written parsers.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace badgateway
