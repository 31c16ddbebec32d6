#include "harness/process/child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace badgateway {
namespace {

std::mutex g_mutex;
std::set<pid_t> g_live;
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

// Runs in the forked child: system calls only.
bool enter_namespaces(const SpawnOptions& options, const std::vector<std::string>& paths) {
  if (options.netns_fd >= 0 && ::setns(options.netns_fd, CLONE_NEWNET) != 0) return false;
  if (options.mounts.empty()) return true;
  // Private and not propagated back: the bind mounts vanish with the child.
  if (::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return false;
  }
  for (std::size_t i = 0; i < options.mounts.size(); ++i) {
    const char* source = paths[2 * i].c_str();
    const char* target = paths[2 * i + 1].c_str();
    if (::mount(source, target, nullptr, MS_BIND | MS_REC, nullptr) != 0) return false;
    if (options.mounts[i].read_only &&
        ::mount(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

Child Child::spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) throw std::invalid_argument("empty argv");
  std::vector<char*> args = exec_args(argv);
  int out = open_for_child(options.stdout_file, O_WRONLY);
  int err =
      options.stderr_file.empty() ? ::dup(out) : open_for_child(options.stderr_file, O_WRONLY);
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int ready[2];
  if (out < 0 || err < 0 || in < 0 || ::pipe2(ready, O_CLOEXEC) != 0) {
    throw std::runtime_error(
        fmt::format("cannot prepare to start {}: {}", argv[0], std::strerror(errno)));
  }
  // Prepared before fork: the child may only make system calls.
  std::vector<std::string> mount_paths;
  for (const auto& m : options.mounts) {
    mount_paths.push_back(m.source.string());
    mount_paths.push_back(m.target.string());
  }
  std::vector<std::string> env_strings;
  std::vector<char*> envp;
  if (!options.environment.empty()) {
    for (char** e = environ; *e; ++e) {
      std::string_view entry(*e);
      bool replaced = false;
      for (const auto& [name, value] : options.environment) {
        replaced = replaced || (entry.starts_with(name) && entry.size() > name.size() &&
                                entry[name.size()] == '=');
      }
      if (!replaced) env_strings.emplace_back(entry);
    }
    for (const auto& [name, value] : options.environment) env_strings.push_back(name + "=" + value);
    for (auto& entry : env_strings) envp.push_back(entry.data());
    envp.push_back(nullptr);
  }
  pid_t parent = ::getpid();
  // Held across fork so kill_all_children cannot miss a child that is being born.
  std::unique_lock registry(g_mutex);
  if (g_closing) {
    for (int fd : {in, out, err, ready[0], ready[1]}) ::close(fd);
    throw std::runtime_error("interrupted");
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (!enter_namespaces(options, mount_paths)) {
      int e = errno | kNamespaceFailure;
      (void)::write(ready[1], &e, sizeof e);
      ::_exit(127);
    }
    if (envp.empty()) {
      ::execvp(args[0], args.data());
    } else {
      ::execvpe(args[0], args.data(), envp.data());
    }
    int e = errno;
    (void)::write(ready[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(ready[1]);
  ::close(in);
  ::close(out);
  ::close(err);
  if (pid < 0) {
    ::close(ready[0]);
    throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(errno)));
  }
  g_live.insert(pid);
  registry.unlock();
  Child child;
  child.pid_ = pid;
  child.pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  int exec_errno = 0;
  // EOF (exec succeeded, CLOEXEC closed the pipe) or the child's errno.
  ssize_t n = ::read(ready[0], &exec_errno, sizeof exec_errno);
  ::close(ready[0]);
  if (n == sizeof exec_errno) {
    child.wait_for(Millis(1000));
    if (exec_errno & kNamespaceFailure) {
      throw std::runtime_error(fmt::format("cannot prepare the namespaces of {}: {}", argv[0],
                                           std::strerror(exec_errno & ~kNamespaceFailure)));
    }
    throw std::runtime_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(exec_errno)));
  }
  return child;
}

Child::Child(Child&& other) noexcept {
  *this = std::move(other);
}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !status_) stop(SIGKILL, Millis(1000));
    if (pidfd_ >= 0) ::close(pidfd_);
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    status_ = std::exchange(other.status_, std::nullopt);
  }
  return *this;
}

Child::~Child() {
  if (pid_ > 0 && !status_) stop(SIGKILL, Millis(2000));
  if (pidfd_ >= 0) ::close(pidfd_);
}

void Child::reap(int status) {
  status_ = status;
  untrack(pid_);
}

bool Child::running() {
  if (pid_ <= 0 || status_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reap(status);
    return false;
  }
  if (r < 0 && errno == ECHILD) {  // reaped elsewhere (the signal thread)
    reap(0);
    return false;
  }
  return true;
}

std::optional<int> Child::wait_for(Millis limit) {
  if (pid_ <= 0) return std::nullopt;
  if (status_) return status_;
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (!running()) return status_;
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (pidfd_ >= 0) {
      pollfd p{pidfd_, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    } else {
      ::usleep(5000);  // no pidfd (old kernel): short bounded polling
    }
  }
}

void Child::signal(int signo) const {
  if (pid_ > 0 && !status_) ::kill(pid_, signo);
}

int Child::stop(int first_signal, Millis grace) {
  if (pid_ <= 0) return -1;
  if (!status_) {
    signal(first_signal);
    if (!wait_for(grace)) {
      ::kill(-pid_, SIGKILL);  // the whole group: nginx workers too
      ::kill(pid_, SIGKILL);
      wait_for(Millis(5000));
    }
  }
  return status_.value_or(-1);
}

bool CommandResult::ok() const {
  return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

CommandResult run_command(const std::vector<std::string>& argv, Millis limit,
                          const SpawnOptions& where) {
  char tmpl[] = "/tmp/badgateway-cmd-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error(fmt::format("mkstemp: {}", std::strerror(errno)));
  ::close(fd);
  CommandResult result;
  try {
    SpawnOptions options = where;
    options.stdout_file = tmpl;
    options.stderr_file.clear();
    Child child = Child::spawn(argv, options);
    auto status = child.wait_for(limit);
    if (!status) {
      child.stop(SIGKILL, Millis(1000));
    } else {
      result.status = *status;
    }
  } catch (...) {
    ::unlink(tmpl);
    throw;
  }
  std::ifstream in(tmpl);
  std::stringstream ss;
  ss << in.rdbuf();
  result.output = ss.str();
  ::unlink(tmpl);
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
