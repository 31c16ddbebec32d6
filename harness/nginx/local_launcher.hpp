#pragma once
#include <string>
#include <string_view>

#include "harness/nginx/launcher.hpp"
#include "harness/process/child.hpp"

namespace badgateway {

// The nginx binary on this machine (PATH or an explicit path).
class LocalLauncher final : public Launcher {
 public:
  // Throws HarnessError when the binary is missing or `nginx -v` fails.
  explicit LocalLauncher(const std::string& binary = "nginx");

  std::string label() const override;
  const NginxVersion& version() const override { return version_; }
  const std::string& conf_dir() const override { return conf_dir_; }
  std::unique_ptr<Sandbox> open_sandbox(const LaunchPaths& paths) override;
  void test_config(const LaunchPaths& paths) override;
  std::unique_ptr<NginxInstance> start(const LaunchPaths& paths, const fakes::Address& listen,
                                       Millis limit) override;
  const std::string& binary() const { return binary_; }

 private:
  // The command line and namespaces for the rendered config or the user's own.
  std::vector<std::string> nginx_argv(const LaunchPaths& paths, bool test) const;
  SpawnOptions spawn_options(const LaunchPaths& paths) const;

  std::string binary_;
  NginxVersion version_;
  std::string conf_dir_;
};

// True for an error-log line nginx wrote about a readiness probe ("client closed connection while
// waiting for request, client: 127.255.255.254, ..."; see kProbeSource in harness/net/probe.hpp):
// the harness's, not the scenario's.
bool is_probe_log_line(std::string_view line);

}  // namespace badgateway
