#pragma once
// A real PHP-FPM pool (Debian's php-fpm) as an upstream: the harness writes the pool config and
// the script into the run directory, runs the master in the foreground (-F) as its own child,
// and can kill it. Used where fidelity matters: the fake FastCGI fakes are checked against it.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/core/params.hpp"
#include "fakes/core/protocol.hpp"
#include "harness/net/netns.hpp"
#include "harness/process/child.hpp"

namespace badgateway {

// The scenario's `behaviour = "php_fpm"` parameters, validated at load time like a fake's.
struct PhpFpmSpec {
  std::string script = "<?php echo \"hello from php-fpm\\n\";";
  int max_children = 2;  // pm = static, pm.max_children
  int backlog = 511;     // listen.backlog
  Millis request_terminate_timeout{0};
  // [global] process_control_timeout: how long the master lets workers finish their requests on
  // a graceful stop (SIGQUIT) or reload (SIGUSR2) before it kills them; 0 (PHP-FPM's default):
  // no wait. Whole seconds.
  Millis process_control_timeout{0};
  std::string listen_mode = "0660";  // listen.mode
  std::string listen_owner;          // listen.owner (default: the user running badgateway)
  bool start = true;                 // false: the socket is never created (FPM not running)
  std::string kill;                  // "" | "master" | "all": SIGKILL before the requests
  // "pinned": badgateway's php.ini (Debian's production defaults, no extensions beyond those
  // compiled in, the system's conf.d not read); "system": the machine's own php.ini and conf.d.
  std::string php_ini = "pinned";
  // Shared extensions to load ("opcache", "pdo"), from `extensions = "opcache, pdo"`.
  std::vector<std::string> extensions;

  // Throws fakes::ParamError naming the key.
  static PhpFpmSpec from_params(fakes::Params& params);
};

inline constexpr const char* kPhpFpmBehaviour = "php_fpm";
// A fake that asks for the real PHP-FPM instead: `protocol = "fastcgi"`, `behaviour = "php_fpm"`.
inline bool is_php_fpm(fakes::Protocol protocol, std::string_view behaviour) {
  return protocol == fakes::Protocol::fastcgi && behaviour == kPhpFpmBehaviour;
}
// Its parameters, documented like a fake behaviour's.
inline constexpr fakes::ParamInfo kPhpFpmParameters[] = {
    {"script", "", "TEXT"},
    {"max_children", "2"},
    {"backlog", "511"},
    {"request_terminate_timeout", "0ms"},
    {"process_control_timeout", "0ms"},
    {"listen_mode", "0660"},
    {"listen_owner", "", "USER"},
    {"start", "true"},
    {"kill", "", "master|all"},
    {"php_ini", "pinned", "pinned|system"},
    {"extensions", "", "NAMES"},
};

class PhpFpm {
 public:
  // Throws std::runtime_error when php-fpm is not installed.
  PhpFpm(PhpFpmSpec spec, const std::string& name, const std::filesystem::path& run_dir,
         fakes::Address where);
  ~PhpFpm();
  PhpFpm(const PhpFpm&) = delete;
  PhpFpm& operator=(const PhpFpm&) = delete;

  // Starts (unless spec.start is false) and waits until the socket accepts; applies spec.kill.
  // With `netns`, the pool lives in that network namespace (a run testing an own config).
  void start(Millis limit, const NetNamespace* netns = nullptr);
  void stop();
  const fakes::Address& address() const { return where_; }

  // A scenario's timeline actions on the running pool (issue 13). Each returns the steady-clock
  // time its signal went out (or the pool listened again), once it took effect, and throws
  // HarnessError when that did not happen by `deadline`.
  using TimePoint = std::chrono::steady_clock::time_point;
  // SIGQUIT to the master (a graceful stop: workers finish their requests within
  // process_control_timeout); returns once the pool is gone. Nothing runs afterwards.
  TimePoint quit(TimePoint deadline);
  // Starts the pool again after quit() or kill(), in the network namespace of the first start;
  // returns when its socket accepts.
  TimePoint restart(TimePoint deadline);
  // SIGKILL, like the OOM killer: "all" the pool (returns once every process is gone), "master"
  // only (its workers stay, orphaned, and keep the socket), "workers" (every worker; the master
  // starts new ones) or "worker" (the one with the lowest pid).
  TimePoint kill(std::string_view process, TimePoint deadline);
  // SIGUSR2 to the master: a graceful reload (PHP-FPM's own: workers are told to finish within
  // process_control_timeout, then the master re-executes itself, keeping its socket); returns
  // once it logged that it is ready to handle connections again.
  TimePoint reload(TimePoint deadline);
  // Requests php-fpm logged in its access log (read after stop()).
  std::uint64_t requests_served() const;
  static std::string find_binary();

 private:
  void write_files();
  // Runs the master and waits until its socket accepts; throws std::runtime_error past deadline.
  void spawn_and_wait(std::chrono::steady_clock::time_point deadline);
  PhpFpmSpec spec_;
  std::string name_;
  std::filesystem::path dir_;
  fakes::Address where_;
  std::string binary_;
  std::optional<Child> master_;
  const NetNamespace* netns_ = nullptr;  // where start() ran it
};

}  // namespace badgateway
