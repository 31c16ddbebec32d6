#pragma once
// The command line, read with CLI11 into one plain struct per command, so that the commands get
// checked values and the parsing is unit-tested without running anything. Unknown options, bad
// and missing values are UsageErrors: one line, exit 2, never ignored.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "harness/input/vary.hpp"
#include "harness/run/plan.hpp"
#include "harness/scenario/time_limit.hpp"

namespace badgateway {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunArgs {
  std::vector<std::string> paths;        // empty: the built-in catalog
  std::vector<std::string> filters;      // globs; empty: every scenario
  std::vector<std::string> nginx_specs;  // empty: nginx from PATH
  std::string junit, json, html, tap;    // empty: not written
  int jobs = 1;
  bool keep = false;
  Millis time_limit = kDefaultScenarioTimeLimit;
  int repeat = 1;
  bool shuffle = false;
  std::optional<std::uint64_t> seed;  // with shuffle; none: a random one
  bool fail_fast = false;
  std::optional<Shard> shard;
  // Live metrics (harness/metrics): empty strings are off.
  std::string metrics_listen;    // --metrics-listen 127.0.0.1:PORT
  std::string metrics_textfile;  // --metrics-textfile FILE
  std::string graphite;          // --graphite HOST:PORT
  std::string graphite_prefix = "badgateway";
};

struct ListArgs {
  std::vector<std::string> paths;
};

struct CheckArgs {
  std::vector<std::string> paths;
};

struct DiagnoseArgs {
  std::vector<std::string> logs;       // nginx error logs; "-" is standard input
  std::vector<std::string> scenarios;  // where the linked scenarios come from (default catalog)
  std::string access_log;              // "" for none
  std::string log_format;              // a format string, a name in config's files, or ""
  std::string config;                  // the user's nginx config, or ""
  std::string write;                   // where --write puts scenarios, or ""
  std::vector<std::pair<std::string, std::string>> hosts;  // --host NAME=ADDR
};

struct ExplainArgs {
  std::string name;
  std::vector<std::string> paths;
};

struct ServeArgs {
  std::string listen = "127.0.0.1:0";
  std::string behaviour;
  std::string protocol = "http";
  std::vector<std::pair<std::string, std::string>> params;  // --set KEY=VALUE, in order
  // A unix socket's mode. 0666 by default: nginx's workers run as another user (www-data), and
  // a socket left to the umask (0755) refuses them, so that every behaviour would answer 502.
  unsigned socket_mode = 0666;
  // --listen-beyond-loopback: --listen may name any IP address (a container published with -p).
  // Without it a non-loopback address is a usage error: test traffic stays on this machine.
  bool listen_beyond_loopback = false;
  // --quiet: no line per event (a benchmark's fake, like nginx with access_log off); the
  // start and stop lines stay.
  bool quiet = false;
  // --tls DIR: speak TLS, with the run's certificates written to DIR (made, must not exist);
  // --tls-config: the settings of a scenario's `tls = { ... }` table, inside the braces.
  std::string tls_dir;
  std::string tls_config;
};

// `load URL`: the traffic generator on its own, at full speed (issue 15).
struct LoadArgs {
  std::string url;      // http://LOOPBACK-IP:PORT/PATH
  int connections = 1;  // closed loop: clients, each on its own connection
  Millis duration{10'000};
  std::optional<double> rate;  // open loop: requests per second instead of --connections
  bool keepalive = false;
  std::string method = "GET";
  Millis timeout{5000};  // per request
};

struct CleanArgs {};

// `sweep SCENARIO --vary NAME=v1,v2,...` (issue 13): the scenario's [nginx] phase once per value.
struct SweepArgs {
  std::string path;  // a scenario file
  VaryAxis vary;
  std::string nginx = "nginx";  // one nginx, as run --nginx takes it
  std::string html, json;       // empty: not written
  bool keep = false;
  Millis time_limit = kDefaultScenarioTimeLimit;  // per value
};

// --help, --version or no command at all: print `text` and exit, 0 on stdout, or 2 on stderr
// when `error` (a bare `badgateway` is a usage error, as it always was).
struct PrintAndExit {
  std::string text;
  bool error = false;
};

using CommandLine = std::variant<PrintAndExit, RunArgs, ListArgs, CheckArgs, DiagnoseArgs,
                                 ExplainArgs, ServeArgs, CleanArgs, LoadArgs, SweepArgs>;

// `args` is argv without the program name. Throws UsageError with a one-line message.
CommandLine parse_command_line(const std::vector<std::string>& args);

}  // namespace badgateway
