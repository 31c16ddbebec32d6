#include "harness/cli/options.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "fakes/behaviours/registry.hpp"
#include "fakes/core/protocol.hpp"

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

CLI::Validator key_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto eq = text.find('=');
        if (eq != std::string::npos && eq > 0) return {};
        return fmt::format("expected KEY=VALUE, got \"{}\"", text);
      },
      "");
}

CLI::Validator one_of(std::vector<std::string> allowed) {
  return CLI::Validator(
      [allowed](std::string& text) -> std::string {
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
  for (const auto& b : fakes::behaviour_table()) {
    out += fmt::format(
        "  {:<20} {:<8} {}\n  {:<29} {}\n", b.name, fakes::to_string(b.protocol), b.summary, "",
        b.parameters.empty() ? "(no parameters)" : fakes::describe_parameters(b.parameters));
  }
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
    "badgateway — reproduce nginx 502/504s against fake upstreams, on demand";
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

  RunArgs run;
  std::string timeout;
  CLI::App* run_app = app.add_subcommand("run", kRunDescription);
  formatter->describe("run", {"badgateway run [PATH...] [options]", "run [PATH...]",
                              "run scenarios (default: the built-in catalog) against nginx"});
  run_app->set_help_flag("-h,--help", "this help");
  run_app
      ->add_option("PATH", run.paths,
                   "a scenario file, or a directory searched for *.toml (repeatable)")
      ->type_name("");
  value(run_app, "-j,--jobs", run.jobs, "N",
        "run N scenarios in parallel (each with its own ports, run dir\nand nginx); 1 to 64, "
        "default 1")
      ->check(integer_in(1, 64));
  value(run_app, "--filter", run.filters, "GLOB",
        "only scenarios whose name matches GLOB (repeatable)");
  value(run_app, "--nginx", run.nginx_specs, "NGINX",
        "nginx to test: a binary path (default: nginx from PATH),\n"
        "docker:IMAGE (a local image, run with host networking), N.N.N\n"
        "(a build made by docker/build-nginx.sh, in $BADGATEWAY_NGINX_CACHE\n"
        "or ${XDG_CACHE_HOME:-~/.cache}/badgateway/nginx) or all (nginx\n"
        "from PATH and every cached build); repeatable: one column per\n"
        "nginx, in version order");
  value(run_app, "--junit", run.junit, "FILE", "write JUnit XML");
  value(run_app, "--json", run.json, "FILE", "write a JSON report");
  run_app->add_flag("--keep", run.keep, "keep run directories (config, logs) for inspection");
  value(run_app, "--timeout", timeout, "DURATION",
        "time limit per scenario, both runs together (default 10m): a\n"
        "scenario whose requests may take longer is rejected; one that\n"
        "overruns is stopped and reported as TIMEOUT")
      ->check(time_limit());
  value(run_app, "--repeat", run.repeat, "N",
        "run each selected scenario N times (1 to 10000), e.g. to catch\n"
        "a flaky one; reports name the runs NAME #1 .. NAME #N")
      ->check(integer_in(1, 10000));
  CLI::Option* shuffle =
      run_app->add_flag("--shuffle", run.shuffle,
                        "run in a random order (with --jobs: start in that order); the\n"
                        "seed is printed first, so that --seed can replay the order");
  std::string seed_text;
  value(run_app, "--seed", seed_text, "S",
        "the order of --shuffle: a seed a previous run printed (default:\n"
        "a random one)")
      ->check(seed())
      ->needs(shuffle);
  run_app->add_flag("--fail-fast", run.fail_fast,
                    "after the first run that does not pass, start no other (those\n"
                    "going finish); the rest are reported as skipped");
  std::string shard_text;
  value(run_app, "--shard", shard_text, "I/N",
        "run shard I of N (e.g. 2/4), for N CI jobs given the same PATHs\n"
        "and --filter: the selected scenarios sorted by name, every Nth\n"
        "from the Ith, each with all its --nginx columns; write each\n"
        "shard's reports to its own files")
      ->check(shard());
  run_app->footer(
      "NO_COLOR disables colour; no colour is used when stdout is not a terminal.\n"
      "A scenario with skip = \"reason\" is reported skipped; if any selected scenario has\n"
      "only = true, only those run (see docs/scenario-format.md).");

  ListArgs list;
  CLI::App* list_app = app.add_subcommand("list", "Lists scenarios: name, cause, description.");
  formatter->describe("list", {"badgateway list [PATH...]", "list [PATH...]",
                               "list scenarios with their cause and description"});
  list_app->set_help_flag("-h,--help", "this help");
  list_app
      ->add_option("PATH", list.paths,
                   "a scenario file or directory (repeatable); default: the catalog")
      ->type_name("");

  ExplainArgs explain_args;
  CLI::App* explain_app = app.add_subcommand(
      "explain",
      "Explains one scenario: the cause, what the fake does, the nginx log line to look for, the\n"
      "directive that matters, and the fix.");
  formatter->describe("explain", {"badgateway explain NAME [PATH...]", "explain NAME",
                                  "explain one scenario in plain words"});
  explain_app->set_help_flag("-h,--help", "this help");
  explain_app->add_option("NAME", explain_args.name, "the scenario's name (see badgateway list)")
      ->type_name("");
  explain_app
      ->add_option("PATH", explain_args.paths,
                   "where to look for it (repeatable); default: the catalog")
      ->type_name("");

  ServeArgs serve;
  std::vector<std::string> settings;
  CLI::App* serve_app = app.add_subcommand(
      "serve",
      "Runs one fake endpoint until interrupted, printing what it receives, so you can put your "
      "own\nnginx in front of it. ADDR is 127.0.0.1:PORT (loopback only) or unix:/path.");
  formatter->describe(
      "serve", {"badgateway serve --listen ADDR --behaviour NAME [--set KEY=VALUE ...]", "serve",
                "run one fake endpoint standalone, for your own nginx"});
  serve_app->set_help_flag("-h,--help", "this help");
  value(serve_app, "--listen", serve.listen, "ADDR",
        "where to listen (default 127.0.0.1:0: the kernel picks a port)");
  value(serve_app, "--behaviour,--behavior", serve.behaviour, "NAME",
        "one of the behaviours below (required)");
  value(serve_app, "--protocol", serve.protocol, "P", "http (default) or fastcgi")
      ->check(one_of({"http", "fastcgi"}));
  value(serve_app, "--set", settings, "KEY=VALUE",
        "a behaviour parameter, e.g. --set latency=500ms (repeatable)")
      ->check(key_value());
  serve_app->footer(serve_footer());

  CLI::App* clean_app = app.add_subcommand("clean", kCleanDescription);
  formatter->describe("clean", {"badgateway clean", "clean",
                                "remove what killed runs left behind (run directories, "
                                "containers)"});
  clean_app->set_help_flag("-h,--help", "this help");

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

  if (run_app->parsed()) {
    reject_leftovers(*run_app, "badgateway run --help");
    if (!timeout.empty()) run.time_limit = *parse_duration(timeout);
    if (!seed_text.empty()) {
      std::uint64_t n = 0;
      std::from_chars(seed_text.data(), seed_text.data() + seed_text.size(), n);
      run.seed = n;
    }
    if (!shard_text.empty()) run.shard = parse_shard(shard_text);
    return run;
  }
  if (list_app->parsed()) {
    reject_leftovers(*list_app, "badgateway list --help");
    return list;
  }
  if (explain_app->parsed()) {
    reject_leftovers(*explain_app, "badgateway explain --help");
    if (explain_args.name.empty())
      throw UsageError("explain needs a scenario name (see badgateway list)");
    return explain_args;
  }
  if (serve_app->parsed()) {
    reject_leftovers(*serve_app, "badgateway serve --help");
    if (serve.behaviour.empty())
      throw UsageError("serve needs --behaviour NAME (see serve --help)");
    for (const auto& kv : settings) {
      auto eq = kv.find('=');
      serve.params.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return serve;
  }
  if (clean_app->parsed()) {
    reject_leftovers(*clean_app, "badgateway clean --help");
    return CleanArgs{};
  }
  return PrintAndExit{app.help(), true};  // only options, no command
}

}  // namespace badgateway
