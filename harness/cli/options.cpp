#include "harness/cli/options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "fakes/base/address.hpp"
#include "fakes/behaviours/registry.hpp"
#include "fakes/core/protocol.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/scenario/timeline_reader.hpp"

namespace badgateway {
namespace {

// How each command is shown: its usage line (hand-written: CLI11 would print "[OPTIONS]" and
// hide which options a command cannot do without) and its line in `badgateway --help`.
struct CommandText {
  std::string usage;     // after "usage: "
  std::string synopsis;  // "run [PATH...]", in the list of commands
  std::string summary;
};

// CLI11's layout with our usage lines and labels, usage first (as man pages and git do), and the
// commands listed with their arguments.
class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter() {
    column_width(24);
    label("Positionals", "arguments");
  }

  void describe(const std::string& command, CommandText text) { text_[command] = std::move(text); }

  std::string make_usage(const CLI::App* app, std::string name) const override {
    auto it = text_.find(app->get_name());
    return fmt::format("usage: {}\n", it != text_.end() ? it->second.usage : name);
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    auto it = text_.find(sub->get_name());
    std::ostringstream out;
    CLI::detail::format_help(out, it != text_.end() ? it->second.synopsis : sub->get_name(),
                             it != text_.end() ? it->second.summary : sub->get_description(),
                             get_column_width());
    return out.str();
  }

  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    std::string out = make_usage(app, name);
    if (!app->get_description().empty()) out += "\n" + app->get_description() + "\n";
    out += make_positionals(app);
    out += make_groups(app, mode);
    out += make_subcommands(app, mode);
    if (!app->get_footer().empty()) out += "\n" + app->get_footer() + "\n";
    return out;
  }

 private:
  std::map<std::string, CommandText> text_;
};

// Validators see the text before CLI11 converts it, so the message can quote what was given.
// CLI11 prefixes the option's name: "--jobs: expected an integer in [1, 64], got "0"".
CLI::Validator integer_in(int min, int max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        int n = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc{} && ptr == text.data() + text.size() && n >= min && n <= max)
          return {};
        return fmt::format("expected an integer in [{}, {}], got \"{}\"", min, max, text);
      },
      "");
}

CLI::Validator time_limit() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto d = parse_duration(text);
        if (d && d->count() > 0 && *d <= kMaxScenarioTimeLimit) return {};
        return fmt::format(
            "expected a duration such as \"90s\" or \"10m\" (at most 24h), got \"{}\"", text);
      },
      "");
}

CLI::Validator seed() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t n = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (!text.empty() && ec == std::errc{} && ptr == text.data() + text.size()) return {};
        return fmt::format("expected a whole number from 0 to {}, got \"{}\"", UINT64_MAX, text);
      },
      "");
}

CLI::Validator shard() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::string error;
        return parse_shard(text, &error) ? std::string() : error;
      },
      "");
}

// --metrics-listen: a loopback address and port, as `serve --listen` takes it (no unix socket:
// Prometheus scrapes TCP).
CLI::Validator loopback_tcp() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::string error;
        auto a = fakes::Address::parse(text, &error);
        if (a && a->kind == fakes::Address::Kind::tcp) return {};
        return fmt::format(
            "expected a loopback address and port such as 127.0.0.1:9464, got "
            "\"{}\"{}",
            text, error.empty() ? "" : " (" + error + ")");
      },
      "");
}

// --graphite: an IP address and port (Graphite may well be on another machine; no host names:
// a DNS lookup would have no deadline).
CLI::Validator ip_and_port() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto a = fakes::Address::parse_any_ip(text);
        if (a && a->kind == fakes::Address::Kind::tcp && a->port != 0) return {};
        return fmt::format("expected an IP address and port such as 127.0.0.1:2003, got \"{}\"",
                           text);
      },
      "");
}

// --graphite-prefix: dotted nodes of letters, digits, '_' and '-' (what graphite_node keeps).
CLI::Validator graphite_prefix() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        bool ok = !text.empty() && text.front() != '.' && text.back() != '.' &&
                  text.find("..") == std::string::npos;
        for (char c : text) {
          ok = ok &&
               (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
        }
        if (ok) return {};
        return fmt::format(
            "expected dotted names of letters, digits, '_' and '-' such as ci.badgateway, got "
            "\"{}\"",
            text);
      },
      "");
}

CLI::Validator key_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto eq = text.find('=');
        if (eq != std::string::npos && eq > 0) return {};
        return fmt::format("expected KEY=VALUE, got \"{}\"", text);
      },
      "");
}

// A file mode in octal as chmod(1) takes it, three digits with an optional leading 0: "0660",
// "660". Special bits (setuid, sticky) mean nothing on a socket and are refused.
std::optional<unsigned> parse_socket_mode(const std::string& text) {
  std::string_view digits = text;
  if (digits.size() == 4 && digits.front() == '0') digits.remove_prefix(1);
  unsigned mode = 0;
  if (digits.size() != 3) return std::nullopt;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), mode, 8);
  if (ec != std::errc{} || ptr != digits.data() + digits.size()) return std::nullopt;
  return mode;
}

CLI::Validator socket_mode() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (parse_socket_mode(text)) return {};
        return fmt::format("expected an octal mode such as 0660 or 0666, got \"{}\"", text);
      },
      "");
}

CLI::Validator one_of(std::vector<std::string> allowed) {
  return CLI::Validator(
      [allowed = std::move(allowed)](std::string& text) -> std::string {
        if (std::find(allowed.begin(), allowed.end(), text) != allowed.end()) return {};
        return fmt::format("expected {}, got \"{}\"", fmt::join(allowed, " or "), text);
      },
      "");
}

// Every option takes exactly one value per occurrence: `--filter 'a*' scenarios/` must not read
// the path as a second filter (CLI11's default for a vector). A single-valued option given twice
// keeps the last, as the hand-written parser did, so a script can append an override.
template <typename T>
CLI::Option* value(CLI::App* app, const std::string& names, T& into, const std::string& text,
                   const std::string& help) {
  CLI::Option* o = app->add_option(names, into, help)->option_text(text);
  o->allow_extra_args(false);
  return o;
}

std::string serve_footer() {
  std::string out = "behaviours:\n";
  auto entry = [&out](std::string_view name, fakes::Protocol protocol, std::string_view summary,
                      std::string_view parameters) {
    out += fmt::format("  {:<20} {:<8} {}\n  {:<29} {}\n", name, fakes::to_string(protocol),
                       summary, "", parameters);
  };
  for (const auto& b : fakes::behaviour_table()) {
    entry(b.name, b.protocol, b.summary,
          b.parameters.empty() ? "(no parameters)" : fakes::describe_parameters(b.parameters));
  }
  // Scenarios accept it, so a reader of this list would look for it: listed, with why it is not
  // served here (a real pool is a php-fpm child with its own config and run directory, which only
  // a scenario run sets up and cleans away).
  entry(kPhpFpmBehaviour, fakes::Protocol::fastcgi,
        "a real PHP-FPM pool: scenarios only (behaviour = \"php_fpm\"); serve cannot run one",
        "start php-fpm yourself, or serve a FastCGI fake above");
  out.pop_back();  // the formatter ends the footer
  return out;
}

// CLI11 says "--jobs: 1 required N missing"; the old parser's words were plainer.
std::string explain(const CLI::ParseError& e) {
  std::string what = e.what();
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && what.ends_with(" missing")) {
    if (auto colon = what.find(": "); colon != std::string::npos)
      return what.substr(0, colon) + " needs a value";
  }
  return what;
}

// Arguments CLI11 left over (allow_extras): reported by us, naming the first one.
void reject_leftovers(const CLI::App& app, const std::string& help_hint) {
  for (const auto& arg : app.remaining()) {
    if (arg == "--") continue;  // CLI11 keeps the separator itself among the extras
    if (arg.starts_with("-") && arg != "-") {
      throw UsageError(
          fmt::format("unknown option \"{}\" (try {})", arg.substr(0, arg.find('=')), help_hint));
    }
    throw UsageError(fmt::format("unexpected argument \"{}\" (try {})", arg, help_hint));
  }
}

constexpr const char* kTopDescription =
    "Reproduces nginx 502/504s against fake upstreams, on demand.";
constexpr const char* kTopFooter =
    "exit codes: 0 all passed, 1 a scenario failed, 2 usage, config or environment error";

constexpr const char* kRunDescription =
    R"(Runs each scenario twice against a real nginx: the broken config (the fault must show) and the
fix (it must recover). PATH is a scenario file or a directory; default: the built-in catalog.)";

constexpr const char* kCleanDescription =
    R"(Removes what runs that were killed (SIGKILL, a CI timeout) left behind and could not remove
themselves: run directories and temporary files under $TMPDIR (else /tmp), and Docker containers
labelled org.badgateway. Only those of badgateway processes that are gone (pid and start time);
anything of a run still going, and directories kept with --keep, stay. Prints what it removed.
`run` does the same when it starts. Processes, mounts, namespaces and sockets of a killed run need
no cleaning: the kernel ends them with it.)";

// A subcommand with its usage lines, its help flag and what it is for.
CLI::App* add_command(CLI::App& app, HelpFormatter& formatter, const std::string& name,
                      const std::string& description, CommandText text) {
  CLI::App* command = app.add_subcommand(name, description);
  formatter.describe(name, std::move(text));
  command->set_help_flag("-h,--help", "this help");
  return command;
}

// Each command's options, bound to the members they fill: declare() before parsing, finish()
// after, when the command was given. Not moved in between (CLI11 holds references).
struct RunCommand {
  CLI::App* app = nullptr;
  RunArgs args;
  std::string timeout, seed, shard;

  void declare(CLI::App& parent, HelpFormatter& formatter) {
    app = add_command(parent, formatter, "run", kRunDescription,
                      {"badgateway run [PATH...] [options]", "run [PATH...]",
                       "run scenarios (default: the built-in catalog) against nginx"});
    app->add_option("PATH", args.paths,
                    "a scenario file, or a directory searched for *.toml (repeatable)")
        ->type_name("");
    value(app, "-j,--jobs", args.jobs, "N",
          "run N scenarios in parallel (each with its own ports, run dir\nand nginx); 1 to 64, "
          "default 1")
        ->check(integer_in(1, 64));
    value(app, "--filter", args.filters, "GLOB",
          "only scenarios whose name matches GLOB (repeatable)");
    value(app, "--nginx", args.nginx_specs, "NGINX",
          "nginx to test: a binary path (default: nginx from PATH),\n"
          "docker:IMAGE (a local image, run with host networking), N.N.N\n"
          "(a build made by docker/build-nginx.sh, in $BADGATEWAY_NGINX_CACHE\n"
          "or ${XDG_CACHE_HOME:-~/.cache}/badgateway/nginx) or all (nginx\n"
          "from PATH and every cached build); repeatable: one column per\n"
          "nginx, in version order");
    value(app, "--junit", args.junit, "FILE", "write JUnit XML (- : standard output)");
    value(app, "--json", args.json, "FILE", "write a JSON report (- : standard output)");
    value(app, "--html", args.html, "FILE",
          "write an HTML report: one self-contained file with the\n"
          "summary, each scenario's config change, fakes, checks, error\n"
          "log and timeline charts (- : standard output)");
    value(app, "--tap", args.tap, "FILE", "write TAP version 13, for prove (- : standard output)");
    app->add_flag("--keep", args.keep,
                  "keep run directories (config, logs) for inspection;\nthe summary lists them");
    value(app, "--timeout", timeout, "DURATION",
          "time limit per scenario, both runs together (default 10m): a\n"
          "scenario whose requests may take longer is rejected; one that\n"
          "overruns is stopped and reported as TIMEOUT")
        ->check(time_limit());
    declare_modes();
    declare_metrics();
    app->footer(
        "NO_COLOR disables colour; no colour is used when stdout is not a terminal.\n"
        "A scenario with skip = \"reason\" is reported skipped; if any selected scenario has\n"
        "only = true, only those run (see docs/scenario-format.md).");
  }

  // --repeat, --shuffle, --seed, --fail-fast, --shard.
  void declare_modes() {
    value(app, "--repeat", args.repeat, "N",
          "run each selected scenario N times (1 to 10000), e.g. to catch\n"
          "a flaky one; reports name the runs NAME #1 .. NAME #N")
        ->check(integer_in(1, 10000));
    CLI::Option* shuffle =
        app->add_flag("--shuffle", args.shuffle,
                      "run in a random order (with --jobs: start in that order); the\n"
                      "seed is printed first, so that --seed can replay the order");
    value(app, "--seed", seed, "S",
          "the order of --shuffle: a seed a previous run printed (default:\n"
          "a random one)")
        ->check(badgateway::seed())
        ->needs(shuffle);
    app->add_flag("--fail-fast", args.fail_fast,
                  "after the first run that does not pass, start no other (those\n"
                  "going finish); the rest are reported as skipped");
    value(app, "--shard", shard, "I/N",
          "run shard I of N (e.g. 2/4), for N CI jobs given the same PATHs\n"
          "and --filter: the selected scenarios sorted by name, every Nth\n"
          "from the Ith, each with all its --nginx columns; write each\n"
          "shard's reports to its own files")
        ->check(badgateway::shard());
  }

  // Live metrics (docs/metrics.md).
  void declare_metrics() {
    value(app, "--metrics-listen", args.metrics_listen, "ADDR",
          "while the run goes on, serve Prometheus metrics at\n"
          "http://ADDR/metrics (a loopback address, 127.0.0.1:PORT; port 0:\n"
          "the kernel's, printed on standard error)")
        ->check(loopback_tcp());
    value(app, "--metrics-textfile", args.metrics_textfile, "FILE",
          "write the final metrics there in Prometheus' text format\n"
          "(node_exporter's textfile collector reads it)");
    value(app, "--graphite", args.graphite, "HOST:PORT",
          "send metrics every second to Graphite (plaintext protocol,\n"
          "an IP address such as 127.0.0.1:2003)")
        ->check(ip_and_port());
    value(app, "--graphite-prefix", args.graphite_prefix, "PREFIX",
          "the first nodes of every Graphite path (default badgateway)")
        ->check(graphite_prefix());
  }

  RunArgs finish() {
    reject_leftovers(*app, "badgateway run --help");
    if (!timeout.empty()) args.time_limit = *parse_duration(timeout);
    if (!seed.empty()) {
      std::uint64_t n = 0;
      std::from_chars(seed.data(), seed.data() + seed.size(), n);
      args.seed = n;
    }
    if (!shard.empty()) args.shard = parse_shard(shard);
    return args;
  }
};

// A command whose only arguments are scenario paths (list, check).
template <typename Args>
struct PathsCommand {
  CLI::App* app = nullptr;
  Args args;
  std::string name;

  void declare(CLI::App& parent, HelpFormatter& formatter, const std::string& command,
               const std::string& description, const CommandText& help) {
    name = command;
    app = add_command(parent, formatter, command, description, help);
    app->add_option("PATH", args.paths,
                    "a scenario file or directory (repeatable); default: the catalog")
        ->type_name("");
  }
  Args finish() {
    reject_leftovers(*app, "badgateway " + name + " --help");
    return args;
  }
};

struct DiagnoseCommand {
  CLI::App* app = nullptr;
  DiagnoseArgs args;
  std::vector<std::string> hosts;

  void declare(CLI::App& parent, HelpFormatter& formatter) {
    app = add_command(
        parent, formatter, "diagnose",
        "Reads nginx error logs (any version; - is standard input) and groups the lines about\n"
        "upstreams by nginx's message: each group with its count, first and last time, a rate\n"
        "over time, the upstreams, what nginx was doing, the cause in plain words, the\n"
        "directives that matter and the scenarios that reproduce it. Other lines are counted\n"
        "and listed, never dropped. With --access-log, what the clients got and who made the\n"
        "5xx; with --write, one runnable scenario per group (with --config, your own config\n"
        "with fakes standing for its upstreams).",
        {"badgateway diagnose ERROR_LOG... [--access-log FILE] [--config DIR] [--write DIR]",
         "diagnose LOG...",
         "explain a production error log and name the scenarios that reproduce it"});
    app->add_option("ERROR_LOG", args.logs, "an nginx error log (repeatable; - : standard input)")
        ->type_name("")
        ->required();
    value(app, "--scenarios", args.scenarios, "PATH",
          "scenarios to link groups to (repeatable; default: the catalog)");
    value(app, "--access-log", args.access_log, "FILE",
          "the access log of the same time (statuses, and with $upstream_status who made the "
          "5xx)");
    value(app, "--log-format", args.log_format, "FORMAT",
          "the access log's log_format: the format string, or its name in --config's files "
          "(default: the one --config's access_log uses, else combined)");
    value(app, "--config", args.config, "DIR",
          "your nginx config (a directory with nginx.conf, or the file): --write builds on it");
    value(app, "--write", args.write, "DIR", "write one runnable scenario per group into DIR");
    value(app, "--host", hosts, "NAME=ADDR",
          "the config's upstream NAME is ADDR in the log (repeatable; ADDR: IP or IP:PORT)");
  }
  DiagnoseArgs finish() {
    reject_leftovers(*app, "badgateway diagnose --help");
    for (const std::string& h : hosts) {
      auto eq = h.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == h.size())
        throw UsageError(fmt::format("--host {}: expected NAME=ADDR (app=10.0.0.5)", h));
      args.hosts.emplace_back(h.substr(0, eq), h.substr(eq + 1));
    }
    if (!args.config.empty() && args.write.empty() && args.access_log.empty())
      throw UsageError("--config is for --write or --access-log: give one of them");
    if (!args.hosts.empty() && args.config.empty())
      throw UsageError("--host maps log addresses to --config's host names: give --config");
    if (!args.log_format.empty() && args.access_log.empty())
      throw UsageError("--log-format is the format of --access-log: give --access-log");
    return args;
  }
};

struct ExplainCommand {
  CLI::App* app = nullptr;
  ExplainArgs args;

  void declare(CLI::App& parent, HelpFormatter& formatter) {
    app = add_command(
        parent, formatter, "explain",
        "Explains one scenario: the cause, what the fake does, the nginx log line to look for, "
        "the\ndirective that matters, and the fix.",
        {"badgateway explain NAME [PATH...]", "explain NAME",
         "explain one scenario in plain words"});
    app->add_option("NAME", args.name, "the scenario's name (see badgateway list)")->type_name("");
    app->add_option("PATH", args.paths, "where to look for it (repeatable); default: the catalog")
        ->type_name("");
  }
  ExplainArgs finish() {
    reject_leftovers(*app, "badgateway explain --help");
    if (args.name.empty()) throw UsageError("explain needs a scenario name (see badgateway list)");
    return args;
  }
};

struct ServeCommand {
  CLI::App* app = nullptr;
  ServeArgs args;
  std::vector<std::string> settings;
  std::string socket_mode;

  void declare(CLI::App& parent, HelpFormatter& formatter) {
    app = add_command(
        parent, formatter, "serve",
        "Runs one fake endpoint until interrupted, printing what it receives (each event with "
        "its local\ntime, to the millisecond), so you can put your own nginx in front of it. "
        "ADDR is a loopback\naddress (127.0.0.1:PORT, [::1]:PORT), localhost:PORT (both of "
        "them, one port: nginx tries\nboth) or unix:/path (mode 0666 unless --socket-mode); "
        "any IP address only with\n--listen-beyond-loopback.",
        {"badgateway serve --listen ADDR --behaviour NAME [--set KEY=VALUE ...]", "serve",
         "run one fake endpoint standalone, for your own nginx"});
    value(app, "--listen", args.listen, "ADDR",
          "where to listen (default 127.0.0.1:0: the kernel picks a port)");
    app->add_flag("--listen-beyond-loopback", args.listen_beyond_loopback,
                  "let --listen take any IP address (0.0.0.0:PORT, [::]:PORT, an\n"
                  "interface's), e.g. in a container published with docker run -p");
    app->add_flag("--quiet", args.quiet,
                  "print no line per event (connections, requests): for benchmarks,\n"
                  "where printing would cost more than serving");
    value(app, "--socket-mode", socket_mode, "MODE",
          "a unix socket's mode, in octal (default 0666: nginx's workers,\n"
          "as www-data, can connect); e.g. 0660 with a shared group")
        ->check(badgateway::socket_mode());
    value(app, "--behaviour,--behavior", args.behaviour, "NAME",
          "one of the behaviours below (required)");
    value(app, "--protocol", args.protocol, "P", "http (default) or fastcgi")
        ->check(one_of({"http", "fastcgi"}));
    value(app, "--set", settings, "KEY=VALUE",
          "a behaviour parameter, e.g. --set latency=500ms (repeatable)")
        ->check(key_value());
    value(app, "--tls", args.tls_dir, "DIR",
          "speak TLS (HTTP only); the CA, client certificate and the fake's\n"
          "certificate are written to DIR (created; it must not exist)");
    value(app, "--tls-config", args.tls_config, "SETTINGS",
          "with --tls: a scenario's tls table, inside its braces, e.g.\n"
          "'names = [\"app.internal\"], sni = \"required\"'");
    app->footer(serve_footer());
  }
  ServeArgs finish() {
    reject_leftovers(*app, "badgateway serve --help");
    if (args.behaviour.empty()) throw UsageError("serve needs --behaviour NAME (see serve --help)");
    if (!socket_mode.empty()) {
      // Accepted and ignored, it would leave a user wondering why the mode did not change.
      if (!args.listen.starts_with("unix:"))
        throw UsageError("--socket-mode: only for a unix socket (--listen unix:/path)");
      args.socket_mode = *parse_socket_mode(socket_mode);
    }
    for (const auto& kv : settings) {
      auto eq = kv.find('=');
      args.params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return args;
  }
};

constexpr const char* kSweepDescription =
    R"(Runs SCENARIO's phase as [nginx] writes it (not its [fix]) once per value of --vary, one
after the other, each value filling the placeholder {{vary.NAME}} in the snippets, and prints a
table per value: the status mix, p50 and p99 latency and the mean upstream attempts per request
(from the access log: an $upstream_status entry per attempt). An own config (nginx.config) is
tested unchanged and cannot be swept. Exit 0 when every value ran, 2 for bad input, an
environment error or a value nginx rejects. See docs/timeout-tuning.md.)";

struct SweepCommand {
  CLI::App* app = nullptr;
  SweepArgs args;
  std::vector<std::string> vary;
  std::string timeout;

  void declare(CLI::App& parent, HelpFormatter& formatter) {
    app = add_command(parent, formatter, "sweep", kSweepDescription,
                      {"badgateway sweep SCENARIO --vary 'NAME=v1,v2,...' [--html FILE] "
                       "[--json FILE]",
                       "sweep SCENARIO", "run a scenario once per value of a setting: a table"});
    app->add_option("SCENARIO", args.path, "a scenario file whose snippets hold {{vary.NAME}}")
        ->type_name("");
    value(app, "--vary", vary, "NAME=V1,V2,...",
          "the values of {{vary.NAME}}, one run each, in this order\n"
          "(e.g. 'read_timeout=100ms,250ms,1s'); no ; { } quotes # or \\");
    value(app, "--nginx", args.nginx, "NGINX",
          "the nginx to run (as run --nginx; default: PATH's)");
    value(app, "--html", args.html, "FILE",
          "write an HTML page with the table and a chart per value");
    value(app, "--json", args.json, "FILE", "write the table as JSON");
    app->add_flag("--keep", args.keep, "keep run directories (config, logs) for inspection");
    value(app, "--timeout", timeout, "DURATION", "time limit per value (default 10m)")
        ->check(time_limit());
  }
  SweepArgs finish() {
    reject_leftovers(*app, "badgateway sweep --help");
    if (args.path.empty()) throw UsageError("sweep needs a SCENARIO file (see sweep --help)");
    if (vary.empty()) throw UsageError("sweep needs --vary 'NAME=v1,v2,...' (see sweep --help)");
    if (vary.size() > 1) throw UsageError("sweep takes one --vary (a grid is not supported)");
    try {
      args.vary = parse_vary(vary.front());
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    if (!timeout.empty()) args.time_limit = *parse_duration(timeout);
    if (!args.html.empty() && args.html == args.json)
      throw UsageError("--html and --json name the same file");
    return args;
  }
};

struct LoadCommand {
  CLI::App* app = nullptr;
  LoadArgs args;
  std::string duration, rate, timeout;

  void declare(CLI::App& parent, HelpFormatter& formatter) {
    app = add_command(
        parent, formatter, "load",
        "Sends requests to URL as fast as it answers, with N connections each sending back to\n"
        "back (closed loop), or at a fixed rate (open loop, latency from each request's\n"
        "intended send time), for a duration; then prints requests per second, statuses,\n"
        "outcomes and latency percentiles. URL is http:// and a loopback address: test traffic\n"
        "stays on this machine.",
        {"badgateway load URL [--connections N | --rate R] [--duration D] [--keepalive]",
         "load URL", "the load generator alone: requests/s and latency percentiles"});
    app->add_option("URL", args.url, "http://127.0.0.1:PORT/PATH (or [::1])")->type_name("");
    value(app, "-c,--connections", args.connections, "N",
          "closed loop: N clients, each sending its next request when its\n"
          "last one ended (default 1; 1 to 10000)")
        ->check(integer_in(1, 10'000));
    value(app, "-d,--duration", duration, "D", "how long to send (default 10s)")
        ->check(time_limit());
    value(app, "-r,--rate", rate, "R",
          "open loop: R requests per second (\"5000/s\", or a bare number),\n"
          "whatever the earlier ones are doing");
    app->add_flag("-k,--keepalive", args.keepalive,
                  "keep connections open (HTTP/1.1 keep-alive); default: a new\n"
                  "connection per request");
    value(app, "-m,--method", args.method, "METHOD", "the request method (default GET)");
    value(app, "--timeout", timeout, "D", "per request, connecting included (default 5s)")
        ->check(time_limit());
  }
  LoadArgs finish() {
    reject_leftovers(*app, "badgateway load --help");
    if (args.url.empty()) throw UsageError("load needs a URL (see load --help)");
    if (!duration.empty()) args.duration = *parse_duration(duration);
    if (!timeout.empty()) args.timeout = *parse_duration(timeout);
    if (!rate.empty()) {
      std::string text = rate.find('/') == std::string::npos ? rate + "/s" : rate;
      auto r = parse_rate(text);
      if (!r || *r <= 0 || *r > 1e6) {
        throw UsageError(fmt::format(
            "--rate: expected requests per second, more than 0 and at most 1000000, got \"{}\"",
            rate));
      }
      if (app->count("--connections") > 0) {
        throw UsageError("--rate and --connections: give one (open loop or closed loop)");
      }
      args.rate = *r;
    }
    return args;
  }
};

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args) {
  auto formatter = std::make_shared<HelpFormatter>();
  CLI::App app(kTopDescription, "badgateway");
  // Set before the commands are added: they inherit the formatter, the option group, the help
  // flag and allow_extras.
  app.formatter(formatter);
  app.option_defaults()->group("options")->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_help_flag("-h,--help", "help (also: badgateway <command> --help)");
  app.allow_extras();
  formatter->describe("badgateway", {"badgateway <command> [options]", "", ""});
  bool version = false;
  app.add_flag("--version", version, "print the version");
  RunCommand run;
  run.declare(app, *formatter);
  PathsCommand<ListArgs> list;
  list.declare(app, *formatter, "list", "Lists scenarios: name, cause, description.",
               {"badgateway list [PATH...]", "list [PATH...]",
                "list scenarios with their cause and description"});
  PathsCommand<CheckArgs> check;
  check.declare(
      app, *formatter, "check",
      "Checks scenario files without running anything: one line per error (file:line:column:\n"
      "field: what is wrong), in file order, then a summary. A file's parts (header, [fakes],\n"
      "[nginx], [[requests]], [expect], [fix]) are checked on their own, each up to its first\n"
      "error; a part that depends on one with an error is named as not checked yet. Exit 0\n"
      "when all are valid, 2 otherwise.",
      {"badgateway check [PATH...]", "check [PATH...]",
       "check scenario files without running them"});
  DiagnoseCommand diagnose;
  diagnose.declare(app, *formatter);
  ExplainCommand explain_command;
  explain_command.declare(app, *formatter);
  ServeCommand serve;
  serve.declare(app, *formatter);
  LoadCommand load;
  load.declare(app, *formatter);
  SweepCommand sweep;
  sweep.declare(app, *formatter);
  CLI::App* clean = add_command(app, *formatter, "clean", kCleanDescription,
                                {"badgateway clean", "clean",
                                 "remove what killed runs left behind (run directories, "
                                 "containers)"});
  // After the commands: they would inherit it.
  app.footer(kTopFooter);
  for (CLI::App* command : app.get_subcommands({})) command->group("commands");

  if (args.empty()) return PrintAndExit{app.help(), true};
  if (args.size() == 1 && args[0] == "help") return PrintAndExit{app.help()};
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // what CLI11 wants
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return PrintAndExit{app.help()};  // the help of the command given, if any
  } catch (const CLI::ParseError& e) {
    throw UsageError(explain(e));
  }
  if (version) return PrintAndExit{fmt::format("badgateway {}\n", BADGATEWAY_VERSION)};
  for (const auto& arg : app.remaining()) {
    if (arg.starts_with("-")) reject_leftovers(app, "--help");
    throw UsageError(fmt::format("unknown command \"{}\" (try --help)", arg));
  }
  if (run.app->parsed()) return run.finish();
  if (list.app->parsed()) return list.finish();
  if (check.app->parsed()) return check.finish();
  if (diagnose.app->parsed()) return diagnose.finish();
  if (explain_command.app->parsed()) return explain_command.finish();
  if (serve.app->parsed()) return serve.finish();
  if (load.app->parsed()) return load.finish();
  if (sweep.app->parsed()) return sweep.finish();
  if (clean->parsed()) {
    reject_leftovers(*clean, "badgateway clean --help");
    return CleanArgs{};
  }
  return PrintAndExit{app.help(), true};  // only options, no command
}

}  // namespace badgateway
