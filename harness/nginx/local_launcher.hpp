#pragma once
#include <functional>
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

// Resolves a program name through PATH; empty when not found.
std::string find_in_path(const std::string& name);

// Waits until something accepts TCP connections on `a`, or `limit` passes, or `alive` says the
// process died. Returns true when it answered. Probes of an IPv4 loopback address come from
// kProbeSource, so the lines nginx logs about them can be told from the scenario's.
bool wait_until_listening(const fakes::Address& a, Millis limit,
                          const std::function<bool()>& alive);

// The probe's source address: a loopback address nothing else here uses (an own config's host
// names get 127.0.0.2 upwards).
inline constexpr const char* kProbeSource = "127.255.255.254";

// True for an error-log line nginx wrote about a readiness probe ("client closed connection while
// waiting for request, client: 127.255.255.254, ..."): the harness's, not the scenario's.
bool is_probe_log_line(std::string_view line);

}  // namespace badgateway
