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
      : NginxInstance(std::move(paths)), child_(std::move(child)) {}
  ~LocalInstance() override { stop(); }

  std::chrono::steady_clock::time_point reload(Millis limit) override {
    LogFile log(paths().error_log);
    log.skip_to_end();
    child_.signal(SIGHUP);
    const auto sent = std::chrono::steady_clock::now();
    await_reload(log, limit);
    return sent;
  }

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

  void abort() override { child_.stop(SIGKILL, Millis(1000)); }

 private:
  Child child_;
};

}  // namespace

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
  tls_library_ = tls_library_from_nginx_V(r.output);
}

std::string LocalLauncher::label() const {
  return fmt::format("nginx {} (local)", version_.str());
}

namespace {

class LocalSandbox final : public Sandbox {
 public:
  LocalSandbox() : netns_(NetNamespace::create()) {}
  const NetNamespace& netns() const override { return netns_; }
  const std::string& name() const override { return name_; }

 private:
  NetNamespace netns_;
  std::string name_ = "a private network namespace";
};

}  // namespace

std::unique_ptr<Sandbox> LocalLauncher::open_sandbox(const LaunchPaths& paths) {
  // An own config is mounted over the machine's /etc/nginx, in nginx's mount namespace only; a
  // mount needs its target to exist.
  if (paths.own && !std::filesystem::is_directory(kOwnConfigMount)) {
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
  if (paths.resolver_files) {
    for (const auto& [target, source] : paths.resolver_files->mounts()) {
      // A mount needs its target: a file this machine lacks keeps glibc's default anyway.
      std::error_code ec;
      if (std::filesystem::is_regular_file(target, ec))
        options.mounts.push_back({source, target, true});
    }
  }
  if (paths.own) {
    auto own = local_mounts(*paths.own);
    options.mounts.insert(options.mounts.end(), own.begin(), own.end());
  }
  if (paths.sandbox) options.netns_fd = paths.sandbox->netns().fd();
  return options;
}

CommandResult LocalLauncher::run_config_test(const LaunchPaths& paths) {
  return run_command(nginx_argv(paths, true), Millis(10'000), spawn_options(paths));
}

std::unique_ptr<NginxInstance> LocalLauncher::spawn(const LaunchPaths& paths,
                                                    const std::filesystem::path& output) {
  SpawnOptions options = spawn_options(paths);
  options.stdout_file = output;
  return std::make_unique<LocalInstance>(Child::spawn(nginx_argv(paths, false), options), paths);
}

}  // namespace badgateway
