#include "harness/process/owner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include <fmt/format.h>

namespace badgateway {

std::optional<std::string> read_proc_stat(pid_t pid) {
  const std::string path = fmt::format("/proc/{}/stat", pid);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[512];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  if (n < 0) return std::nullopt;
  return out;
}

std::string process_start_time(pid_t pid) {
  const std::string stat = read_proc_stat(pid).value_or("");
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
  const std::string stat = read_proc_stat(pid).value_or("");
  auto comm_end = stat.rfind(')');
  if (comm_end != std::string::npos && stat.size() > comm_end + 2 && stat[comm_end + 2] == 'Z') {
    return false;
  }
  return owner.start_time.empty() || process_start_time(pid) == owner.start_time;
}

}  // namespace badgateway
