#pragma once
// How nginx is started is a detail of the launcher (local binary now, Docker next); the runner
// and the verdicts only see this interface.
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "fakes/core/address.hpp"
#include "fakes/core/units.hpp"
#include "harness/nginx/version.hpp"

namespace badgateway {

// Not a scenario failure: the environment or the config under test is unusable (exit code 2).
class HarnessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The config nginx rejected at `nginx -t`; message is nginx's own.
class ConfigRejected : public HarnessError {
 public:
  using HarnessError::HarnessError;
};

struct LaunchPaths {
  std::filesystem::path run_dir;  // prefix; logs/ and tmp/ inside
  std::filesystem::path config;   // rendered nginx.conf
  std::filesystem::path error_log;
};

class NginxInstance {
 public:
  virtual ~NginxInstance() = default;
  // SIGHUP; returns once new workers run the new config (or throws HarnessError).
  virtual void reload(Millis limit) = 0;
  // Graceful (QUIT) then forceful; bounded. Returns a description when it had crashed.
  virtual void stop() = 0;
  // nullopt while running; otherwise how it ended (e.g. "killed by signal 11").
  virtual std::optional<std::string> exited() = 0;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  virtual std::string label() const = 0;  // column title: "nginx 1.22.1 (local)"
  virtual const NginxVersion& version() const = 0;
  // Runs `nginx -t`; throws ConfigRejected with nginx's message.
  virtual void test_config(const LaunchPaths& paths) = 0;
  // Starts nginx in the foreground and returns once `listen` answers (bounded by `limit`).
  virtual std::unique_ptr<NginxInstance> start(const LaunchPaths& paths,
                                               const fakes::Address& listen, Millis limit) = 0;
};

}  // namespace badgateway
