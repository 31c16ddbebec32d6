#pragma once
#include <string>

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
  const std::string& binary() const { return binary_; }

 protected:
  CommandResult run_config_test(const LaunchPaths& paths) override;
  std::unique_ptr<NginxInstance> spawn(const LaunchPaths& paths,
                                       const std::filesystem::path& output) override;

 private:
  // The command line and namespaces for the rendered config or the user's own.
  std::vector<std::string> nginx_argv(const LaunchPaths& paths, bool test) const;
  SpawnOptions spawn_options(const LaunchPaths& paths) const;

  std::string binary_;
  NginxVersion version_;
  std::string conf_dir_;
};

}  // namespace badgateway
