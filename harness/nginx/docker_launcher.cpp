#include "harness/nginx/docker_launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "harness/net/probe.hpp"
#include "harness/nginx/config.hpp"
#include "harness/nginx/local_launcher.hpp"
#include "harness/nginx/nginx_cache.hpp"
#include "harness/nginx/nginx_output.hpp"
#include "harness/nginx/own_config.hpp"
#include "harness/observe/log_file.hpp"
#include "harness/process/child.hpp"
#include "harness/process/find_in_path.hpp"
#include "harness/process/interrupt.hpp"
#include "harness/process/owner.hpp"

extern char** environ;

namespace badgateway {
namespace {

// Every docker CLI call is bounded: a wedged daemon must become a one-line error, not a hang.
constexpr Millis kDockerLimit{15'000};
// `docker run` creates, starts and removes a container: slower than the other calls.
constexpr Millis kDockerRunLimit{20'000};
// With --cap-drop ALL, the capabilities added back for nginx, measured as the smallest set that
// works: without CHOWN the master cannot chown its temp dirs to the workers' user, without
// SETGID/SETUID the workers die at setgid()/initgroups()/setuid(). NET_BIND_SERVICE is not needed:
// Docker (20.10+) sets net.ipv4.ip_unprivileged_port_start=0 in the namespaces it creates, where
// own configs listen on 80, and rendered configs listen on high ports.
constexpr const char* kNginxCapabilities[] = {"CHOWN", "SETUID", "SETGID"};

const char* const kLabel = "org.badgateway";
const char* const kPidLabel = "org.badgateway.pid";
const char* const kStartLabel = "org.badgateway.start";
// Where the container init (container_init.cpp) is mounted: PID 1 of every long-lived container.
const char* const kInitInContainer = "/badgateway-init";

std::string first_line(const std::string& output) {
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) return line;
  }
  return "no output";
}

// The containers this process runs, for the interrupt hook: each with the docker CLI binary that
// manages it and a pidfd of the `docker run` process creating it or attached to it (-1: none).
// A container's name is tracked before its CLI starts, so that none is ever created untracked.
struct LiveContainer {
  std::string docker;
  int cli = -1;
};
std::mutex g_live_mutex;
std::map<std::string, LiveContainer> g_live;
bool g_live_closed = false;  // set by the interrupt hook: no container may be created after it
std::atomic<unsigned> g_counter{0};

// Throws HarnessError after an interrupt: the hook has taken its list of containers to remove.
void track(const std::string& name, const std::string& docker) {
  std::lock_guard lock(g_live_mutex);
  if (g_live_closed) throw HarnessError("interrupted: no container is started any more");
  g_live[name].docker = docker;
}

// The `docker run` that creates `name` runs as `cli`; a pidfd of it tells the hook when it ended
// without reaping it (the thread that started it does).
void track_cli(const std::string& name, const Child& cli) {
  int fd = cli.program_pid() > 0 ? static_cast<int>(::syscall(SYS_pidfd_open, cli.program_pid(), 0))
                                 : -1;
  std::lock_guard lock(g_live_mutex);
  auto it = g_live.find(name);
  if (it == g_live.end()) {
    if (fd >= 0) ::close(fd);
    return;
  }
  if (it->second.cli >= 0) ::close(it->second.cli);
  it->second.cli = fd;
}

void untrack(const std::string& name) {
  std::lock_guard lock(g_live_mutex);
  auto it = g_live.find(name);
  if (it == g_live.end()) return;
  if (it->second.cli >= 0) ::close(it->second.cli);
  g_live.erase(it);
}

// Polled under the lock: the pidfd is closed by untrack() on another thread.
bool any_cli_running(const std::vector<std::string>& names) {
  std::lock_guard lock(g_live_mutex);
  for (const auto& name : names) {
    auto it = g_live.find(name);
    if (it == g_live.end() || it->second.cli < 0) continue;
    pollfd p{it->second.cli, POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return true;  // a pidfd turns readable when its process exits
  }
  return false;
}

bool container_exists(const std::string& docker, const std::string& name) {
  return run_from_interrupt_hook({docker, "container", "inspect", "--format", "{{.Id}}", name},
                                 Millis(5'000)) == 0;
}

// Runs before the children are ended. A `docker run` killed while the daemon creates its container
// leaves that container "Created" and never removed; and one still creating when we remove by name
// makes its container after that. So: remove every tracked container, keep removing while any of
// their CLIs runs (an attached CLI ends once its container is gone), and when none does, remove
// what the last of them made.
void remove_live_containers_on_interrupt() {
  std::vector<std::pair<std::string, std::string>> live;  // name, docker
  {
    std::lock_guard lock(g_live_mutex);
    g_live_closed = true;
    for (const auto& [name, c] : g_live) live.emplace_back(name, c.docker);
  }
  std::map<std::string, std::vector<std::string>> by_docker;
  std::vector<std::string> names;
  for (const auto& [name, docker] : live) {
    by_docker[docker].push_back(name);
    names.push_back(name);
  }
  // Generous: on a loaded machine removing a holder and nginx took several seconds each.
  auto deadline = std::chrono::steady_clock::now() + Millis(20'000);
  for (const auto& [docker, docker_names] : by_docker) {
    std::vector<std::string> argv{docker, "rm", "-f"};
    argv.insert(argv.end(), docker_names.begin(), docker_names.end());
    run_from_interrupt_hook(argv, Millis(10'000));
  }
  while (std::chrono::steady_clock::now() < deadline && any_cli_running(names)) {
    for (const auto& [name, docker] : live) {
      if (container_exists(docker, name))
        run_from_interrupt_hook({docker, "rm", "-f", name}, Millis(5'000));
    }
    ::usleep(50'000);  // poll interval of a bounded wait
  }
  // `rm -f` can return while the daemon's own --rm removal of the same container is still in
  // progress ("removal ... already in progress"); the run has not cleaned up until the container
  // is gone, so wait for that (bounded), asking again.
  for (const auto& [name, docker] : live) {
    while (std::chrono::steady_clock::now() < deadline && container_exists(docker, name)) {
      run_from_interrupt_hook({docker, "rm", "-f", name}, Millis(5'000));
      ::usleep(50'000);  // poll interval of a bounded wait
    }
  }
}

// `docker run` exits with the container's status, which is 128+N when nginx died of signal N.
std::string describe_container_exit(int status) {
  if (status >= 0 && WIFEXITED(status)) {
    int code = WEXITSTATUS(status);
    if (code > 128 && code < 128 + NSIG) {
      return fmt::format("killed by signal {} ({})", code - 128, strsignal(code - 128));
    }
  }
  return describe_wait_status(status);
}

// nginx's [emerg] when it got that far, else docker's own complaint ("docker: Error response
// from daemon: ..."), which is followed by a useless "See 'docker run --help'." line.
std::string failure_line(const std::string& output) {
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("[emerg]") != std::string::npos) return line;
  }
  in = std::istringstream(output);
  while (std::getline(in, line)) {
    if (line.starts_with("docker: ")) return line;
  }
  return nginx_key_line(output);
}

}  // namespace

// The host end of a container's lifeline (see container_init.cpp): a FIFO in the run directory,
// held read-write (so opening never blocks) and close-on-exec (so only this process holds it).
class ContainerLifeline {
 public:
  explicit ContainerLifeline(const std::filesystem::path& run_dir)
      : path_(run_dir / fmt::format(".lifeline-{}", ++g_counter)) {
    if (::mkfifo(path_.c_str(), 0600) != 0 ||
        (fd_ = ::open(path_.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
      throw HarnessError(
          fmt::format("cannot make the lifeline {}: {}", path_.string(), std::strerror(errno)));
    }
  }
  ~ContainerLifeline() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  ContainerLifeline(const ContainerLifeline&) = delete;
  ContainerLifeline& operator=(const ContainerLifeline&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

namespace {

// Where the container init binary is: $BADGATEWAY_CONTAINER_INIT, else beside this executable
// (an installed badgateway), else where this build tree made it (the tests' executables).
std::string container_init_binary() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("BADGATEWAY_CONTAINER_INIT"); env && *env) {
    candidates.emplace_back(env);
  } else {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      candidates.push_back(self.parent_path() / "badgateway-container-init");
#ifdef BADGATEWAY_INSTALLED_INIT
      // Installed: PREFIX/bin/badgateway, PREFIX/libexec/badgateway/badgateway-container-init.
      candidates.push_back(self.parent_path().parent_path() / BADGATEWAY_INSTALLED_INIT);
#endif
    }
#ifdef BADGATEWAY_CONTAINER_INIT_BUILT
    candidates.emplace_back(BADGATEWAY_CONTAINER_INIT_BUILT);
#endif
  }
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c.string();
  }
  throw HarnessError(fmt::format(
      "badgateway-container-init not found (looked at {}): build it (cmake --build build) or set "
      "BADGATEWAY_CONTAINER_INIT",
      candidates.empty() ? std::string("nothing") : candidates.front().string()));
}

class DockerInstance final : public NginxInstance {
 public:
  DockerInstance(std::string docker, std::string name, Child cli, LaunchPaths paths,
                 std::unique_ptr<ContainerLifeline> lifeline)
      : NginxInstance(std::move(paths)),
        docker_(std::move(docker)),
        name_(std::move(name)),
        cli_(std::move(cli)),
        lifeline_(std::move(lifeline)) {}
  ~DockerInstance() override {
    try {
      stop();
    } catch (...) {  // interrupted: the interrupt hook removes the container
    }
  }

  std::chrono::steady_clock::time_point reload(Millis limit) override {
    LogFile log(paths().error_log);
    log.skip_to_end();
    CommandResult r = run_command({docker_, "kill", "--signal", "HUP", name_}, kDockerLimit);
    const auto sent = std::chrono::steady_clock::now();
    if (!r.ok()) {
      throw HarnessError(
          fmt::format("cannot send HUP to container {}: {}", name_, first_line(r.output)));
    }
    await_reload(log, limit);
    return sent;
  }

  void stop() override {
    if (removed_) return;
    if (cli_.running()) {
      // Graceful, like QUIT to a local nginx: in-flight requests finish and the logs are flushed.
      run_command({docker_, "kill", "--signal", "QUIT", name_}, kDockerLimit);
      cli_.wait_for(Millis(2000));
    }
    remove();
  }

  void abort() override { remove(); }

  std::optional<std::string> exited() override {
    if (cli_.running()) return std::nullopt;
    return describe_container_exit(cli_.exit_status().value_or(-1));
  }

 private:
  // Forceful and idempotent: the container goes even when QUIT did not end it or it had crashed
  // (then --rm has usually removed it already and this finds nothing).
  void remove() {
    if (removed_) return;
    run_command({docker_, "rm", "-f", name_}, kDockerLimit);
    removed_ = true;
    untrack(name_);
    // The attached CLI exits once its container is gone; KILL covers a wedged CLI.
    if (!cli_.wait_for(Millis(2000))) cli_.stop(SIGKILL, Millis(1000));
  }

  std::string docker_;
  std::string name_;
  Child cli_;
  std::unique_ptr<ContainerLifeline> lifeline_;
  bool removed_ = false;
};

// `-v SOURCE:TARGET`; docker splits on ':', so a path holding one cannot be mounted.
std::string mount_spec(const std::filesystem::path& source, const std::filesystem::path& target) {
  if (source.string().find(':') != std::string::npos) {
    throw HarnessError(
        fmt::format("{} cannot be bind-mounted into a container (contains ':')", source.string()));
  }
  return fmt::format("{}:{}", source.string(), target.string());
}

class DockerSandbox final : public Sandbox {
 public:
  DockerSandbox(std::string docker, std::string name, const std::filesystem::path& run_dir)
      : docker_(std::move(docker)), name_(std::move(name)), lifeline_(run_dir) {}
  ~DockerSandbox() override {
    netns_ = NetNamespace();
    try {
      run_command({docker_, "rm", "-f", name_}, kDockerLimit);
      untrack(name_);
    } catch (...) {  // interrupted: still tracked, so the interrupt hook removes it
    }
  }
  const NetNamespace& netns() const override { return netns_; }
  const std::string& name() const override { return name_; }
  const ContainerLifeline& lifeline() const { return lifeline_; }
  void join(NetNamespace ns) { netns_ = std::move(ns); }

 private:
  std::string docker_;
  std::string name_;
  ContainerLifeline lifeline_;
  NetNamespace netns_;
};

}  // namespace

std::vector<std::string> remove_containers_of_dead_runs(const std::string& docker) {
  CommandResult r = run_command(
      {docker, "ps", "-a", "--filter", fmt::format("label={}=1", kLabel), "--format",
       fmt::format(R"({{{{.ID}}}} {{{{.Names}}}} {{{{.Label "{}"}}}} {{{{.Label "{}"}}}})",
                   kPidLabel, kStartLabel)},
      kDockerLimit);
  if (!r.ok()) return {};
  std::vector<std::string> argv{docker, "rm", "-f"};
  std::vector<std::string> names, ids;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, name;
    ProcessOwner owner;
    if (!(fields >> id >> name >> owner.pid)) continue;
    fields >> owner.start_time;
    if (!owner_alive(owner)) {
      argv.push_back(id);
      ids.push_back(id);
      names.push_back(name);
    }
  }
  if (names.empty()) return {};
  run_command(argv, kDockerLimit);
  // A container whose lifeline closed when its run died is being removed by its own --rm at the
  // same time: `docker rm` then says "removal ... already in progress" and returns at once, and
  // the container is still listed for a while (CI's kill stage saw it right after `clean`).
  // Wait, bounded, until none of them is listed any more.
  const auto deadline = std::chrono::steady_clock::now() + kDockerLimit;
  for (;;) {
    CommandResult left = run_command(
        {docker, "ps", "-a", "-q", "--filter", fmt::format("label={}=1", kLabel)}, kDockerLimit);
    bool any = false;
    for (const auto& id : ids) any = any || (left.ok() && left.output.find(id) != left.output.npos);
    if (!any) return names;
    if (!left.ok() || std::chrono::steady_clock::now() >= deadline) return {};
    std::this_thread::sleep_for(Millis(50));  // the poll interval of a bounded wait for dockerd
  }
}

DockerLauncher::DockerLauncher(std::string image, const std::string& docker)
    : image_(std::move(image)) {
  docker_ = find_in_path(docker);
  if (docker_.empty()) {
    throw HarnessError(
        fmt::format("docker not found: \"{}\" is not an executable (install docker or use "
                    "the local nginx)",
                    docker));
  }
  if (image_.empty() || image_.starts_with("-")) {  // would be read as an option of `docker run`
    throw HarnessError(fmt::format("invalid image name \"{}\"", image_));
  }
  CommandResult daemon =
      run_command({docker_, "version", "--format", "{{.Server.Version}}"}, kDockerLimit);
  if (!daemon.ok()) {
    throw HarnessError(fmt::format("Docker daemon not reachable: {}",
                                   daemon.status < 0
                                       ? fmt::format("`docker version` did not answer within {}",
                                                     format_duration(kDockerLimit))
                                       : first_line(daemon.output)));
  }
  CommandResult inspect =
      run_command({docker_, "image", "inspect", "--format", "{{.Id}}", image_}, kDockerLimit);
  if (!inspect.ok()) {
    if (inspect.output.find("No such image") != std::string::npos) {
      throw HarnessError(fmt::format(
          "image {} not found locally (pull it or build it with docker/build-nginx-image.sh)",
          image_));
    }
    throw HarnessError(
        fmt::format("cannot inspect image {}: {}", image_, first_line(inspect.output)));
  }
  remove_containers_of_dead_runs(docker_);
  static std::once_flag hook_once;
  std::call_once(hook_once, [] { add_interrupt_hook(remove_live_containers_on_interrupt); });

  // Named and tracked like every other: an interrupt while the daemon creates it removes it too.
  std::string name = fmt::format("badgateway-{}-{}-V", ::getpid(), ++g_counter);
  std::vector<std::string> argv = docker_run({}, name);
  argv.insert(argv.end(), {"nginx", "-V"});
  track(name, docker_);
  CommandResult r =
      run_command(argv, kDockerRunLimit, {}, [&name](const Child& cli) { track_cli(name, cli); });
  if (r.status < 0) run_command({docker_, "rm", "-f", name}, kDockerLimit);
  untrack(name);
  auto v = r.ok() ? NginxVersion::from_banner(r.output) : std::nullopt;
  if (!v) {
    throw HarnessError(fmt::format("nginx -V in image {} did not print a version: {}", image_,
                                   failure_line(r.output)));
  }
  version_ = *v;
  conf_dir_ = conf_dir_from_configure(r.output);
  tls_library_ = tls_library_from_nginx_V(r.output);
}

std::string DockerLauncher::label() const {
  return fmt::format("nginx {} (docker:{})", version_.str(), image_);
}

std::vector<std::string> DockerLauncher::docker_run(const std::filesystem::path& run_dir,
                                                    const std::string& name, const LaunchPaths* own,
                                                    const ContainerLifeline* lifeline) const {
  std::vector<std::string> argv{docker_, "run", "--rm"};
  if (!name.empty()) argv.insert(argv.end(), {"--name", name});
  argv.insert(argv.end(), {"--label", fmt::format("{}=1", kLabel), "--label",
                           fmt::format("{}={}", kPidLabel, this_process_owner().pid), "--label",
                           fmt::format("{}={}", kStartLabel, this_process_owner().start_time)});
  // A scenario is code run as root: the container gets only what nginx needs (README, "Trust
  // boundary").
  argv.insert(argv.end(), {"--cap-drop", "ALL", "--security-opt", "no-new-privileges"});
  for (const char* cap : kNginxCapabilities) argv.insert(argv.end(), {"--cap-add", cap});
  if (own && own->own) {
    if (!own->sandbox) throw HarnessError("an own config needs the launcher's sandbox");
    const OwnConfig& oc = *own->own;
    argv.insert(
        argv.end(),
        {"--network", "container:" + own->sandbox->name(), "-v",
         mount_spec(oc.source, oc.is_directory() ? kOwnConfigMount : kOwnConfigFile) + ":ro", "-v",
         mount_spec(oc.log_dir, "/var/log/nginx"),
         // The run's own /run: the pid file, and the sockets of fakes that stand for the config's
         // unix: upstreams.
         "-v", mount_spec(oc.state_dir / "run", "/run")});
    // After the config's mount: Docker orders nested mounts by their target anyway.
    for (const auto& [source, target] : oc.tls_files) {
      argv.insert(argv.end(), {"-v", mount_spec(source, target) + ":ro"});
    }
  } else {
    // A rendered config's run joins its network of its own (the holder's); without the privilege
    // to make one, nginx shares this machine's loopback.
    argv.insert(argv.end(),
                {"--network",
                 own && own->sandbox ? "container:" + own->sandbox->name() : std::string("host"),
                 // Files nginx creates in the run dir belong to us, as with the local binary; as
                 // root this is root, matching `user root root;`.
                 "--user", fmt::format("{}:{}", ::geteuid(), ::getegid())});
    if (own && own->resolver_files) {
      for (const auto& [target, source] : own->resolver_files->mounts())
        argv.insert(argv.end(), {"-v", mount_spec(source, target) + ":ro"});
    }
  }
  if (!run_dir.empty()) argv.insert(argv.end(), {"-v", mount_spec(run_dir, run_dir)});
  if (lifeline) {
    argv.insert(argv.end(), {"-v", mount_spec(container_init_binary(), kInitInContainer) + ":ro",
                             "--entrypoint", kInitInContainer});
  }
  argv.push_back(image_);
  if (lifeline) argv.push_back(lifeline->path().string());
  return argv;
}

std::vector<std::string> DockerLauncher::nginx_args(const LaunchPaths& paths, bool test) const {
  std::vector<std::string> args{"nginx"};
  auto rest = nginx_arguments(paths, test);
  args.insert(args.end(), rest.begin(), rest.end());
  return args;
}

std::unique_ptr<Sandbox> DockerLauncher::open_sandbox(const LaunchPaths& paths) {
  std::string name = fmt::format("badgateway-{}-{}-net", ::getpid(), ++g_counter);
  // The holder is nginx itself (every nginx image has it) with nothing to serve: no http {}.
  std::filesystem::path conf = paths.run_dir / "holder.conf";
  {
    std::ofstream out(conf);
    out << fmt::format(
        "daemon off;\nmaster_process off;\npid {};\nerror_log {} info;\nevents {{\n    "
        "worker_connections 16;\n}}\n",
        nginx_quote((paths.run_dir / "holder.pid").string()),
        nginx_quote((paths.run_dir / "logs/holder.log").string()));
  }
  std::vector<std::string> argv{
      docker_,        "run",
      "-d",           "--rm",
      "--name",       name,
      "--label",      fmt::format("{}=1", kLabel),
      "--label",      fmt::format("{}={}", kPidLabel, this_process_owner().pid),
      "--label",      fmt::format("{}={}", kStartLabel, this_process_owner().start_time),
      "--network",    "none",
      "--user",       fmt::format("{}:{}", ::geteuid(), ::getegid()),
      "--entrypoint", kInitInContainer,
      "-v",           mount_spec(paths.run_dir, paths.run_dir),
      "-v",           mount_spec(container_init_binary(), kInitInContainer) + ":ro"};
  // The holder only keeps the network namespace alive: no capabilities at all.
  argv.insert(argv.end(), {"--cap-drop", "ALL", "--security-opt", "no-new-privileges"});
  if (paths.own) {
    for (const auto& [host, ip] : paths.own->hosts) {
      if (ip == "127.0.0.1") continue;  // localhost: the image's /etc/hosts has it already
      argv.insert(argv.end(), {"--add-host", fmt::format("{}:{}", host, ip)});
    }
  }
  auto sandbox = std::make_unique<DockerSandbox>(docker_, name, paths.run_dir);
  argv.insert(argv.end(),
              {image_, sandbox->lifeline().path().string(), "nginx", "-c", conf.string()});
  track(name, docker_);
  CommandResult r =
      run_command(argv, kDockerRunLimit, {}, [&name](const Child& cli) { track_cli(name, cli); });
  if (!r.ok()) {
    throw HarnessError(
        fmt::format("cannot start the network holder container: {}",
                    r.status < 0 ? "docker run did not finish" : failure_line(r.output)));
  }
  CommandResult pid =
      run_command({docker_, "inspect", "--format", "{{.State.Pid}}", name}, kDockerLimit);
  pid_t holder = 0;
  try {
    holder = pid.ok() ? static_cast<pid_t>(std::stol(pid.output)) : 0;
  } catch (...) {
  }
  if (holder <= 0) {
    throw HarnessError(fmt::format("network holder container {} is not running: {}", name,
                                   first_line(pid.output)));
  }
  // Needs the daemon on this machine, in our PID namespace: /proc/PID is the container's.
  sandbox->join(NetNamespace::of_process(holder));
  // Docker turns IPv6 off in the namespaces it makes unless the daemon enables it: as in the
  // local launcher's namespaces, ::1 is there (a fresh machine's localhost has both addresses).
  for (const char* key : {"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.lo.disable_ipv6"}) {
    try {
      write_sysctl(sandbox->netns(), key, "0");
    } catch (const HarnessError&) {  // a kernel without IPv6: the namespace stays IPv4-only
    }
  }
  return sandbox;
}

CommandResult DockerLauncher::run_config_test(const LaunchPaths& paths) {
  ContainerLifeline lifeline(paths.run_dir);
  // Named and tracked like nginx's own container: an interrupt while the daemon is still creating
  // it must remove it too.
  std::string name = fmt::format("badgateway-{}-{}-t", ::getpid(), ++g_counter);
  std::vector<std::string> argv = docker_run(paths.run_dir, name, &paths, &lifeline);
  auto args = nginx_args(paths, true);
  argv.insert(argv.end(), args.begin(), args.end());
  track(name, docker_);
  CommandResult r =
      run_command(argv, kDockerRunLimit, {}, [&name](const Child& cli) { track_cli(name, cli); });
  if (r.status < 0) run_command({docker_, "rm", "-f", name}, kDockerLimit);
  untrack(name);
  return r;
}

std::string DockerLauncher::key_line(const std::string& output) const {
  return failure_line(output);
}

std::unique_ptr<NginxInstance> DockerLauncher::spawn(const LaunchPaths& paths,
                                                     const std::filesystem::path& output) {
  std::string name = fmt::format("badgateway-{}-{}", ::getpid(), ++g_counter);
  auto lifeline = std::make_unique<ContainerLifeline>(paths.run_dir);
  std::vector<std::string> argv = docker_run(paths.run_dir, name, &paths, lifeline.get());
  auto args = nginx_args(paths, false);
  argv.insert(argv.end(), args.begin(), args.end());
  // Tracked before the CLI exists: an interrupt while it creates the container still removes it.
  track(name, docker_);
  Child cli;
  try {
    SpawnOptions options;
    options.stdout_file = output;
    cli = Child::spawn(argv, options);
    track_cli(name, cli);
  } catch (...) {
    untrack(name);
    throw;
  }
  return std::make_unique<DockerInstance>(docker_, name, std::move(cli), paths,
                                          std::move(lifeline));
}

}  // namespace badgateway
