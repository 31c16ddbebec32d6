#include "harness/process/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "harness/process/owner.hpp"
#include "harness/process/run_dir.hpp"

extern char** environ;

namespace badgateway {
namespace {

std::mutex g_mutex;
std::set<pid_t> g_live;  // the inits (or, without them, the programs) not yet reaped
bool g_closing = false;  // set by kill_all_children: no child may start after it

void untrack(pid_t pid) {
  std::lock_guard lock(g_mutex);
  g_live.erase(pid);
}

int open_for_child(const std::filesystem::path& p, int fallback_flags) {
  if (p.empty()) return ::open("/dev/null", fallback_flags | O_CLOEXEC);
  return ::open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}

// Or'ed into the errno the child reports: it failed before exec, while entering namespaces.
constexpr int kNamespaceFailure = 1 << 20;

// What an init tells its Child, one record per write (atomic on a pipe).
struct InitReport {
  enum Kind : int { started, exec_failed, exited } kind;
  int value;  // exec_failed: errno (| kNamespaceFailure); exited: the program's wait status
};

// The lifeline: a pipe whose write end only this process holds (close-on-exec, and closed by every
// init as soon as it starts). However this process ends, SIGKILL included, the kernel closes it and
// every init sees the read end hang up.
struct Lifeline {
  int read_end = -1;
  int write_end = -1;
};
const Lifeline& lifeline() {
  static const Lifeline l = [] {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    }
    return Lifeline{fds[0], fds[1]};
  }();
  return l;
}

// Without CAP_SYS_ADMIN there is no PID namespace; remembered so that we ask only once.
std::atomic<bool> g_pid_namespaces{true};

// Between clone and exec the copy of this multi-threaded process may only make system calls, and
// only raw ones: libc wrappers can take locks another thread held at the clone, and sanitizers
// intercept them.
long sys(long number, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
  return ::syscall(number, a, b, c, d, e);
}

pid_t clone_process(unsigned long flags) {
  return static_cast<pid_t>(sys(SYS_clone, static_cast<long>(flags | SIGCHLD)));
}

void write_report(int fd, InitReport::Kind kind, int value) {
  InitReport r{kind, value};
  sys(SYS_write, fd, reinterpret_cast<long>(&r), sizeof r);
}

// Closes every descriptor but `keep` (ascending, -1 entries ignored).
void close_all_except(const int* keep, int n) {
  int from = 0;
  for (int i = 0; i < n; ++i) {
    if (keep[i] < from) continue;
    if (keep[i] > from) sys(SYS_close_range, from, keep[i] - 1, 0);
    from = keep[i] + 1;
  }
  sys(SYS_close_range, from, ~0U, 0);
}

struct SpawnPlan {
  const char* path;  // resolved before the clone: execvp may allocate
  char* const* argv;
  char* const* envp;
  int in, out, err;
  int report;  // write end
  const SpawnOptions* options;
  const std::vector<std::string>* mount_paths;
  bool pid_namespace;
};

// Runs in the program's process: raw system calls only, until exec.
bool enter_namespaces(const SpawnPlan& plan) {
  const SpawnOptions& options = *plan.options;
  if (options.netns_fd >= 0 && sys(SYS_setns, options.netns_fd, CLONE_NEWNET) != 0) return false;
  if (options.mounts.empty()) return true;
  // Private and not propagated back: the bind mounts vanish with the child.
  if (sys(SYS_unshare, CLONE_NEWNS) != 0 ||
      sys(SYS_mount, 0, reinterpret_cast<long>("/"), 0, MS_REC | MS_PRIVATE, 0) != 0) {
    return false;
  }
  const auto& paths = *plan.mount_paths;
  for (std::size_t i = 0; i < options.mounts.size(); ++i) {
    long source = reinterpret_cast<long>(paths[2 * i].c_str());
    long target = reinterpret_cast<long>(paths[2 * i + 1].c_str());
    if (sys(SYS_mount, source, target, 0, MS_BIND | MS_REC, 0) != 0) return false;
    if (options.mounts[i].read_only &&
        sys(SYS_mount, 0, target, 0, MS_BIND | MS_REMOUNT | MS_RDONLY, 0) != 0) {
      return false;
    }
  }
  return true;
}

// The kernel's signal set (rt_sigprocmask and signalfd take 8 bytes, not glibc's sigset_t).
using KernelSigset = unsigned long;
constexpr KernelSigset bit(int signo) {
  return 1UL << (signo - 1);
}
// What an init passes on to its program: everything Child::signal and kill_all_children send.
constexpr KernelSigset kForwarded = bit(SIGHUP) | bit(SIGINT) | bit(SIGQUIT) | bit(SIGTERM) |
                                    bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGWINCH);

void set_signal_mask(KernelSigset mask) {
  sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&mask), 0, sizeof mask);
}

[[noreturn]] void exit_now(int code) {
  sys(SYS_exit_group, code);
  __builtin_unreachable();
}

[[noreturn]] void exec_program(const SpawnPlan& plan, int exec_error) {
  set_signal_mask(0);
  // The init closed its own 0-2, so the error pipe may have been given one of them: move it out of
  // the way of the dup3s below, or an exec failure would be written into the program's stderr.
  if (exec_error <= 2)
    exec_error = static_cast<int>(sys(SYS_fcntl, exec_error, F_DUPFD_CLOEXEC, 3));
  sys(SYS_dup3, plan.in, 0, 0);
  sys(SYS_dup3, plan.out, 1, 0);
  sys(SYS_dup3, plan.err, 2, 0);
  int e = 0;
  if (!enter_namespaces(plan)) {
    e = errno | kNamespaceFailure;
  } else {
    sys(SYS_execve, reinterpret_cast<long>(plan.path), reinterpret_cast<long>(plan.argv),
        reinterpret_cast<long>(plan.envp));
    e = errno;
  }
  sys(SYS_write, exec_error, reinterpret_cast<long>(&e), sizeof e);
  exit_now(127);
}

// The init of a child: PID 1 of the child's own PID namespace (or, without the privilege for one,
// a child subreaper leading the child's process group). It starts the program, passes signals on
// to it, reaps whatever ends in the namespace at once (orphaned nginx workers and PHP-FPM children
// included: this machine's PID 1 reaps only every second or two), reports the program's exit,
// and ends when the program and every orphan are gone. When the lifeline hangs up (badgateway
// died, even by SIGKILL) it ends at once, and the kernel kills everything in the namespace with
// it; without a namespace it kills its process group first, and the program's own if it made one.
[[noreturn]] void run_init(const SpawnPlan& plan, int lifeline_read) {
  sys(SYS_setpgid, 0, 0);
  if (!plan.pid_namespace) sys(SYS_prctl, PR_SET_CHILD_SUBREAPER, 1);
  set_signal_mask(kForwarded | bit(SIGCHLD) | bit(SIGPIPE));
  // Nothing of badgateway's crosses into the namespace: not the fakes' sockets, not the
  // lifeline's write end (that would keep the lifeline from ever hanging up).
  int keep[] = {plan.in, plan.out, plan.err, plan.report, lifeline_read, plan.options->netns_fd};
  std::sort(std::begin(keep), std::end(keep));
  close_all_except(keep, static_cast<int>(std::size(keep)));
  KernelSigset watched = kForwarded | bit(SIGCHLD);
  int signals = static_cast<int>(
      sys(SYS_signalfd4, -1, reinterpret_cast<long>(&watched), sizeof watched, SFD_CLOEXEC));
  int exec_error[2];
  if (signals < 0 || sys(SYS_pipe2, reinterpret_cast<long>(exec_error), O_CLOEXEC) != 0) {
    write_report(plan.report, InitReport::exec_failed, errno);
    exit_now(127);
  }
  pid_t program = clone_process(0);
  if (program == 0) exec_program(plan, exec_error[1]);
  if (program < 0) {
    write_report(plan.report, InitReport::exec_failed, errno);
    exit_now(127);
  }
  sys(SYS_close, exec_error[1]);
  int e = 0;
  long n = 0;
  do {
    n = sys(SYS_read, exec_error[0], reinterpret_cast<long>(&e), sizeof e);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof e) {  // EOF means exec succeeded (close-on-exec closed the pipe)
    sys(SYS_wait4, program, 0, 0, 0);
    write_report(plan.report, InitReport::exec_failed, e);
    exit_now(127);
  }
  write_report(plan.report, InitReport::started, 0);
  for (int fd : {exec_error[0], plan.in, plan.out, plan.err, plan.options->netns_fd}) {
    if (fd >= 0) sys(SYS_close, fd);
  }
  bool program_ended = false;
  for (;;) {
    for (;;) {
      int status = 0;
      long w = sys(SYS_wait4, -1, reinterpret_cast<long>(&status), WNOHANG, 0);
      if (w > 0) {
        if (w == program) {
          write_report(plan.report, InitReport::exited, status);
          program_ended = true;
        }
        continue;
      }
      if (w < 0 && errno == ECHILD && program_ended) exit_now(0);
      break;
    }
    pollfd fds[2] = {{lifeline_read, POLLIN, 0}, {signals, POLLIN, 0}};
    if (sys(SYS_ppoll, reinterpret_cast<long>(fds), 2, 0, 0, 0) < 0) continue;
    if (fds[0].revents != 0) {
      if (!plan.pid_namespace) {
        // The program's own group first, if it made one (php-fpm calls setsid() even with -F),
        // then ours, us included.
        if (!program_ended) sys(SYS_kill, -program, SIGKILL);
        sys(SYS_kill, 0, SIGKILL);
      }
      exit_now(128 + SIGKILL);
    }
    signalfd_siginfo info;
    if (sys(SYS_read, signals, reinterpret_cast<long>(&info), sizeof info) == sizeof info &&
        info.ssi_signo != SIGCHLD && !program_ended) {
      sys(SYS_kill, program, static_cast<long>(info.ssi_signo));
    }
  }
}

// PATH lookup before the clone (execvp may allocate).
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return name;  // execve fails with ENOENT, reported as "cannot run NAME"
}

// The program's pid in our namespace: the init's only child right after it started.
pid_t first_child(pid_t init) {
  std::ifstream in(fmt::format("/proc/{}/task/{}/children", init, init));
  pid_t pid = -1;
  return in >> pid ? pid : -1;
}

}  // namespace

bool pid_namespaces_available() {
  return g_pid_namespaces.load();
}

// The environment a child gets: this process's, with `overrides` replacing or adding variables.
// Built before the clone, which may only make system calls.
class Environment {
 public:
  explicit Environment(const std::vector<std::pair<std::string, std::string>>& overrides) {
    if (overrides.empty()) return;
    for (char** e = environ; *e; ++e) {
      std::string_view entry(*e);
      bool replaced = false;
      for (const auto& [name, value] : overrides) {
        replaced = replaced || (entry.starts_with(name) && entry.size() > name.size() &&
                                entry[name.size()] == '=');
      }
      if (!replaced) strings_.emplace_back(entry);
    }
    for (const auto& [name, value] : overrides) strings_.push_back(name + "=" + value);
    for (auto& entry : strings_) pointers_.push_back(entry.data());
    pointers_.push_back(nullptr);
  }
  char** envp() { return pointers_.empty() ? environ : pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

Child Child::spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) throw std::invalid_argument("empty argv");
  std::vector<char*> args = exec_args(argv);
  std::string path = resolve_program(argv[0]);
  const Lifeline& life = lifeline();
  int out = open_for_child(options.stdout_file, O_WRONLY);
  int err = options.stderr_file.empty() ? ::fcntl(out, F_DUPFD_CLOEXEC, 0)
                                        : open_for_child(options.stderr_file, O_WRONLY);
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int report[2];
  if (out < 0 || err < 0 || in < 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    throw std::runtime_error(
        fmt::format("cannot prepare to start {}: {}", argv[0], std::strerror(errno)));
  }
  // Prepared before the clone: the clone may only make system calls.
  std::vector<std::string> mount_paths;
  for (const auto& m : options.mounts) {
    mount_paths.push_back(m.source.string());
    mount_paths.push_back(m.target.string());
  }
  Environment env(options.environment);
  SpawnPlan plan{path.c_str(), args.data(), env.envp(), in,           out,
                 err,          report[1],   &options,   &mount_paths, true};
  // Held across the clone so kill_all_children cannot miss a child that is being born.
  std::unique_lock registry(g_mutex);
  if (g_closing) {
    for (int fd : {in, out, err, report[0], report[1]}) ::close(fd);
    throw std::runtime_error("interrupted");
  }
  pid_t pid = -1;
  if (g_pid_namespaces) {
    pid = clone_process(CLONE_NEWPID);
    if (pid < 0 && (errno == EPERM || errno == EINVAL || errno == ENOSPC)) {
      g_pid_namespaces = false;  // no privilege (or none left): an init without a namespace
    }
  }
  if (!g_pid_namespaces && pid < 0) {
    plan.pid_namespace = false;
    pid = clone_process(0);
  }
  if (pid == 0) run_init(plan, life.read_end);
  int clone_errno = errno;
  for (int fd : {report[1], in, out, err}) ::close(fd);
  if (pid < 0) {
    ::close(report[0]);
    throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(clone_errno)));
  }
  g_live.insert(pid);
  registry.unlock();
  Child child;
  child.pid_ = pid;
  child.pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  child.report_ = report[0];
  child.await_exec(argv[0]);
  ::fcntl(report[0], F_SETFL, O_NONBLOCK);
  child.program_pid_ = first_child(pid);
  if (child.program_pid_ > 0) {
    child.program_pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, child.program_pid_, 0));
  }
  return child;
}

// The init's first report: the program was executed, or why not (then the child is reaped).
void Child::await_exec(const std::string& program) {
  InitReport first{};
  ssize_t n = 0;
  do {
    n = ::read(report_, &first, sizeof first);
  } while (n < 0 && errno == EINTR);
  if (n != sizeof first) {
    finish(Millis(1000));
    throw std::runtime_error(
        fmt::format("cannot start {}: {}", program, describe_wait_status(status_.value_or(-1))));
  }
  if (first.kind == InitReport::exec_failed) {
    finish(Millis(1000));
    const int exec_errno = first.value;
    if (exec_errno & kNamespaceFailure) {
      throw std::runtime_error(fmt::format("cannot prepare the namespaces of {}: {}", program,
                                           std::strerror(exec_errno & ~kNamespaceFailure)));
    }
    throw std::runtime_error(fmt::format("cannot run {}: {}", program, std::strerror(exec_errno)));
  }
}

Child::Child(Child&& other) noexcept {
  *this = std::move(other);
}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) finish(Millis(1000));
    close_fds();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    report_ = std::exchange(other.report_, -1);
    program_pid_ = std::exchange(other.program_pid_, -1);
    program_pidfd_ = std::exchange(other.program_pidfd_, -1);
    reaped_ = std::exchange(other.reaped_, false);
    status_ = std::exchange(other.status_, std::nullopt);
  }
  return *this;
}

Child::~Child() {
  if (pid_ > 0) finish(Millis(2000));
  close_fds();
}

void Child::close_fds() {
  for (int* fd : {&pidfd_, &report_, &program_pidfd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void Child::read_reports() {
  InitReport r{};
  while (report_ >= 0 && ::read(report_, &r, sizeof r) == sizeof r) {
    if (r.kind == InitReport::exited) status_ = r.value;
  }
}

bool Child::reap_init(bool block) {
  if (reaped_) return true;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == 0) return false;
  reaped_ = true;
  untrack(pid_);
  read_reports();
  // The init's own status when it never reported the program's: killed, or reaped elsewhere.
  if (!status_) status_ = r == pid_ ? status : 0;
  return true;
}

void Child::finish(Millis limit) {
  if (pid_ <= 0 || reaped_) return;
  // The whole group: the init, the program and whatever it left running. In a PID namespace the
  // init's death alone kills them all; its zombie appears only once they are gone.
  if (!reap_init(false)) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(limit.count()));
    }
    reap_init(true);
  }
}

bool Child::running() {
  if (pid_ <= 0) return false;
  if (!status_) read_reports();
  if (status_) {
    reap_init(false);  // usually gone by now; the rest goes in finish()
    return false;
  }
  return !reap_init(false);
}

std::optional<int> Child::wait_for(Millis limit) {
  if (pid_ <= 0) return std::nullopt;
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (!running()) return status_;
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (pidfd_ >= 0) {
      pollfd p[2] = {{pidfd_, POLLIN, 0}, {report_, POLLIN, 0}};
      ::poll(p, 2, static_cast<int>(left.count()));
    } else {
      ::usleep(5000);  // no pidfd (old kernel): short bounded polling
    }
  }
}

void Child::signal(int signo) const {
  if (pid_ <= 0 || status_ || reaped_) return;
  if (program_pidfd_ >= 0) {
    ::syscall(SYS_pidfd_send_signal, program_pidfd_, signo, nullptr, 0);
  } else {
    ::kill(pid_, signo);  // the init passes it on
  }
}

int Child::stop(int first_signal, Millis grace) {
  if (pid_ <= 0) return -1;
  if (!status_) {
    signal(first_signal);
    wait_for(grace);
  }
  finish(Millis(5000));
  return status_.value_or(-1);
}

bool CommandResult::ok() const {
  return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

CommandResult run_command(const std::vector<std::string>& argv, Millis limit,
                          const SpawnOptions& where,
                          const std::function<void(const Child&)>& started) {
  // Named after its owner, so that `badgateway clean` can tell a dead run's from a live one's.
  OwnedTempFile out;
  CommandResult result;
  SpawnOptions options = where;
  options.stdout_file = out.path();
  options.stderr_file.clear();
  Child child = Child::spawn(argv, options);
  if (started) started(child);
  auto status = child.wait_for(limit);
  if (!status) {
    child.stop(SIGKILL, Millis(1000));
  } else {
    result.status = *status;
  }
  std::ifstream in(out.path());
  std::stringstream ss;
  ss << in.rdbuf();
  result.output = ss.str();
  return result;
}

std::vector<char*> exec_args(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

std::string describe_wait_status(int status) {
  if (status < 0) return "did not exit in time";
  if (WIFEXITED(status)) return fmt::format("exited with code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  }
  return fmt::format("wait status {}", status);
}

void kill_all_children(Millis grace) {
  std::set<pid_t> pids;
  {
    std::lock_guard lock(g_mutex);
    g_closing = true;
    pids = g_live;
  }
  for (pid_t p : pids) ::kill(p, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (!pids.empty() && std::chrono::steady_clock::now() < deadline) {
    for (auto it = pids.begin(); it != pids.end();) {
      int status;
      pid_t r = ::waitpid(*it, &status, WNOHANG);
      it = (r == *it || (r < 0 && errno == ECHILD)) ? pids.erase(it) : std::next(it);
    }
    if (!pids.empty()) ::usleep(10'000);
  }
  for (pid_t p : pids) {
    ::kill(-p, SIGKILL);
    ::kill(p, SIGKILL);
    int status;
    ::waitpid(p, &status, 0);
  }
}

}  // namespace badgateway
