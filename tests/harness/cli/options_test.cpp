#include "harness/cli/options.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace bg = badgateway;

namespace {

template <typename T>
T parse_as(std::vector<std::string> args) {
  bg::CommandLine c = bg::parse_command_line(args);
  REQUIRE(std::holds_alternative<T>(c));
  return std::get<T>(c);
}

std::string usage_error(std::vector<std::string> args) {
  try {
    bg::parse_command_line(args);
  } catch (const bg::UsageError& e) {
    return e.what();
  }
  FAIL("no UsageError");
  return {};
}

std::string help(std::vector<std::string> args) {
  auto p = parse_as<bg::PrintAndExit>(std::move(args));
  CHECK_FALSE(p.error);
  return p.text;
}

}  // namespace

TEST_SUITE("options") {
  TEST_CASE("run: values, repeatable options and paths") {
    auto a = parse_as<bg::RunArgs>({"run", "--jobs", "4", "--filter", "up*", "scenarios/a.toml",
                                    "--filter=down*", "--nginx", "/usr/sbin/nginx", "--keep",
                                    "--json", "r.json", "--junit=r.xml", "dir"});
    CHECK(a.jobs == 4);
    CHECK(a.filters == std::vector<std::string>{"up*", "down*"});
    // One value per occurrence: the path after --filter is a path, not a second filter.
    CHECK(a.paths == std::vector<std::string>{"scenarios/a.toml", "dir"});
    CHECK(a.nginx_specs == std::vector<std::string>{"/usr/sbin/nginx"});
    CHECK(a.keep);
    CHECK(a.json == "r.json");
    CHECK(a.junit == "r.xml");
    CHECK(a.time_limit == bg::kDefaultScenarioTimeLimit);
  }

  TEST_CASE("run: --html and --tap") {
    auto a = parse_as<bg::RunArgs>({"run", "--html", "r.html", "--tap=r.tap"});
    CHECK(a.html == "r.html");
    CHECK(a.tap == "r.tap");
    CHECK(parse_as<bg::RunArgs>({"run"}).html.empty());
    CHECK(usage_error({"run", "--tap"}) == "--tap needs a value");
  }

  TEST_CASE("run: defaults, -j, --name=value split at the first '='") {
    auto a = parse_as<bg::RunArgs>({"run"});
    CHECK(a.jobs == 1);
    CHECK(a.paths.empty());
    CHECK_FALSE(a.keep);
    CHECK(parse_as<bg::RunArgs>({"run", "-j", "3"}).jobs == 3);
    CHECK(parse_as<bg::RunArgs>({"run", "-j2"}).jobs == 2);
    CHECK(parse_as<bg::RunArgs>({"run", "--filter=a=b"}).filters ==
          std::vector<std::string>{"a=b"});
    // Given twice, the last wins (a script may append an override).
    CHECK(parse_as<bg::RunArgs>({"run", "--jobs", "2", "--jobs", "5"}).jobs == 5);
    CHECK(parse_as<bg::RunArgs>({"run", "--timeout", "90s"}).time_limit == bg::Millis(90000));
  }

  TEST_CASE("integers must be whole and in range, with the old message") {
    CHECK(usage_error({"run", "--jobs", "0"}) ==
          "--jobs: expected an integer in [1, 64], got \"0\"");
    for (const char* bad : {"65", "-1", "4x", "x4", "", "99999999999999999999", " 4", "0x4"}) {
      CAPTURE(bad);
      CHECK(usage_error({"run", "--jobs", bad}).starts_with("--jobs: expected an integer"));
    }
  }

  TEST_CASE("a missing value names the option") {
    CHECK(usage_error({"run", "--jobs"}) == "--jobs needs a value");
    CHECK(usage_error({"run", "--json"}) == "--json needs a value");
    CHECK(usage_error({"serve", "--behaviour"}) == "--behaviour needs a value");
  }

  TEST_CASE("unknown options and arguments are errors naming them") {
    CHECK(usage_error({"run", "--colour=always"}) ==
          "unknown option \"--colour\" (try badgateway run --help)");
    CHECK(usage_error({"list", "-x"}) == "unknown option \"-x\" (try badgateway list --help)");
    CHECK(usage_error({"clean", "extra"}) ==
          "unexpected argument \"extra\" (try badgateway clean --help)");
    CHECK(usage_error({"frobnicate"}) == "unknown command \"frobnicate\" (try --help)");
    CHECK(usage_error({"--frobnicate"}) == "unknown option \"--frobnicate\" (try --help)");
  }

  TEST_CASE("--timeout takes a duration with a unit, at most 24h") {
    const std::string want =
        "--timeout: expected a duration such as \"90s\" or \"10m\" (at most 24h), got ";
    CHECK(usage_error({"run", "--timeout", "banana"}) == want + "\"banana\"");
    CHECK(usage_error({"run", "--timeout", "90"}) == want + "\"90\"");
    CHECK(usage_error({"run", "--timeout", "0s"}) == want + "\"0s\"");
    CHECK(usage_error({"run", "--timeout", "25h"}) == want + "\"25h\"");
    CHECK(parse_as<bg::RunArgs>({"run", "--timeout", "1440m"}).time_limit ==
          bg::kMaxScenarioTimeLimit);
  }

  TEST_CASE("list and explain take positionals") {
    CHECK(parse_as<bg::ListArgs>({"list", "a", "b"}).paths == std::vector<std::string>{"a", "b"});
    auto e = parse_as<bg::ExplainArgs>({"explain", "upstream-stalls", "dir"});
    CHECK(e.name == "upstream-stalls");
    CHECK(e.paths == std::vector<std::string>{"dir"});
    CHECK(usage_error({"explain"}) == "explain needs a scenario name (see badgateway list)");
  }

  TEST_CASE("serve") {
    auto s = parse_as<bg::ServeArgs>({"serve", "--behavior", "status", "--set", "code=503", "--set",
                                      "body=a=b", "--protocol", "fastcgi"});
    CHECK(s.behaviour == "status");
    CHECK(s.protocol == "fastcgi");
    CHECK(s.listen == "127.0.0.1:0");
    REQUIRE(s.params.size() == 2);
    CHECK(s.params[0] == std::pair<std::string, std::string>{"code", "503"});
    CHECK(s.params[1] == std::pair<std::string, std::string>{"body", "a=b"});
    CHECK(usage_error({"serve"}) == "serve needs --behaviour NAME (see serve --help)");
    CHECK(usage_error({"serve", "--behaviour", "ok", "--set", "x"}) ==
          "--set: expected KEY=VALUE, got \"x\"");
    CHECK(usage_error({"serve", "--behaviour", "ok", "--set", "=1"}) ==
          "--set: expected KEY=VALUE, got \"=1\"");
    CHECK(usage_error({"serve", "--behaviour", "ok", "--protocol", "gopher"}) ==
          "--protocol: expected http or fastcgi, got \"gopher\"");
  }

  // Issue 16 §2: a serve in a container is reached through -p only if it listens beyond
  // loopback, which it must be told by name (serve_command.cpp refuses the address otherwise).
  TEST_CASE("serve --listen-beyond-loopback: off by default, a flag") {
    CHECK_FALSE(parse_as<bg::ServeArgs>({"serve", "--behaviour", "ok"}).listen_beyond_loopback);
    auto s = parse_as<bg::ServeArgs>(
        {"serve", "--behaviour", "ok", "--listen", "0.0.0.0:8080", "--listen-beyond-loopback"});
    CHECK(s.listen_beyond_loopback);
    CHECK(s.listen == "0.0.0.0:8080");
    CHECK(usage_error({"serve", "--behaviour", "ok", "--listen-beyond-loopback=maybe"})
              .find("--listen-beyond-loopback") != std::string::npos);
  }

  // Issue 16 §3: a socket left to the umask (0755) refused nginx's www-data workers.
  TEST_CASE("serve --socket-mode: octal, 0666 by default, unix sockets only") {
    CHECK(parse_as<bg::ServeArgs>({"serve", "--behaviour", "ok"}).socket_mode == 0666);
    auto unix_socket = [](const char* mode) {
      return parse_as<bg::ServeArgs>({"serve", "--behaviour", "ok", "--listen", "unix:/tmp/a.sock",
                                      "--socket-mode", mode})
          .socket_mode;
    };
    CHECK(unix_socket("0660") == 0660);
    CHECK(unix_socket("640") == 0640);
    CHECK(unix_socket("0000") == 0);
    for (const char* bad : {"999", "0668", "66", "06666", "7777", "0x1b6", "rw-rw-rw-", "", "-660",
                            " 660", "0o660"}) {
      CAPTURE(bad);
      CHECK(usage_error({"serve", "--behaviour", "ok", "--listen", "unix:/tmp/a.sock",
                         "--socket-mode", bad}) ==
            fmt::format("--socket-mode: expected an octal mode such as 0660 or 0666, got \"{}\"",
                        bad));
    }
    CHECK(usage_error({"serve", "--behaviour", "ok", "--socket-mode", "0660"}) ==
          "--socket-mode: only for a unix socket (--listen unix:/path)");
    CHECK(usage_error({"serve", "--behaviour", "ok", "--listen", "127.0.0.1:0", "--socket-mode",
                       "0660"}) == "--socket-mode: only for a unix socket (--listen unix:/path)");
  }

  TEST_CASE("help, version, and no command at all") {
    auto none = parse_as<bg::PrintAndExit>({});
    CHECK(none.error);
    CHECK(none.text.starts_with("usage: badgateway <command> [options]\n"));
    for (const auto& args : std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"help"}}) {
      std::string top = help(args);
      CHECK(top == none.text);
      for (const char* want : {"run [PATH...]", "explain NAME", "serve", "clean", "--version",
                               "exit codes: 0 all passed, 1 a scenario failed"}) {
        CHECK_MESSAGE(top.find(want) != std::string::npos, want);
      }
    }
    CHECK(help({"--version"}) == std::string("badgateway ") + BADGATEWAY_VERSION + "\n");
  }

  TEST_CASE("every command's --help keeps its usage line and descriptions") {
    std::string run = help({"run", "--help"});
    CHECK(run.starts_with("usage: badgateway run [PATH...] [options]\n"));
    for (const char* want :
         {"Runs each scenario twice against a real nginx", "--jobs N", "--filter GLOB",
          "--nginx NGINX", "docker/build-nginx.sh", "$BADGATEWAY_NGINX_CACHE", "--junit FILE",
          "--json FILE", "--keep", "--timeout DURATION", "reported as TIMEOUT", "NO_COLOR"}) {
      CHECK_MESSAGE(run.find(want) != std::string::npos, want);
    }
    CHECK(help({"run", "-h"}) == run);
    CHECK(help({"list", "--help"}).starts_with("usage: badgateway list [PATH...]\n"));
    std::string explain = help({"explain", "--help"});
    CHECK(explain.starts_with("usage: badgateway explain NAME [PATH...]\n"));
    CHECK(explain.find("directive that matters") != std::string::npos);
    std::string serve = help({"serve", "--help"});
    CHECK(serve.starts_with(
        "usage: badgateway serve --listen ADDR --behaviour NAME [--set KEY=VALUE ...]\n"));
    for (const char* want :
         {"--listen ADDR", "--protocol P", "--set KEY=VALUE", "--socket-mode MODE",
          "--listen-beyond-loopback", "localhost:PORT", "behaviours:", "keepalive_race", "php"}) {
      CHECK_MESSAGE(serve.find(want) != std::string::npos, want);
    }
    // Scenarios accept behaviour = "php_fpm": serve's list names it and says serve cannot run it,
    // rather than leave the reader to wonder where it went.
    auto php_fpm = serve.find("\n  php_fpm ");
    REQUIRE(php_fpm != std::string::npos);
    CHECK(serve.find("serve cannot run one", php_fpm) != std::string::npos);
    std::string clean = help({"clean", "--help"});
    CHECK(clean.starts_with("usage: badgateway clean\n"));
    CHECK(clean.find("org.badgateway") != std::string::npos);
  }

  TEST_CASE("run modes: --repeat, --shuffle --seed, --fail-fast, --shard") {
    auto plain = parse_as<bg::RunArgs>({"run"});
    CHECK(plain.repeat == 1);
    CHECK_FALSE(plain.shuffle);
    CHECK_FALSE(plain.seed);
    CHECK_FALSE(plain.fail_fast);
    CHECK_FALSE(plain.shard);
    auto a = parse_as<bg::RunArgs>({"run", "--repeat", "3", "--shuffle", "--seed",
                                    "18446744073709551615", "--fail-fast", "--shard", "2/4"});
    CHECK(a.repeat == 3);
    CHECK(a.shuffle);
    CHECK(a.seed == 18446744073709551615ULL);
    CHECK(a.fail_fast);
    CHECK(a.shard == bg::Shard{2, 4});
    auto random = parse_as<bg::RunArgs>({"run", "--shuffle"});
    CHECK(random.shuffle);
    CHECK_FALSE(random.seed);  // the command picks one and prints it
    CHECK(parse_as<bg::RunArgs>({"run", "--seed=0", "--shuffle"}).seed == 0u);
  }

  TEST_CASE("run modes: bad values are one-line errors") {
    CHECK(usage_error({"run", "--repeat", "0"}) ==
          "--repeat: expected an integer in [1, 10000], got \"0\"");
    CHECK(usage_error({"run", "--shard", "5/4"}) ==
          "--shard: expected I/N with 1 <= I <= N <= 1000, such as 2/4, got \"5/4\"");
    CHECK(usage_error({"run", "--shard", "0/4"}).starts_with("--shard: expected I/N"));
    CHECK(usage_error({"run", "--shard"}) == "--shard needs a value");
    CHECK(usage_error({"run", "--seed", "12"}) == "--seed requires --shuffle");
    CHECK(usage_error({"run", "--shuffle", "--seed", "-1"}) ==
          "--seed: expected a whole number from 0 to 18446744073709551615, got \"-1\"");
    CHECK(usage_error({"run", "--shuffle", "--seed", "18446744073709551616"})
              .starts_with("--seed: expected a whole number"));
    CHECK(usage_error({"run", "--fail-fast=often"}).find('\n') == std::string::npos);
  }

  TEST_CASE("run --help describes the run modes") {
    std::string run = help({"run", "--help"});
    for (const char* want : {"--repeat N", "--shuffle", "--seed S", "--fail-fast", "--shard I/N",
                             "sorted by name", "skip = \"reason\"", "only = true"}) {
      CHECK_MESSAGE(run.find(want) != std::string::npos, want);
    }
  }
}

TEST_CASE("sweep: a scenario, one --vary, reports") {
  auto a = parse_as<bg::SweepArgs>({"sweep", "s.toml", "--vary", "read_timeout=100ms,1s", "--html",
                                    "s.html", "--json", "s.json", "--timeout", "1m"});
  CHECK(a.path == "s.toml");
  CHECK(a.vary.name == "read_timeout");
  CHECK(a.vary.values == std::vector<std::string>{"100ms", "1s"});
  CHECK(a.html == "s.html");
  CHECK(a.json == "s.json");
  CHECK(a.nginx == "nginx");
  CHECK(a.time_limit == std::chrono::minutes(1));
  CHECK(usage_error({"sweep", "s.toml"}) ==
        "sweep needs --vary 'NAME=v1,v2,...' (see sweep --help)");
  CHECK(usage_error({"sweep", "--vary", "t=1s"}) ==
        "sweep needs a SCENARIO file (see sweep --help)");
  CHECK(usage_error({"sweep", "s.toml", "--vary", "t=1s;"}) ==
        "--vary t: \"1s;\": ';' could end or open a directive");
  CHECK(usage_error({"sweep", "s.toml", "--vary", "t=1s", "--vary", "u=2"}) ==
        "sweep takes one --vary (a grid is not supported)");
  CHECK(help({"sweep", "--help"}).find("{{vary.NAME}}") != std::string::npos);
}
