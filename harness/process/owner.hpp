#pragma once
// Who left something behind. A run's leftovers (run directories, Docker containers) carry the pid
// and start time of the badgateway that made them, so a later run or `badgateway clean` can tell
// the leftovers of a dead run from those of one still running. A pid alone would make a reused
// pid look like the dead run's; the start time (field 22 of /proc/PID/stat, clock ticks since
// boot) tells them apart.
#include <sys/types.h>

#include <optional>
#include <string>

namespace badgateway {

struct ProcessOwner {
  std::string pid;         // decimal
  std::string start_time;  // field 22 of /proc/PID/stat; empty: unknown
};

// /proc/PID/stat whole; nullopt when the process does not exist or went away while it was read
// (read() then fails with ESRCH: std::ifstream would throw from underflow).
std::optional<std::string> read_proc_stat(pid_t pid);

// Field 22 of /proc/PID/stat; empty when the process does not exist.
std::string process_start_time(pid_t pid);

// This process, as the owner of what it creates.
ProcessOwner this_process_owner();

// True unless the owner is certainly dead: the pid does not exist, or it now belongs to a process
// started at another time. Text we cannot parse counts as alive: not ours to remove.
bool owner_alive(const ProcessOwner& owner);

}  // namespace badgateway
