#pragma once
// nginx from a local Docker image, run so that it behaves like the local binary: host network
// (the fakes on 127.0.0.1 are reachable, nothing leaves the machine) and the run directory
// bind-mounted at the same path (the rendered config's absolute paths work unchanged, and the
// error log is read from the host).
#include <filesystem>
#include <string>
#include <vector>

#include "harness/nginx/launcher.hpp"

namespace badgateway {

class ContainerLifeline;  // docker_launcher.cpp

class DockerLauncher final : public Launcher {
 public:
  // Throws HarnessError (one line, bounded) when `docker` is missing, the daemon does not answer
  // or `image` is not present locally; it never pulls. Also removes containers that killed
  // earlier runs left behind, and arranges for an interrupt to remove this process's containers.
  explicit DockerLauncher(std::string image, const std::string& docker = "docker");

  std::string label() const override;  // "nginx 1.22.1 (docker:badgateway/nginx:local)"
  const NginxVersion& version() const override { return version_; }
  const std::string& conf_dir() const override { return conf_dir_; }
  // A holder container with no network but loopback, and the run's host names (--add-host): the
  // nginx containers join its namespace (and its /etc/hosts), and so do the fakes, through
  // /proc/PID/ns/net.
  std::unique_ptr<Sandbox> open_sandbox(const LaunchPaths& paths) override;

 protected:
  // Both in a container that ends with this process (a lifeline), tracked by name so an
  // interrupt removes it.
  CommandResult run_config_test(const LaunchPaths& paths) override;
  std::unique_ptr<NginxInstance> spawn(const LaunchPaths& paths,
                                       const std::filesystem::path& output) override;
  // docker's own complaint ("docker: Error response from daemon: ...") when nginx said nothing.
  std::string key_line(const std::string& output) const override;

 private:
  // `docker run --rm` with our labels, host network and (unless empty) the run dir mounted. With
  // an own config: the sandbox's network, the config at /etc/nginx, and root inside (the
  // config's `user` directive needs a root master).
  // With a lifeline, the container's PID 1 is badgateway-container-init holding it (the
  // arguments after the image then start with the lifeline's path): the container ends with this
  // process, however it ends.
  std::vector<std::string> docker_run(const std::filesystem::path& run_dir,
                                      const std::string& name = {},
                                      const LaunchPaths* own = nullptr,
                                      const ContainerLifeline* lifeline = nullptr) const;
  // The nginx arguments after the image name.
  std::vector<std::string> nginx_args(const LaunchPaths& paths, bool test) const;

  std::string docker_;  // resolved path of the CLI
  std::string image_;
  NginxVersion version_;
  std::string conf_dir_;
};

// `docker rm -f` of every container labelled org.badgateway=1 whose org.badgateway.pid is no
// longer the process that created it (a run killed with SIGKILL cannot clean up after itself).
// Best effort and bounded; a daemon that does not answer is reported by the constructor instead.
// Returns the names of the containers removed.
std::vector<std::string> remove_containers_of_dead_runs(const std::string& docker = "docker");

}  // namespace badgateway
