// A user's own config, unchanged, through the runner with the local nginx: it listens on :80 in
// a private network namespace, its upstream names reach the fakes, its own log files are read.
#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "harness/nginx/local_launcher.hpp"
#include "harness/run/runner.hpp"
#include "tests/support/own_config_fixture.hpp"

namespace badgateway {
namespace {

using test::OwnConfigDir;

// Port 80 on purpose: on this machine it may be taken (or need root); in the run's namespace it
// is always free. Errors go to a server-level log only, as in many production configs.
constexpr const char* kConfig = R"(
worker_processes 1;
events { worker_connections 64; }
http {
    upstream backend { server app:8080; }
    server {
        listen 80;
        server_name api.example.com;
        error_log /var/log/nginx/api.error.log;
        location / {
            proxy_pass http://backend;
            proxy_read_timeout 300ms;
        }
        location /auth { proxy_pass http://auth:9090/check; }
    }
}
)";

constexpr const char* kScenario = R"(
name = "t-own"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.app]
behaviour = "refuse"
host = "app"
[fakes.auth]
behaviour = "ok"
host = "auth:9090"
[nginx]
config = "conf"
[[requests]]
path = "/"
headers = { Host = "api.example.com" }
[[requests]]
path = "/auth"
headers = { Host = "api.example.com" }
[expect]
status = [502, 200]
generated_by = ["nginx", "upstream"]
error_log = 'connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: 127\.0\.0\.1, server: api\.example\.com, request: "GET / HTTP/1\.1", upstream: "http://127\.0\.0\.2:8080/"'
fakes.auth.requests = 1
[fix]
description = "app is back"
fakes.app.behaviour = "ok"
expect.status = 200
expect.fakes.app.requests = 1
)";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string failures(const ScenarioResult& r) {
  std::string out = r.broken.harness_error.value_or("");
  for (const auto& c : r.broken.checks) {
    if (!c.passed) out += " broken " + c.subject + ": " + c.actual;
  }
  if (r.fixed) {
    out += r.fixed->harness_error.value_or("");
    for (const auto& c : r.fixed->checks) {
      if (!c.passed) out += " fixed " + c.subject + ": " + c.actual;
    }
  }
  return out;
}

TEST_CASE("own config: the unchanged config reaches the fakes by name, on :80, in its namespace") {
  if (::geteuid() != 0) return;  // namespaces need root: documented
  OwnConfigDir d;
  d.write("conf/nginx.conf", kConfig);
  const std::string hosts_before = read_file("/etc/hosts");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(d.scenario(kScenario), nginx, {});
  INFO(failures(r));
  CHECK(r.verdict() == Verdict::pass);
  CHECK(r.broken.summary() == "502,200");
  REQUIRE(r.fixed);
  CHECK(r.fixed->observed.fakes.at("app").requests == 1);
  CHECK(read_file("/etc/hosts") == hosts_before);  // the mapping lived in the run only
}

// Regression (issue 10, bug 3): `localhost` and IP-literal upstreams could not be stood for by a
// fake (the hosts file put 127.0.0.1/::1 first; host = "127.0.0.1:8080" was rejected).
TEST_CASE("own config: fakes stand for localhost and for IP-literal upstreams") {
  if (::geteuid() != 0) return;
  OwnConfigDir d;
  d.write("conf/nginx.conf", R"(
worker_processes 1;
events { worker_connections 64; }
http {
    upstream pool { server localhost:8081; }
    server {
        listen 8000;
        location /local { proxy_pass http://pool; }
        location /v4 { proxy_pass http://127.0.0.1:8080; }
        location /v6 { proxy_pass http://[::1]:8082; }
    }
}
)");
  ScenarioResult r;
  LocalLauncher nginx;
  r = run_scenario(d.scenario(R"(
name = "t-literal"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.local]
behaviour = "ok"
host = "localhost:8081"
[fakes.v4]
behaviour = "status"
code = 503
host = "127.0.0.1:8080"
[fakes.v6]
behaviour = "ok"
body = "six"
host = "[::1]:8082"
[nginx]
config = "conf"
[[requests]]
path = "/local"
[[requests]]
path = "/v4"
[[requests]]
path = "/v6"
[expect]
status = [200, 503, 200]
generated_by = ["upstream", "upstream", "upstream"]
fakes.local.requests = 1
fakes.v4.requests = 1
fakes.v6.requests = 1
)"),
                   nginx, {});
  INFO(failures(r));
  CHECK(r.verdict() == Verdict::pass);
  CHECK(r.broken.summary() == "200,503,200");
  REQUIRE(r.broken.observed.responses.size() == 3);
  CHECK(r.broken.observed.responses[0].fake == "local");
  CHECK(r.broken.observed.responses[1].fake == "v4");
  CHECK(r.broken.observed.responses[2].fake == "v6");
}

TEST_CASE("own config: two runs of the same :80 config at once do not collide") {
  if (::geteuid() != 0) return;
  OwnConfigDir d;
  d.write("conf/nginx.conf", kConfig);
  Scenario s = d.scenario(kScenario);
  LocalLauncher nginx;
  RunOptions options;
  options.jobs = 2;
  auto results = run_all({s, s}, {&nginx}, options);
  REQUIRE(results.size() == 2);
  for (const auto& r : results) {
    INFO(failures(r));
    CHECK(r.verdict() == Verdict::pass);
  }
}

TEST_CASE("own config: nginx -t rejecting it is a harness error with nginx's message") {
  if (::geteuid() != 0) return;
  OwnConfigDir d;
  std::string config = kConfig;
  config.replace(config.find("proxy_read_timeout"), 18, "proxy_read_timeoot");
  d.write("conf/nginx.conf", config);
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(d.scenario(kScenario), nginx, {});
  CHECK(r.verdict() == Verdict::error);
  REQUIRE(r.broken.harness_error);
  INFO(*r.broken.harness_error);
  CHECK(r.broken.harness_error->find("unknown directive \"proxy_read_timeoot\" in " +
                                     (d.path() / "conf/nginx.conf:12").string()) !=
        std::string::npos);
}

// Debian's usual PHP wiring: a unix socket under /run, workers that are not root.
constexpr const char* kSocketConfig = R"(
worker_processes 1;
events { worker_connections 64; }
http {
    server {
        listen 80;
        location ~ \.php$ {
            fastcgi_param SCRIPT_FILENAME /var/www/html$fastcgi_script_name;
            fastcgi_pass unix:/var/run/php/php8.2-fpm.sock;
        }
    }
}
)";

constexpr const char* kSocketScenario = R"(
name = "t-own-socket"
description = "d"
cause = "php_fpm_not_running"
teaches = "t"
[fakes.php]
protocol = "fastcgi"
behaviour = "not_running"
socket = "/run/php/php8.2-fpm.sock"
[nginx]
config = "conf"
[[requests]]
path = "/index.php"
[expect]
status = 502
generated_by = "nginx"
error_log = 'connect\(\) to unix:/var/run/php/php8\.2-fpm\.sock failed \(2: No such file or directory\) while connecting to upstream'
[fix]
description = "PHP-FPM is back"
fakes.php = { protocol = "fastcgi", behaviour = "ok" }
expect.fakes.php.requests = 1
)";

TEST_CASE("own config: a unix: upstream is a fake's socket in the run's private /run") {
  if (::geteuid() != 0) return;
  OwnConfigDir d;
  d.write("conf/nginx.conf", kSocketConfig);
  const bool host_socket_before = std::filesystem::exists("/run/php/php8.2-fpm.sock");
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(d.scenario(kSocketScenario), nginx, {});
  INFO(failures(r));
  CHECK(r.verdict() == Verdict::pass);
  CHECK(std::filesystem::exists("/run/php/php8.2-fpm.sock") == host_socket_before);
}

}  // namespace

// nginx.tls_files: a config that presents a client certificate and verifies its upstream reads
// the run's files at its own paths; the user's files are left as they were.
TEST_CASE("own config: nginx.tls_files puts the run's CA, client certificate and key in place") {
  if (::geteuid() != 0) return;  // namespaces need root: documented
  OwnConfigDir d;
  d.write("conf/nginx.conf", R"(
worker_processes 1;
events { worker_connections 64; }
http {
    server {
        listen 80;
        location / {
            proxy_pass https://api:8443;
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate /etc/nginx/tls/ca.pem;
            proxy_ssl_certificate /etc/nginx/tls/client.pem;
            proxy_ssl_certificate_key /etc/nginx/tls/client.key;
        }
    }
}
)");
  for (const char* f : {"conf/tls/ca.pem", "conf/tls/client.pem", "conf/tls/client.key"}) {
    d.write(f, "the user's own file\n");
  }
  const std::string files = R"({ "/etc/nginx/tls/ca.pem" = "ca", )"
                            R"("/etc/nginx/tls/client.pem" = "client_certificate", )"
                            R"("/etc/nginx/tls/client.key" = "client_certificate_key" })";
  // The upstream requires a client certificate the run's root CA signed: only the run's own
  // certificate and key get a 200 (the user's placeholders would not even load).
  LocalLauncher nginx;
  ScenarioResult r = run_scenario(d.scenario(R"(
name = "t-own-tls-files"
description = "d"
cause = "misconfiguration"
teaches = "t"
[fakes.api]
behaviour = "ok"
host = "api:8443"
tls = { client_certificate = true }
[nginx]
config = "conf"
tls_files = )" + files + R"(
[expect]
status = 200
generated_by = "upstream"
fakes.api.requests = 1
)"),
                                  nginx, {});
  INFO(failures(r));
  CHECK(r.verdict() == Verdict::pass);
  CHECK(r.broken.summary() == "200");
  CHECK(read_file((d.path() / "conf/tls/client.key").string()) == "the user's own file\n");
}

}  // namespace badgateway
