#include "harness/php/php_fpm.hpp"

#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "harness/error.hpp"
#include "harness/input/names.hpp"
#include "harness/net/probe.hpp"
#include "harness/observe/log_file.hpp"
#include "harness/php/php_ini.hpp"
#include "harness/process/find_in_path.hpp"
#include "harness/process/owner.hpp"
#include "harness/process/run_dir.hpp"

namespace badgateway {
namespace {

bool unix_socket_accepts(const std::string& path) {
  sockaddr_storage ss;
  socklen_t len = fakes::Address::unix_socket(path).to_sockaddr(ss);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0;
  if (fd >= 0) ::close(fd);
  return ok;
}

// Every process in process group `pgid`, zombies included (/proc/PID/stat's 5th field).
std::vector<pid_t> process_group_members(pid_t pgid) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    // Not std::ifstream: a process exiting while it is read makes read() fail (ESRCH), and
    // libstdc++'s filebuf throws on that (it failed "a pool killed whole" in a loaded CI run).
    const std::string stat = read_proc_stat(std::stoi(name)).value_or("");
    auto paren = stat.rfind(')');  // the command name may hold spaces and parentheses
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 1));
    char state = 0;
    pid_t ppid = 0, pgrp = 0;
    if (rest >> state >> ppid >> pgrp && pgrp == pgid) pids.push_back(std::stoi(name));
  }
  return pids;
}

// SIGKILLs the whole pool and waits until every process of it has exited, workers too: a worker
// still dying holds the listening socket, so nginx's connect() is queued and then reset ("reset
// by peer") instead of refused. Workers are not our children: pidfds tell when they are gone.
// The pool is two process groups: the init's, and the master's own with its workers (php-fpm
// calls setsid() even with -F). In a PID namespace killing the init would take the second down
// too; without one (no CAP_SYS_ADMIN: an unprivileged container) nothing else would.
void kill_pool_and_wait(const Child& master, Millis limit) {
  std::vector<pid_t> groups{master.pid()};
  if (master.program_pid() > 0) groups.push_back(master.program_pid());
  for (pid_t pgid : groups) ::kill(-pgid, SIGKILL);
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (pid_t pgid : groups) {
    for (pid_t pid : process_group_members(pgid)) {
      int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
      if (fd < 0) continue;  // already gone (ESRCH)
      auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};  // readable once the process exited (a zombie has no sockets left)
      ::poll(&p, 1, static_cast<int>(std::max<Millis::rep>(left.count(), 0)));
      ::close(fd);
    }
  }
}

std::string current_user() {
  passwd* pw = ::getpwuid(::geteuid());
  return pw ? pw->pw_name : "root";
}

}  // namespace

PhpFpmSpec PhpFpmSpec::from_params(fakes::Params& p) {
  PhpFpmSpec s;
  s.script = p.text("script", s.script);
  s.max_children = static_cast<int>(p.integer("max_children", s.max_children, 1, 1000));
  s.backlog = static_cast<int>(p.integer("backlog", s.backlog, 0, 65535));
  s.request_terminate_timeout =
      p.duration("request_terminate_timeout", s.request_terminate_timeout);
  s.process_control_timeout = p.duration("process_control_timeout", s.process_control_timeout);
  s.listen_mode = p.text("listen_mode", s.listen_mode);
  std::string_view digits = s.listen_mode;
  if (digits.size() == 4 && digits.front() == '0') digits.remove_prefix(1);
  if (digits.size() != 3 || digits.find_first_not_of("01234567") != std::string_view::npos) {
    throw fakes::ParamError("listen_mode", "expected an octal mode such as \"0660\"");
  }
  s.listen_owner = p.text("listen_owner", "");
  // Rendered into php-fpm.conf: one word, so it cannot add a line or a directive.
  if (!s.listen_owner.empty()) {
    if (auto e = check_user_name(s.listen_owner, false); !e.empty()) {
      throw fakes::ParamError("listen_owner", e);
    }
  }
  s.start = p.boolean("start", true);
  s.kill = p.choice("kill", "", {"", "master", "all"});
  s.php_ini = p.choice("php_ini", "pinned", {"pinned", "system"});
  const std::string extensions = p.text("extensions", "");
  // A list such as "opcache, pdo": words separated by commas and spaces, each a PHP extension name.
  std::string word;
  auto take = [&] {
    if (word.empty()) return;
    bool valid = word[0] >= 'a' && word[0] <= 'z';
    for (char c : word) {
      valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    }
    if (!valid) {
      throw fakes::ParamError("extensions",
                              fmt::format("\"{}\" is not an extension name (expected names such "
                                          "as \"opcache, pdo\")",
                                          word));
    }
    s.extensions.push_back(word);
    word.clear();
  };
  for (char c : extensions) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') {
      take();
    } else {
      word += c;
    }
  }
  take();
  return s;
}

std::string PhpFpm::find_binary() {
  for (const char* name :
       {"php-fpm", "php-fpm8.4", "php-fpm8.3", "php-fpm8.2", "php-fpm8.1", "php-fpm7.4"}) {
    std::string found = find_in_path(name);
    if (!found.empty()) return found;
  }
  return "";
}

PhpFpm::PhpFpm(PhpFpmSpec spec, const std::string& name, const std::filesystem::path& run_dir,
               fakes::Address where)
    : spec_(std::move(spec)),
      name_(name),
      dir_(run_dir / ("php-fpm-" + name)),
      where_(std::move(where)) {
  binary_ = find_binary();
  if (binary_.empty()) throw std::runtime_error("php-fpm not found (install php-fpm)");
  create_directories_within(run_dir, dir_);
  create_directories_within(run_dir, "www");
  write_files();
}

PhpFpm::~PhpFpm() {
  stop();
}

void PhpFpm::write_files() {
  std::ofstream(dir_.parent_path() / "www/index.php") << spec_.script << "\n";
  if (spec_.php_ini == "pinned") std::ofstream(dir_ / "php.ini") << kPinnedPhpIni;
  // Marks PHP-FPM's responses like the fakes mark theirs, so verdicts can tell them from nginx's.
  std::ofstream(dir_ / "prepend.php")
      << fmt::format("<?php header('X-Badgateway-Fake: {}');\n", name_);
  std::string listen =
      where_.kind == fakes::Address::Kind::unix_socket ? where_.path : where_.to_string();
  std::string user = current_user();
  std::ofstream conf(dir_ / "php-fpm.conf");
  conf << "[global]\n"
       << fmt::format("pid = \"{}/php-fpm.pid\"\n", dir_.string())
       << fmt::format("error_log = \"{}/php-fpm.log\"\n", dir_.string())
       << "log_level = notice\ndaemonize = no\n"
       // Whole seconds, like request_terminate_timeout.
       << fmt::format("process_control_timeout = {}s\n\n",
                      (spec_.process_control_timeout.count() + 999) / 1000)
       << fmt::format("[{}]\n", name_)
       << fmt::format("user = {}\ngroup = {}\n", user, user == "root" ? "root" : user)
       << fmt::format("listen = \"{}\"\n", listen)
       << fmt::format("listen.mode = {}\n", spec_.listen_mode)
       << fmt::format("listen.owner = {}\n", spec_.listen_owner.empty() ? user : spec_.listen_owner)
       << fmt::format("listen.backlog = {}\n", spec_.backlog)
       << fmt::format("pm = static\npm.max_children = {}\n", spec_.max_children)
       // PHP-FPM takes whole seconds (no "ms" suffix); 0 disables.
       << fmt::format("request_terminate_timeout = {}s\n",
                      (spec_.request_terminate_timeout.count() + 999) / 1000)
       << fmt::format("access.log = \"{}/access.log\"\n", dir_.string())
       << "access.format = \"%m %r %s\"\n"
       << "catch_workers_output = yes\n"
       << fmt::format("php_admin_value[auto_prepend_file] = \"{}/prepend.php\"\n", dir_.string());
}

void PhpFpm::start(Millis limit, const NetNamespace* netns) {
  netns_ = netns;
  if (!spec_.start) return;
  spawn_and_wait(std::chrono::steady_clock::now() + limit);
  if (spec_.kill == "master") {
    master_->signal(SIGKILL);  // the master only: its workers stay, orphaned, until stop()
    master_->wait_for(Millis(2000));
  } else if (spec_.kill == "all") {
    // The whole pool, like the OOM killer: the init, the master and the workers, each waited for,
    // so the socket is dead when this returns.
    kill_pool_and_wait(*master_, Millis(2000));
    master_->wait_for(Millis(2000));
  }
}

void PhpFpm::spawn_and_wait(std::chrono::steady_clock::time_point deadline) {
  const NetNamespace* netns = netns_;
  SpawnOptions options;
  options.stdout_file = dir_ / "stderr.log";
  if (netns) options.netns_fd = netns->fd();
  std::vector<std::string> argv{binary_, "-F", "-R"};
  if (spec_.php_ini == "pinned") {
    // Only our file: an empty PHP_INI_SCAN_DIR keeps the system's conf.d out too.
    argv.insert(argv.end(), {"-c", (dir_ / "php.ini").string()});
    options.environment.emplace_back("PHP_INI_SCAN_DIR", "");
  }
  for (const auto& extension : spec_.extensions) {
    // Zend extensions load with their own directive; PHP refuses them as plain extensions.
    const bool zend = extension == "opcache" || extension == "xdebug";
    argv.insert(argv.end(),
                {"-d", fmt::format("{}={}", zend ? "zend_extension" : "extension", extension)});
  }
  argv.insert(argv.end(), {"-y", (dir_ / "php-fpm.conf").string(), "-p", dir_.string()});
  master_.emplace(Child::spawn(argv, options));
  InNetNamespace probe_there(netns);
  auto ready = [&] {
    if (where_.kind == fakes::Address::Kind::unix_socket) return unix_socket_accepts(where_.path);
    return wait_until_listening(where_, Millis(1), [] { return true; });
  };
  while (!ready()) {
    if (!master_->running() || std::chrono::steady_clock::now() > deadline) {
      LogFile log(dir_ / "php-fpm.log");
      auto why = log.find_regex("(ERROR|ALERT)");
      throw std::runtime_error(fmt::format("php-fpm did not start: {}", why ? *why : "no socket"));
    }
    std::this_thread::sleep_for(Millis(5));  // poll interval of a bounded readiness wait
  }
  // A missing extension is only a startup warning to PHP; to a scenario that needs it, an error.
  const std::string startup =
      read_whole_file(dir_ / "stderr.log") + LogFile(dir_ / "php-fpm.log").text();
  for (const auto& extension : spec_.extensions) {
    if (startup.find(fmt::format("Unable to load dynamic library '{}'", extension)) !=
        std::string::npos) {
      throw std::runtime_error(fmt::format(
          "php-fpm: extension \"{}\" could not be loaded (is its package installed?)", extension));
    }
  }
}

void PhpFpm::stop() {
  if (!master_) return;
  if (master_->running()) {
    master_->signal(SIGQUIT);  // graceful
    if (!master_->wait_for(Millis(2000))) master_->stop(SIGTERM, Millis(1000));
  }
  kill_pool_and_wait(*master_, Millis(2000));  // workers orphaned by a killed master
  master_.reset();
}

namespace {

Millis left_until(std::chrono::steady_clock::time_point deadline) {
  return std::max(Millis(0),
                  std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now()));
}

}  // namespace

PhpFpm::TimePoint PhpFpm::quit(TimePoint deadline) {
  if (!master_ || !master_->running()) throw HarnessError("php-fpm is not running");
  const TimePoint sent = std::chrono::steady_clock::now();
  master_->signal(SIGQUIT);
  if (!master_->wait_for(left_until(deadline))) {
    throw HarnessError("php-fpm's master did not exit after SIGQUIT before the deadline");
  }
  kill_pool_and_wait(*master_, left_until(deadline));  // workers a killed master orphaned
  master_.reset();
  return sent;
}

PhpFpm::TimePoint PhpFpm::restart(TimePoint deadline) {
  if (master_ && master_->running()) throw HarnessError("php-fpm is still running");
  if (master_) {
    kill_pool_and_wait(*master_, left_until(deadline));  // orphaned workers of a killed master
    master_.reset();
  }
  spawn_and_wait(deadline);
  return std::chrono::steady_clock::now();
}

PhpFpm::TimePoint PhpFpm::kill(std::string_view process, TimePoint deadline) {
  if (!master_) throw HarnessError("php-fpm is not running");
  const pid_t master = master_->program_pid();
  std::vector<pid_t> workers;
  if (process == "workers" || process == "worker") {
    // The master's children; its pid is the program's as this machine sees it.
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string line;
      if (!std::getline(stat, line)) continue;
      const auto close = line.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(line.substr(close + 2));
      char state = 0;
      pid_t ppid = 0;
      if (rest >> state >> ppid && ppid == master && master > 0) workers.push_back(std::stoi(name));
    }
    if (workers.empty()) throw HarnessError("php-fpm has no workers to kill");
    if (process == "worker") {
      // The lowest pid: the first worker the master started (erase, not resize: GCC 12 at -O3
      // warns falsely on the latter).
      std::iter_swap(workers.begin(), std::min_element(workers.begin(), workers.end()));
      workers.erase(workers.begin() + 1, workers.end());
    }
  }
  const TimePoint sent = std::chrono::steady_clock::now();
  if (process == "all") {
    kill_pool_and_wait(*master_, left_until(deadline));
    master_->wait_for(left_until(deadline));
  } else if (process == "master") {
    master_->signal(SIGKILL);
    if (!master_->wait_for(left_until(deadline))) throw HarnessError("php-fpm's master lives on");
  } else {
    for (pid_t pid : workers) ::kill(pid, SIGKILL);
  }
  return sent;
}

PhpFpm::TimePoint PhpFpm::reload(TimePoint deadline) {
  if (!master_ || !master_->running()) throw HarnessError("php-fpm is not running");
  constexpr std::string_view kReady = "ready to handle connections";
  auto readies = [&] {
    const std::string log = LogFile(dir_ / "php-fpm.log").text();
    std::size_t n = 0;
    for (auto at = log.find(kReady); at != std::string::npos; at = log.find(kReady, at + 1)) ++n;
    return n;
  };
  const std::size_t before = readies();
  const TimePoint sent = std::chrono::steady_clock::now();
  master_->signal(SIGUSR2);
  while (readies() <= before) {
    if (!master_->running()) throw HarnessError("php-fpm exited while reloading");
    if (std::chrono::steady_clock::now() > deadline) {
      throw HarnessError("php-fpm did not log \"ready to handle connections\" after SIGUSR2");
    }
    std::this_thread::sleep_for(Millis(5));  // poll interval of a bounded wait on its log
  }
  return sent;
}

std::uint64_t PhpFpm::requests_served() const {
  return LogFile(dir_ / "access.log").lines().size();
}

}  // namespace badgateway
