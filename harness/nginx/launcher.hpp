#pragma once
// How nginx is started is a detail of the launcher (local binary, Docker); the runner
// and the verdicts only see this interface.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"
#include "harness/error.hpp"
#include "harness/net/netns.hpp"
#include "harness/net/resolver_files.hpp"
#include "harness/nginx/tls_library.hpp"
#include "harness/nginx/version.hpp"
#include "harness/process/child.hpp"

namespace badgateway {

// The config nginx rejected at `nginx -t`; message is nginx's own. Thrown by launchers only (and
// the runner, which rewrites its lines), so it stays with them.
class ConfigRejected : public HarnessError {
 public:
  explicit ConfigRejected(const std::string& what, std::vector<std::string> output = {})
      : HarnessError(what), output(std::move(output)) {}
  std::vector<std::string> output;  // every line `nginx -t` printed, with the user's own paths
};

// nginx passed `nginx -t` but did not come up (an open() or bind() only the real start makes,
// an exit during start). Thrown by start() with what nginx printed and logged; PortInUse is the
// one failure a new attempt may cure.
class StartFailed : public HarnessError {
 public:
  explicit StartFailed(const std::string& what, std::vector<std::string> output = {})
      : HarnessError(what), output(std::move(output)) {}
  std::vector<std::string> output;  // nginx's start output, then its error log's lines
};

// nginx could not bind a listen address (EADDRINUSE): another process took the port between
// pick_free_port() and nginx's bind() (a new attempt with a new port may pass), or a scenario's
// program holds it on purpose (expect.nginx = "fails_to_start").
class PortInUse : public StartFailed {
 public:
  using StartFailed::StartFailed;
};

// A user's own config, tested unchanged: it is mounted at /etc/nginx, its upstream host names
// resolve to the fakes' loopback addresses, and nginx runs in a private network namespace.
struct OwnConfig {
  std::filesystem::path source;              // the user's directory (or single nginx.conf)
  std::map<std::string, std::string> hosts;  // host name -> 127.0.0.N
  std::filesystem::path hosts_file;          // the /etc/hosts nginx sees (local mode)
  std::filesystem::path log_dir;             // mounted at /var/log/nginx
  std::filesystem::path state_dir;           // run/ is nginx's /run (and the fakes' sockets);
                                             // lib/, cache/: /var/lib/nginx, ... (local mode)
  bool config_sets_daemon = false;           // the file says `daemon off;`: -g must not repeat it
  // nginx.tls_files: the run's certificate files (source, in RUN_DIR/tls) over the paths the
  // config reads them from (target), read-only.
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> tls_files;

  bool is_directory() const { return std::filesystem::is_directory(source); }
  // nginx's -g: the harness's error log (readiness, verdicts) and the foreground.
  std::string global_directives(const std::filesystem::path& error_log) const;
  // nginx's message with the mounted paths (/etc/nginx/conf.d/x.conf:12) turned back into the
  // user's files, which are what they edit.
  std::string on_host(std::string message) const;
};

inline constexpr const char* kOwnConfigMount = "/etc/nginx";
inline constexpr const char* kOwnConfigFile = "/etc/nginx/nginx.conf";

// The network namespace a run lives in: fakes bind there, nginx listens there, requests go there.
// The launcher that opened it knows it by name(): a Docker holder container's name, which its
// nginx containers join.
class Sandbox {
 public:
  virtual ~Sandbox() = default;
  virtual const NetNamespace& netns() const = 0;
  virtual const std::string& name() const = 0;
};

struct LaunchPaths {
  std::filesystem::path run_dir;  // prefix; logs/ and tmp/ inside
  std::filesystem::path config;   // rendered nginx.conf (own config: kOwnConfigFile)
  std::filesystem::path error_log;
  const OwnConfig* own = nullptr;    // set: the user's config instead of a rendered one
  const Sandbox* sandbox = nullptr;  // set with `own`, and for a run with a network of its own
  // With `sandbox` (not an own config in Docker): the /etc files nginx resolves names with.
  const ResolverFiles* resolver_files = nullptr;
  // An own config's error_log files (as this machine sees them) that the verdicts read besides
  // `error_log`.
  std::vector<std::filesystem::path> own_error_logs{};
};

// What nginx logged in a run, without the lines about the launcher's readiness probe.
struct NginxLogs {
  std::vector<std::string> error_log;   // `error_log`, then an own config's own error logs
  std::vector<std::string> access_log;  // the rendered frame's access log, in the line format
                                        // harness/observe/access_log.hpp parses
};

// One nginx that a launcher started. A launcher implements it with how it ends nginx and how it
// tells whether nginx still runs; logs() reads the run's files on this machine, which a launcher
// whose nginx writes its logs elsewhere (a pod, later) overrides.
class NginxInstance {
 public:
  explicit NginxInstance(LaunchPaths paths) : paths_(std::move(paths)) {}
  virtual ~NginxInstance() = default;
  // Ends nginx, QUIT first so in-flight requests finish and the logs are flushed: read the logs
  // after it. Bounded: locally QUIT, 1.5 s, then TERM, 1 s, then KILL of all it left; with Docker
  // `docker kill --signal QUIT`, 2 s, then `docker rm -f` (each docker command at most 15 s).
  // Idempotent, and no signal for an nginx that already ended. Returns and records nothing, so a
  // crash is exited()'s to tell, asked before stop(): after it, a running nginx has ended by
  // stop()'s own signal. Docker's may throw std::runtime_error while an interrupt is ending every
  // child process (the interrupt's cleanup removes the container).
  virtual void stop() = 0;
  // SIGHUP: nginx reads its config file again (which the caller may have rewritten), starts new
  // workers with it and tells the old ones to finish their requests and exit (within
  // worker_shutdown_timeout, when set). Returns the steady-clock time the signal went out, once
  // new workers run the new config (see await_reload in nginx_output.hpp). Throws HarnessError
  // when that did not happen within `limit`, ConfigRejected when nginx refused the new config
  // (it keeps running the old one).
  virtual std::chrono::steady_clock::time_point reload(Millis limit) = 0;
  // nullopt while running; otherwise how it ended (e.g. "killed by signal 11").
  virtual std::optional<std::string> exited() = 0;
  // Ends an nginx whose start failed, at once (KILL; a container removed): nothing to flush.
  virtual void abort() = 0;
  // Read after stop(): what nginx logged in this run.
  virtual NginxLogs logs() const;

 protected:
  const LaunchPaths& paths() const { return paths_; }

 private:
  LaunchPaths paths_;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  virtual std::string label() const = 0;  // column title: "nginx 1.22.1 (local)"
  virtual const NginxVersion& version() const = 0;
  // The TLS library this nginx runs with, from the same `nginx -V` as version() (read once, when
  // the launcher is made): what `[[expect.versions]] openssl = "RANGE"` matches.
  const TlsLibrary& tls_library() const { return tls_library_; }
  // nginx's own config directory, where its fastcgi_params and mime.types are (from `nginx -V`;
  // /etc/nginx for Debian's package): what `{{nginx.conf_dir}}` expands to.
  virtual const std::string& conf_dir() const = 0;
  // The private network namespace for a run of paths.own, or one whose scenario needs a network
  // of its own (a Docker launcher backs it with a container so its nginx can join). Throws
  // HarnessError.
  virtual std::unique_ptr<Sandbox> open_sandbox(const LaunchPaths& paths) = 0;
  // Whether every run gets a network of its own when this process may make one, not only the
  // runs whose scenario needs one: results then stop depending on this machine's network and
  // /etc files. Both launchers do; Docker pays a holder container per phase for it (about 0.7 s,
  // docs/scenario-format.md, Network).
  virtual bool isolates_every_run() const { return true; }
  // Runs `nginx -t`; throws ConfigRejected with nginx's message (its paths the user's own files
  // for an own config), HarnessError when the test could not run to an end.
  void test_config(const LaunchPaths& paths);
  // Starts nginx in the foreground and returns once it is up (await_nginx_start in
  // nginx_output.hpp, bounded by `limit`). Throws PortInUse when nginx could not bind `listen`
  // at once, StartFailed for any other failure nginx printed, with nginx's own line.
  std::unique_ptr<NginxInstance> start(const LaunchPaths& paths, const fakes::Address& listen,
                                       Millis limit);

 protected:
  // What a launcher implements: `nginx -t`'s wait status and output, its status -1 when it did
  // not finish (bounded); and nginx started, its output going to the file `output`.
  virtual CommandResult run_config_test(const LaunchPaths& paths) = 0;
  virtual std::unique_ptr<NginxInstance> spawn(const LaunchPaths& paths,
                                               const std::filesystem::path& output) = 0;
  // The telling line of that output: nginx_key_line(), unless the launcher's own tool has
  // something to say first (docker's "Error response from daemon").
  virtual std::string key_line(const std::string& output) const;

  TlsLibrary tls_library_;  // set by the subclass's constructor
};

// True for an error-log line nginx wrote about a readiness probe ("client closed connection while
// waiting for request, client: 127.255.255.254, ..."; see kProbeSource in harness/net/probe.hpp):
// the harness's, not the scenario's.
bool is_probe_log_line(std::string_view line);

}  // namespace badgateway
