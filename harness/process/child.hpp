#pragma once
// Child processes spawned from an argv array (never a shell string), in their own process
// group, killed with the parent, registered so a signal handler can end them all.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fakes/core/units.hpp"

namespace badgateway {

// `source` appears at `target` for the child only (a private mount namespace): how a user's
// config sees /etc/nginx, /etc/hosts and writable log directories without touching this machine's.
struct BindMount {
  std::filesystem::path source;
  std::filesystem::path target;  // must exist
  bool read_only = false;
};

struct SpawnOptions {
  std::filesystem::path stdout_file;  // empty: /dev/null
  std::filesystem::path stderr_file;  // empty: same as stdout_file
  int netns_fd = -1;                  // the child's network namespace; -1: ours
  std::vector<BindMount> mounts;      // non-empty: the child gets its own mount namespace
  // Variables set (or replaced) in the child's environment; the rest is inherited.
  std::vector<std::pair<std::string, std::string>> environment;
};

class Child {
 public:
  // Throws std::runtime_error when the program cannot be started.
  static Child spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

  Child() = default;
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  ~Child();  // kills and reaps if still running

  pid_t pid() const { return pid_; }
  bool running();
  // Waits for exit up to `limit`; returns the wait status, or nullopt on timeout.
  std::optional<int> wait_for(Millis limit);
  void signal(int signo) const;
  // TERM-like signal, then KILL after `grace`; always reaps.
  int stop(int first_signal, Millis grace);
  std::optional<int> exit_status() const { return status_; }

 private:
  void reap(int status);
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> status_;
};

// Runs a program to completion with a deadline; output captured. For `nginx -t` and `nginx -v`.
struct CommandResult {
  int status = -1;  // wait status, -1 on timeout
  std::string output;
  bool ok() const;
};
// `where` supplies namespaces and mounts; its output files are ignored.
CommandResult run_command(const std::vector<std::string>& argv, Millis limit,
                          const SpawnOptions& where = {});

std::string describe_wait_status(int status);

// execv's argument array over `argv`'s strings (which must outlive it), null-terminated.
std::vector<char*> exec_args(const std::vector<std::string>& argv);

// Called by the signal thread: ends every live child (TERM, then KILL) within `grace`.
void kill_all_children(Millis grace);

}  // namespace badgateway
