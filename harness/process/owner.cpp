#include "harness/process/owner.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

namespace badgateway {

std::string process_start_time(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto comm_end = stat.rfind(')');  // the command name may hold spaces and parentheses
  if (comm_end == std::string::npos) return "";
  std::istringstream fields(stat.substr(comm_end + 1));
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 22) return field;
  }
  return "";
}

ProcessOwner this_process_owner() {
  // Not cached: a forked process (a test playing a run) is an owner of its own.
  pid_t me = ::getpid();
  return {std::to_string(me), process_start_time(me)};
}

bool owner_alive(const ProcessOwner& owner) {
  pid_t pid = 0;
  try {
    std::size_t used = 0;
    pid = static_cast<pid_t>(std::stol(owner.pid, &used));
    if (used != owner.pid.size()) return true;
  } catch (...) {
    return true;
  }
  if (pid <= 0) return true;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  // A zombie is dead too: a SIGKILLed run whose parent went first waits for PID 1 to reap it.
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto comm_end = stat.rfind(')');
  if (comm_end != std::string::npos && stat.size() > comm_end + 2 && stat[comm_end + 2] == 'Z') {
    return false;
  }
  return owner.start_time.empty() || process_start_time(pid) == owner.start_time;
}

}  // namespace badgateway
