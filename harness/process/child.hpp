#pragma once
// Child processes spawned from an argv array (never a shell string), registered so a signal handler
// can end them all, and gone with badgateway however it ends, SIGKILL included.
//
// Each child runs under an init of its own: PID 1 of a new PID namespace, which badgateway holds
// by a pipe (the lifeline). When badgateway dies the pipe hangs up, the init exits, and the kernel
// kills everything in the namespace: the program, its workers, whatever they forked; their mount
// namespaces and sockets go with them. The init reaps orphans at once and passes signals on.
// Without CAP_SYS_ADMIN (no PID namespace) the init is a child subreaper leading the child's
// process group, and kills that group when the lifeline hangs up: the same unless someone
// SIGKILLs the init itself.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fakes/base/units.hpp"

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

  // The init's pid (and process group): signals to the group reach everything the child started.
  pid_t pid() const { return pid_; }
  // The program's pid in our PID namespace (nginx.pid and nginx's log show the one inside); -1 when
  // unknown.
  pid_t program_pid() const { return program_pid_; }
  // Until the program exits (what it left running goes with the Child, or with stop()).
  bool running();
  // Waits for the program's exit up to `limit`; returns its wait status, or nullopt on timeout.
  std::optional<int> wait_for(Millis limit);
  // To the program only (SIGKILL included).
  void signal(int signo) const;
  // TERM-like signal to the program, then, after `grace` at most, KILL of everything it left
  // running; always reaps everything.
  int stop(int first_signal, Millis grace);
  std::optional<int> exit_status() const { return status_; }

 private:
  bool reap_init(bool block);
  void read_reports();
  void finish(Millis limit);  // KILLs and reaps the init and everything left under it
  void await_exec(const std::string& program);  // throws std::runtime_error if it was not run
  void close_fds();
  pid_t pid_ = -1;  // the init
  int pidfd_ = -1;
  int report_ = -1;  // the init's reports (started, exec failed, the program's exit)
  pid_t program_pid_ = -1;
  int program_pidfd_ = -1;
  bool reaped_ = false;        // the init
  std::optional<int> status_;  // the program's wait status (or the init's, if it died first)
};

// Runs a program to completion with a deadline; output captured. For `nginx -t` and `nginx -v`.
struct CommandResult {
  int status = -1;  // wait status, -1 on timeout
  std::string output;
  bool ok() const;
};
// `where` supplies namespaces and mounts; its output files are ignored. `started` is called once
// the program runs, before the wait (for an interrupt hook that must know when it ends).
CommandResult run_command(const std::vector<std::string>& argv, Millis limit,
                          const SpawnOptions& where = {},
                          const std::function<void(const Child&)>& started = {});

std::string describe_wait_status(int status);

// execv's argument array over `argv`'s strings (which must outlive it), null-terminated.
std::vector<char*> exec_args(const std::vector<std::string>& argv);

// False once a PID namespace could not be created (no CAP_SYS_ADMIN): children then get an init
// without one (see above).
bool pid_namespaces_available();

// Called by the signal thread: ends every live child (TERM, then KILL) within `grace`.
void kill_all_children(Millis grace);

}  // namespace badgateway
