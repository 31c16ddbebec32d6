// The pieces both launchers share for a user's own config: what they mount, the hosts file, where
// sockets and error logs land on this host, and nginx's messages turned back into the user's paths.
// (The loader's side, scanning a config named by a scenario, is own_config_loader_test.cpp's.)
#include "harness/nginx/own_config.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness/error.hpp"
#include "harness/nginx/config_scan.hpp"
#include "tests/support/temp_dir.hpp"

namespace bg = badgateway;
namespace fs = std::filesystem;

namespace {

using Ports = std::vector<std::uint16_t>;
using Strings = std::vector<std::string>;

// A private directory holding the user's config (conf/) and a run directory (run/), as the runner
// lays them out.
class OwnDir : public bg::test::TempDir {
 public:
  OwnDir() : TempDir("bg-own-config") {
    fs::create_directories(path("conf/conf.d"));
    fs::create_directory(path("run"));
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories(path(rel).parent_path());
    std::ofstream(path(rel), std::ios::binary) << text;
  }
};

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One line per mount, so that a mismatch shows the whole list.
Strings describe(const std::vector<bg::BindMount>& mounts) {
  Strings out;
  for (const auto& m : mounts) {
    out.push_back(m.source.string() + " -> " + m.target.string() +
                  (m.read_only ? " (ro)" : " (rw)"));
  }
  return out;
}

// The writable mounts a local nginx gets, in local_mounts' order: only those whose target this
// machine has (a bind mount needs an existing target).
Strings writable_mounts(const bg::OwnConfig& own) {
  const std::pair<const char*, fs::path> all[] = {{"/var/log/nginx", own.log_dir},
                                                  {"/var/lib/nginx", own.state_dir / "lib"},
                                                  {"/var/cache/nginx", own.state_dir / "cache"},
                                                  {"/run", own.state_dir / "run"}};
  Strings out;
  for (const auto& [target, source] : all) {
    if (fs::is_directory(target)) out.push_back(source.string() + " -> " + target + " (rw)");
  }
  return out;
}

Strings strings(const std::vector<fs::path>& paths) {
  Strings out;
  for (const auto& p : paths) out.push_back(p.string());
  return out;
}

const std::string kMain =
    "events {}\n"
    "http {\n"
    "    error_log /var/log/nginx/http.log;\n"
    "    server { listen 8080; location / { proxy_pass http://api:9000; } }\n"
    "    include conf.d/*.conf;\n"
    "    include /usr/share/nginx/modules-enabled/*.conf;\n"
    "}\n";
const std::string kSite =
    "server {\n"
    "    listen 8000;\n"
    "    location / { proxy_pass http://app:8081; }\n"
    "}\n";

}  // namespace

TEST_CASE("with_host_paths: a rendered config's message is left as it is") {
  bg::LaunchPaths paths{"/tmp/run", "/tmp/run/nginx.conf", "/tmp/run/logs/error.log"};
  const std::string message = "nginx: [emerg] unknown directive \"foo\" in /etc/nginx/nginx.conf:3";
  CHECK(bg::with_host_paths(paths, message) == message);
}

TEST_CASE("with_host_paths: a directory's files named where nginx saw them become the user's") {
  OwnDir d;
  bg::OwnConfig own;
  own.source = d.path("conf");
  bg::LaunchPaths paths{d.path("run"), bg::kOwnConfigFile, d.path("run/logs/error.log"), &own};
  const std::string conf = d.path("conf").string();
  CHECK(bg::with_host_paths(paths,
                            "nginx: [emerg] host not found in upstream \"app:8081\" in "
                            "/etc/nginx/conf.d/site.conf:3\n"
                            "nginx: configuration file /etc/nginx/nginx.conf test failed") ==
        "nginx: [emerg] host not found in upstream \"app:8081\" in " + conf +
            "/conf.d/site.conf:3\n"
            "nginx: configuration file " +
            conf + "/nginx.conf test failed");
  // The mount point alone names no file of the user's.
  CHECK(bg::with_host_paths(paths, "prefix /etc/nginx") == "prefix /etc/nginx");
}

TEST_CASE("with_host_paths: a single file replaces nginx.conf only; the image's files stay") {
  OwnDir d;
  d.write("shop.conf", kMain);
  bg::OwnConfig own;
  own.source = d.path("shop.conf");
  bg::LaunchPaths paths{d.path("run"), bg::kOwnConfigFile, d.path("run/logs/error.log"), &own};
  const std::string file = d.path("shop.conf").string();
  CHECK(bg::with_host_paths(paths,
                            "open() \"/etc/nginx/mime.types\" failed in /etc/nginx/nginx.conf:7") ==
        "open() \"/etc/nginx/mime.types\" failed in " + file + ":7");
  CHECK(bg::with_host_paths(paths, "in /etc/nginx/conf.d/default.conf:1") ==
        "in /etc/nginx/conf.d/default.conf:1");
}

TEST_CASE("with_host_paths: a user's directory whose own path holds /etc/nginx/ is replaced once") {
  OwnDir d;
  fs::create_directories(d.path("etc/nginx"));
  bg::OwnConfig own;
  own.source = d.path("etc/nginx");
  bg::LaunchPaths paths{d.path("run"), bg::kOwnConfigFile, d.path("run/logs/error.log"), &own};
  // The replacement contains what it replaces: the search must go on after it, not inside it.
  const std::string host = d.path("etc/nginx").string();
  CHECK(bg::with_host_paths(paths, "/etc/nginx/a.conf:1 /etc/nginx/b.conf:2") ==
        host + "/a.conf:1 " + host + "/b.conf:2");
}

TEST_CASE("scan_own_config: a directory is its nginx.conf with the includes under it followed") {
  OwnDir d;
  d.write("conf/nginx.conf", kMain);
  d.write("conf/conf.d/site.conf", kSite);
  bg::ConfigFacts facts = bg::scan_own_config(d.path("conf"));
  CHECK(facts.files ==
        Strings{d.path("conf/nginx.conf").string(), d.path("conf/conf.d/site.conf").string()});
  CHECK(facts.listen_ports == Ports{8080, 8000});
  REQUIRE(facts.hosts.size() == 2);
  CHECK(facts.hosts[0].host == "api");
  CHECK(facts.hosts[0].port == 9000);
  CHECK(facts.hosts[1].host == "app");
  CHECK(facts.hosts[1].port == 8081);
  CHECK(facts.hosts[1].where.file == d.path("conf/conf.d/site.conf").string());
  CHECK(facts.hosts[1].where.line == 3);
  CHECK(facts.error_logs == Strings{"/var/log/nginx/http.log"});
}

TEST_CASE("scan_own_config: a single file's includes are the image's, not the files beside it") {
  OwnDir d;
  d.write("conf/nginx.conf", kMain);
  d.write("conf/conf.d/site.conf", kSite);  // on this host, but not what nginx will read
  bg::ConfigFacts facts = bg::scan_own_config(d.path("conf/nginx.conf"));
  CHECK(facts.files == Strings{d.path("conf/nginx.conf").string()});
  CHECK(facts.listen_ports == Ports{8080});
  REQUIRE(facts.hosts.size() == 1);
  CHECK(facts.hosts[0].host == "api");
  CHECK(facts.hosts[0].where.line == 4);
}

TEST_CASE("scan_own_config: a directory without nginx.conf is a scan error naming the file") {
  OwnDir d;
  const std::string main = d.path("conf/nginx.conf").string();
  CHECK_THROWS_WITH_AS(bg::scan_own_config(d.path("conf")),
                       ("cannot read " + main + ": cannot open: No such file or directory").c_str(),
                       bg::ConfigScanError);
}

TEST_CASE("prepare_own_config: the hosts file maps each name to its fake; localhost stays") {
  OwnDir d;
  const std::map<std::string, std::string> hosts = {
      {"app", "127.0.0.2"}, {"localhost", "127.0.0.1"}, {"php.internal", "127.0.0.3"}};
  bg::OwnConfig own = bg::prepare_own_config(d.path("conf"), hosts, d.path("run"), false);
  CHECK(own.source == d.path("conf"));
  CHECK(own.hosts == hosts);
  CHECK_FALSE(own.config_sets_daemon);
  CHECK(own.hosts_file == d.path("run/hosts"));
  CHECK(own.log_dir == d.path("run/var-log-nginx"));
  CHECK(own.state_dir == d.path("run/state"));
  // localhost is written once, as 127.0.0.1 alone; the fakes' names follow in the map's order.
  CHECK(read(own.hosts_file) ==
        "127.0.0.1\tlocalhost\n"
        "::1\tip6-localhost ip6-loopback\n"
        "127.0.0.2\tapp\n"
        "127.0.0.3\tphp.internal\n");
}

TEST_CASE("prepare_own_config: creates the log and state directories nginx writes, nothing else") {
  OwnDir d;
  bg::OwnConfig own = bg::prepare_own_config(d.path("conf"), {}, d.path("run"), true);
  CHECK(own.config_sets_daemon);
  std::set<std::string> made;
  for (const auto& e : fs::recursive_directory_iterator(d.path("run"))) {
    made.insert(fs::relative(e.path(), d.path("run")).string() + (e.is_directory() ? "/" : ""));
  }
  CHECK(made == std::set<std::string>{"hosts", "state/", "state/cache/", "state/lib/", "state/run/",
                                      "var-log-nginx/"});
  CHECK(read(own.hosts_file) == "127.0.0.1\tlocalhost\n::1\tip6-localhost ip6-loopback\n");
}

TEST_CASE("prepare_own_config: a run directory that is gone is an error naming the hosts file") {
  OwnDir d;
  const fs::path gone = d.path("run/removed-by-an-interrupt");
  CHECK_THROWS_WITH_AS(bg::prepare_own_config(d.path("conf"), {}, gone, false),
                       ("cannot write " + (gone / "hosts").string()).c_str(), bg::HarnessError);
  CHECK_FALSE(fs::exists(gone));
}

TEST_CASE("own config: -g sets the harness's error log, and daemon off unless the file does") {
  bg::OwnConfig own;
  CHECK(own.global_directives("/tmp/run dir/logs/error.log") ==
        "error_log \"/tmp/run dir/logs/error.log\" info; daemon off;");
  own.config_sets_daemon = true;  // nginx rejects a directive given twice
  CHECK(own.global_directives("/tmp/r/logs/error.log") ==
        "error_log \"/tmp/r/logs/error.log\" info;");
}

TEST_CASE("socket_on_host: a socket under /run or /var/run is in the run's private /run") {
  bg::OwnConfig own;
  own.state_dir = "/tmp/run-x/state";
  CHECK(bg::socket_on_host(own, "/run/php/php8.2-fpm.sock") ==
        fs::path("/tmp/run-x/state/run/php/php8.2-fpm.sock"));
  CHECK(bg::socket_on_host(own, "/var/run/app.sock") == fs::path("/tmp/run-x/state/run/app.sock"));
  // As nginx would resolve it: normalised first.
  CHECK(bg::socket_on_host(own, "/run/php/../app//b.sock") ==
        fs::path("/tmp/run-x/state/run/app/b.sock"));
  for (const std::string elsewhere :
       {"/run/../tmp/x.sock", "/tmp/x.sock", "run/x.sock", "/running/x.sock", "/var/run"}) {
    CAPTURE(elsewhere);
    CHECK_THROWS_WITH_AS(bg::socket_on_host(own, elsewhere),
                         ("socket " + elsewhere + " is not under /run").c_str(), bg::HarnessError);
  }
}

TEST_CASE(
    "local_mounts: a directory at /etc/nginx, then the writable places (the hosts file comes "
    "with the run's resolver files)") {
  OwnDir d;
  bg::OwnConfig own = bg::prepare_own_config(d.path("conf"), {}, d.path("run"), false);
  Strings expected = {d.path("conf").string() + " -> /etc/nginx (ro)"};
  for (const auto& m : writable_mounts(own)) expected.push_back(m);
  CHECK(describe(bg::local_mounts(own)) == expected);
  // /run goes last: mounting it hides whatever was under this machine's /run, a run directory
  // under it included, so every other source must be mounted first.
  if (fs::is_directory("/run")) {
    CHECK(bg::local_mounts(own).back().target == fs::path("/run"));
  }
}

TEST_CASE("local_mounts: a single file over /etc/nginx/nginx.conf, the image's others stay") {
  OwnDir d;
  d.write("conf/nginx.conf", kMain);
  bg::OwnConfig own = bg::prepare_own_config(d.path("conf/nginx.conf"), {}, d.path("run"), false);
  Strings expected = {d.path("conf/nginx.conf").string() + " -> /etc/nginx/nginx.conf (ro)"};
  for (const auto& m : writable_mounts(own)) expected.push_back(m);
  CHECK(describe(bg::local_mounts(own)) == expected);
}

TEST_CASE("observable_error_logs: only those under /var/log/nginx, as files in own.log_dir") {
  bg::OwnConfig own;
  own.log_dir = "/tmp/run-x/var-log-nginx";
  CHECK(strings(bg::observable_error_logs(
            own, {"/var/log/nginx/error.log", "logs/error.log", "/var/log/nginx/site/error.log",
                  "stderr", "syslog:server=unix:/dev/log", "/var/log/other/error.log",
                  "/var/log/nginx", "/var/log/nginxes/error.log"})) ==
        Strings{"/tmp/run-x/var-log-nginx/error.log", "/tmp/run-x/var-log-nginx/site/error.log"});
  CHECK(bg::observable_error_logs(own, {}).empty());
}

TEST_CASE("observable_error_logs: paths are taken as nginx resolves them, .. included") {
  // Regression: "/var/log/nginx/../../../etc/x" mapped to own.log_dir/../../../etc/x, a file of
  // this host outside the run directory, read as nginx's error log.
  bg::OwnConfig own;
  own.log_dir = "/tmp/run-x/var-log-nginx";
  CHECK(strings(bg::observable_error_logs(
            own, {"/var/log/nginx/../../../etc/passwd", "/var/log/nginx/../nginx/back.log",
                  "/var/log/nginx/./site//error.log", "/var/log/other/../nginx/in.log"})) ==
        Strings{"/tmp/run-x/var-log-nginx/back.log", "/tmp/run-x/var-log-nginx/site/error.log",
                "/tmp/run-x/var-log-nginx/in.log"});
}

TEST_CASE("local_mounts: the run's certificate files go over the config's, read-only, after it") {
  OwnDir dir;
  dir.write("conf/nginx.conf", kMain);
  dir.write("conf/tls/upstream-ca.pem", "the user's CA\n");
  dir.write("run/tls/ca.pem", "the run's CA\n");
  bg::OwnConfig own = bg::prepare_own_config(dir.path("conf"), {}, dir.path("run"), false);
  own.tls_files = {{dir.path("run/tls/ca.pem"), "/etc/nginx/tls/upstream-ca.pem"}};
  Strings expected = {
      dir.path("conf").string() + " -> /etc/nginx (ro)",
      dir.path("run/tls/ca.pem").string() + " -> /etc/nginx/tls/upstream-ca.pem (ro)"};
  for (const auto& m : writable_mounts(own)) expected.push_back(m);
  CHECK(describe(bg::local_mounts(own)) == expected);

  // A path in the config directory that the user's directory lacks has nothing to cover (the
  // loader refuses it; a config changed since is an error here, not a failed mount).
  own.tls_files = {{dir.path("run/tls/ca.pem"), "/etc/nginx/tls/missing.pem"}};
  CHECK_THROWS_WITH_AS(
      bg::local_mounts(own),
      doctest::Contains("/etc/nginx/tls/missing.pem is not a file on this machine"),
      bg::HarnessError);
  // Elsewhere it is this machine's file that is covered.
  own.tls_files = {{dir.path("run/tls/ca.pem"), dir.path("conf/nginx.conf")}};
  CHECK(describe(bg::local_mounts(own)).at(1) == dir.path("run/tls/ca.pem").string() + " -> " +
                                                     dir.path("conf/nginx.conf").string() +
                                                     " (ro)");
}
