#include "harness/nginx/local_launcher.hpp"

#include <poll.h>

#include <csignal>
#include <fstream>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>

#include "harness/net/probe.hpp"
#include "harness/nginx/config.hpp"
#include "harness/nginx/nginx_cache.hpp"
#include "harness/nginx/nginx_output.hpp"
#include "harness/nginx/own_config.hpp"
#include "harness/observe/log_file.hpp"
#include "harness/process/child.hpp"
#include "harness/process/find_in_path.hpp"

namespace badgateway {
namespace {

class LocalInstance final : public NginxInstance {
 public:
  LocalInstance(Child child, LaunchPaths paths)
      : child_(std::move(child)), paths_(std::move(paths)) {}
  ~LocalInstance() override { stop(); }

  void stop() override {
    if (!child_.running()) return;
    child_.signal(SIGQUIT);  // graceful: finish in-flight requests
    if (child_.wait_for(Millis(1500))) return;
    child_.stop(SIGTERM, Millis(1000));  // fast shutdown, then KILL of the whole group
  }

  std::optional<std::string> exited() override {
    if (child_.running()) return std::nullopt;
    return describe_wait_status(child_.exit_status().value_or(-1));
  }

 private:
  Child child_;
  LaunchPaths paths_;
};

}  // namespace

bool is_probe_log_line(std::string_view line) {
  static const std::string marker = fmt::format("client: {},", kProbeSource);
  return line.find(marker) != std::string_view::npos;
}

LocalLauncher::LocalLauncher(const std::string& binary) {
  binary_ = find_in_path(binary);
  if (binary_.empty()) {
    throw HarnessError(
        fmt::format("nginx not found: \"{}\" is not an executable (install nginx or pass "
                    "--nginx PATH)",
                    binary));
  }
  CommandResult r = run_command({binary_, "-V"}, Millis(5000));
  auto v = r.ok() ? NginxVersion::from_banner(r.output) : std::nullopt;
  if (!v)
    throw HarnessError(
        fmt::format("{} -V did not print a version: {}", binary_, nginx_key_line(r.output)));
  version_ = *v;
  conf_dir_ = conf_dir_from_configure(r.output);
}

std::string LocalLauncher::label() const {
  return fmt::format("nginx {} (local)", version_.str());
}

namespace {

class LocalSandbox final : public Sandbox {
 public:
  LocalSandbox() : netns_(NetNamespace::create()) {}
  const NetNamespace& netns() const override { return netns_; }

 private:
  NetNamespace netns_;
};

}  // namespace

std::unique_ptr<Sandbox> LocalLauncher::open_sandbox(const LaunchPaths&) {
  // The config is mounted over the machine's /etc/nginx, in nginx's mount namespace only; a
  // mount needs its target to exist.
  if (!std::filesystem::is_directory(kOwnConfigMount)) {
    throw HarnessError(
        fmt::format("testing an own config with the local nginx mounts it at {}, "
                    "which this machine does not have (create it, or use --nginx "
                    "docker:IMAGE)",
                    kOwnConfigMount));
  }
  return std::make_unique<LocalSandbox>();
}

std::vector<std::string> LocalLauncher::nginx_argv(const LaunchPaths& paths, bool test) const {
  std::vector<std::string> argv{binary_};
  auto args = nginx_arguments(paths, test);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

SpawnOptions LocalLauncher::spawn_options(const LaunchPaths& paths) const {
  SpawnOptions options;
  if (paths.own) {
    options.mounts = local_mounts(*paths.own);
    if (paths.sandbox) options.netns_fd = paths.sandbox->netns().fd();
  }
  return options;
}

void LocalLauncher::test_config(const LaunchPaths& paths) {
  CommandResult r = run_command(nginx_argv(paths, true), Millis(10'000), spawn_options(paths));
  if (!r.ok())
    throw ConfigRejected(fmt::format("nginx -t rejected the config: {}",
                                     with_host_paths(paths, nginx_key_line(r.output))));
}

std::unique_ptr<NginxInstance> LocalLauncher::start(const LaunchPaths& paths,
                                                    const fakes::Address& listen, Millis limit) {
  std::filesystem::path stderr_file = paths.run_dir / "logs/nginx.stderr";
  SpawnOptions options = spawn_options(paths);
  options.stdout_file = stderr_file;
  Child child = Child::spawn(nginx_argv(paths, false), options);
  LogFile log(paths.error_log);
  if (auto failed = await_nginx_start(log, paths, listen, limit, [&] { return child.running(); })) {
    if (failed->why.empty()) failed->why = describe_wait_status(child.exit_status().value_or(-1));
    child.stop(SIGKILL, Millis(1000));
    throw_start_failure(
        fmt::format("nginx failed to start: {}: {}", failed->why,
                    with_host_paths(paths, !failed->emerg.empty()
                                               ? failed->emerg
                                               : nginx_key_line(read_whole_file(stderr_file)))));
  }
  return std::make_unique<LocalInstance>(std::move(child), paths);
}

}  // namespace badgateway
