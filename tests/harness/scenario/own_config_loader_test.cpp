// Scenarios that test a user's own config (nginx.config): the loader scans the config and
// rejects mappings that could not work, naming the file, line and field.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "harness/scenario/loader.hpp"
#include "tests/support/own_config_fixture.hpp"

namespace bg = badgateway;
namespace fs = std::filesystem;

namespace {

using badgateway::test::OwnConfigDir;

const std::string kHead =
    "name = \"t\"\n"
    "description = \"d\"\n"
    "cause = \"server_unavailable\"\n"
    "teaches = \"x\"\n";

const std::string kShopConfig =
    "events {}\n"
    "http {\n"
    "    upstream api { server app:8080; server app:8081 backup; }\n"
    "    include conf.d/*.conf;\n"
    "}\n";
const std::string kSite =
    "server {\n"
    "    listen 8000;\n"
    "    location / { proxy_pass http://api; }\n"
    "    location ~ \\.php$ { fastcgi_pass php:9000; }\n"
    "}\n";

const std::string kFakes =
    "[fakes.app]\nbehaviour = \"ok\"\nhost = \"app:8080\"\n"                      // lines 5-7
    "[fakes.spare]\nbehaviour = \"ok\"\nhost = \"app:8081\"\n"                    // lines 8-10
    "[fakes.php]\nprotocol = \"fastcgi\"\nbehaviour = \"ok\"\nhost = \"php\"\n";  // 11-14

const std::string kNginx = "[nginx]\nconfig = \"conf\"\n";  // lines 15-16
const std::string kExpect = "[expect]\nstatus = 200\n";

// The message when it lacks `needle` (doctest then shows both), else `needle`.
std::string contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos ? needle : haystack;
}

}  // namespace

TEST_CASE("own config: a directory is scanned, fakes get the config's ports, requests its listen") {
  OwnConfigDir d;
  d.write("conf/nginx.conf", kShopConfig);
  d.write("conf/conf.d/site.conf", kSite);
  bg::Scenario s;
  REQUIRE(d.load(kHead + kFakes + kNginx + kExpect, &s) == "loaded");
  REQUIRE(s.nginx.config);
  CHECK(*s.nginx.config == (d.path() / "conf").string());
  CHECK(s.nginx.port == 8000);
  REQUIRE(s.fakes.at("php").host);
  CHECK(s.fakes.at("php").host->name == "php");
  CHECK(s.fakes.at("php").host->port == 9000);  // "php" alone: the one port the config uses
  CHECK(s.fakes.at("spare").host->port == 8081);
}

TEST_CASE(
    "own config: a name the config uses that no fake stands for is an error naming its line") {
  OwnConfigDir d;
  d.write("conf/nginx.conf", kShopConfig);
  d.write("conf/conf.d/site.conf", kSite);
  std::string fakes =
      "[fakes.app]\nbehaviour = \"ok\"\nhost = \"app:8080\"\n"
      "[fakes.spare]\nbehaviour = \"ok\"\nhost = \"app:8081\"\n"
      "[fakes.x]\nbehaviour = \"ok\"\nhost = \"app:8081\"\n";
  // Two fakes for one name and port.
  CHECK(contains(d.load(kHead + fakes + kNginx + kExpect),
                 "t.toml:13:8: fakes.x.host: another fake") ==
        "t.toml:13:8: fakes.x.host: another fake");
  fakes =
      "[fakes.app]\nbehaviour = \"ok\"\nhost = \"app:8080\"\n"
      "[fakes.spare]\nbehaviour = \"ok\"\nhost = \"app:8081\"\n";
  std::string message = d.load(kHead + fakes + kNginx + kExpect);
  CHECK(contains(message, "t.toml:12:10: nginx.config: ") == "t.toml:12:10: nginx.config: ");
  CHECK(contains(message, "conf.d/site.conf:4: fastcgi_pass connects to php:9000, which no fake") ==
        "conf.d/site.conf:4: fastcgi_pass connects to php:9000, which no fake");
}

TEST_CASE("own config: fakes that stand for nothing the config uses are errors at their host key") {
  OwnConfigDir d;
  d.write("conf/nginx.conf", kShopConfig);
  d.write("conf/conf.d/site.conf", kSite);
  std::string wrong_port =
      kHead + "[fakes.app]\nbehaviour = \"ok\"\nhost = \"app:9999\"\n" + kNginx + kExpect;
  const std::string wrong_port_error =
      "t.toml:7:8: fakes.app.host: the config connects to app on port 8080, 8081, not 9999";
  CHECK(contains(d.load(wrong_port), wrong_port_error) == wrong_port_error);
  std::string ambiguous =
      kHead + "[fakes.app]\nbehaviour = \"ok\"\nhost = \"app\"\n" + kNginx + kExpect;
  CHECK(contains(d.load(ambiguous),
                 "fakes.app.host: the config connects to app on ports 8080, 8081: say which") ==
        "fakes.app.host: the config connects to app on ports 8080, 8081: say which");
  std::string unknown =
      kHead + "[fakes.db]\nbehaviour = \"ok\"\nhost = \"db:5432\"\n" + kNginx + kExpect;
  CHECK(
      contains(d.load(unknown), "t.toml:7:8: fakes.db.host: the config never connects to \"db\"") ==
      "t.toml:7:8: fakes.db.host: the config never connects to \"db\"");
  std::string no_host = kHead + "[fakes.app]\nbehaviour = \"ok\"\n" + kNginx + kExpect;
  CHECK(contains(d.load(no_host), "t.toml:5:1: fakes.app.host: is required with nginx.config") ==
        "t.toml:5:1: fakes.app.host: is required with nginx.config");
  std::string ip =
      kHead + "[fakes.app]\nbehaviour = \"ok\"\nhost = \"10.0.0.1:80\"\n" + kNginx + kExpect;
  CHECK(contains(d.load(ip), "t.toml:7:8: fakes.app.host: 10.0.0.1 is not a loopback address") ==
        "t.toml:7:8: fakes.app.host: 10.0.0.1 is not a loopback address");
}

TEST_CASE("own config: what cannot apply to an unchanged config is rejected") {
  OwnConfigDir d;
  d.write("conf/nginx.conf", kShopConfig);
  d.write("conf/conf.d/site.conf", kSite);
  std::string with_location =
      kHead + kFakes + "[nginx]\nconfig = \"conf\"\nlocation = \"return 200;\"\n" + kExpect;
  const std::string location_error =
      "t.toml:17:12: nginx.location: cannot be combined with nginx.config";
  CHECK(contains(d.load(with_location), location_error) == location_error);
  std::string attempts =
      kHead + kFakes + kNginx + "[expect]\nstatus = 200\nupstream_attempts = 1\n";
  CHECK(contains(d.load(attempts),
                 "t.toml:19:21: expect.upstream_attempts: needs the harness's access log") ==
        "t.toml:19:21: expect.upstream_attempts: needs the harness's access log");
  std::string host_without_config =
      kHead +
      "[fakes.app]\nbehaviour = \"ok\"\nhost = \"app\"\n[nginx]\nlocation = \"return 200;\"\n" +
      kExpect;
  CHECK(
      contains(d.load(host_without_config), "t.toml:7:8: fakes.app.host: only with nginx.config") ==
      "t.toml:7:8: fakes.app.host: only with nginx.config");
  std::string missing = kHead + kFakes + "[nginx]\nconfig = \"nowhere\"\n" + kExpect;
  CHECK(contains(d.load(missing), "t.toml:16:10: nginx.config: ") ==
        "t.toml:16:10: nginx.config: ");
  CHECK(contains(d.load(missing), "nowhere does not exist") == "nowhere does not exist");
  std::string bad_port = kHead + kFakes + "[nginx]\nconfig = \"conf\"\nport = 81\n" + kExpect;
  CHECK(
      contains(d.load(bad_port),
               "t.toml:17:8: nginx.port: the config does not listen on 81 (it listens on 8000)") ==
      "t.toml:17:8: nginx.port: the config does not listen on 81 (it listens on 8000)");
}

TEST_CASE("own config: daemon on and syntax errors in the config are load errors") {
  OwnConfigDir d;
  d.write("conf/conf.d/site.conf", kSite);
  d.write("conf/nginx.conf", "daemon on;\n" + kShopConfig);
  CHECK(contains(d.load(kHead + kFakes + kNginx + kExpect), "nginx.config: says `daemon on;`") ==
        "nginx.config: says `daemon on;`");
  d.write("conf/nginx.conf", "events {}\nhttp {\n  server { listen 80;\n}\n");
  std::string message = d.load(kHead + kFakes + kNginx + kExpect);
  CHECK(contains(message, "t.toml:16:10: nginx.config: ") == "t.toml:16:10: nginx.config: ");
  CHECK(contains(message, "nginx.conf:") == "nginx.conf:");
}

TEST_CASE(
    "own config: a fix inherits the host of the fake it replaces and may bring its own config") {
  OwnConfigDir d;
  d.write("conf/nginx.conf", kShopConfig);
  d.write("conf/conf.d/site.conf", kSite);
  fs::create_directories(d.path() / "fixed");
  d.write(
      "fixed/nginx.conf",
      "events {}\nhttp { server { listen 8001; location / { proxy_pass http://app:8080; } "
      "location /x { fastcgi_pass php:9000; } location /y { proxy_pass http://app:8081; } } }\n");
  std::string fix =
      "[fix]\ndescription = \"back\"\nfakes.app.behaviour = \"ok\"\nnginx.config = \"fixed\"\n";
  bg::Scenario s;
  REQUIRE(d.load(kHead + kFakes + kNginx + kExpect + fix, &s) == "loaded");
  REQUIRE(s.fixed);  // the plan the runner runs: the fix merged, ports resolved
  REQUIRE(s.fixed->fakes.at("app").host);
  CHECK(s.fixed->fakes.at("app").host->name == "app");  // kept from the broken fake
  CHECK(s.fixed->fakes.at("app").host->port == 8080);
  CHECK(s.fixed->fakes.at("app").behaviour == "ok");
  CHECK(s.fixed->fakes.at("php").host->port == 9000);  // not replaced: as in the broken run
  CHECK(s.fixed->nginx.port == 8001);
  CHECK(*s.fixed->nginx.config == (d.path() / "fixed").string());
  CHECK(s.broken.nginx.port == 8000);
}

TEST_CASE("own config: a single nginx.conf is scanned alone; its includes are the image's") {
  OwnConfigDir d;
  d.write("conf/single.conf",
          "events {}\nhttp { include mime.types; include /etc/nginx/conf.d/*.conf;\n"
          "  server { listen 8000; location / { proxy_pass http://app:8080; } } }\n");
  bg::Scenario s;
  std::string text = kHead + "[fakes.app]\nbehaviour = \"ok\"\nhost = \"app\"\n" +
                     "[nginx]\nconfig = \"conf/single.conf\"\n" + kExpect;
  REQUIRE(d.load(text, &s) == "loaded");
  CHECK(s.nginx.port == 8000);
  CHECK(s.fakes.at("app").host->port == 8080);
}

TEST_CASE("own config: unix: upstreams are stood for by fakes with socket under /run") {
  OwnConfigDir d;
  d.write("conf/nginx.conf",
          "events {}\nhttp { server { listen 80;\n"
          "  location / { fastcgi_pass unix:/var/run/php/php8.2-fpm.sock; } } }\n");
  const std::string fake = "[fakes.php]\nprotocol = \"fastcgi\"\nbehaviour = \"ok\"\n";  // 5-7
  bg::Scenario s;
  REQUIRE(d.load(kHead + fake + "socket = \"/run/php/php8.2-fpm.sock\"\n" + kNginx + kExpect, &s) ==
          "loaded");
  CHECK(s.fakes.at("php").socket == "/run/php/php8.2-fpm.sock");
  const std::string unmapped =
      kHead + "[fakes.app]\nbehaviour = \"ok\"\nsocket = \"/run/x.sock\"\n" + kNginx + kExpect;
  const std::string never =
      "t.toml:7:10: fakes.app.socket: the config never connects to unix:/run/x.sock";
  CHECK(contains(d.load(unmapped), never) == never);
  const std::string outside = kHead + fake + "socket = \"/tmp/php.sock\"\n" + kNginx + kExpect;
  const std::string outside_error = "t.toml:8:10: fakes.php.socket: expected the socket path";
  CHECK(contains(d.load(outside), outside_error) == outside_error);
  d.write("conf/nginx.conf",
          "events {}\nhttp { server { listen 80;\n"
          "  location / { fastcgi_pass unix:/run/php/php8.2-fpm.sock; } } }\n");
  const std::string missing =
      "conf/nginx.conf:3: fastcgi_pass connects to "
      "unix:/run/php/php8.2-fpm.sock, which no fake stands for";
  CHECK(contains(d.load(kHead + "[nginx]\nconfig = \"conf\"\n" + kExpect), missing) == missing);
}

// Regression (issue 10, bug 4): an upstream on the port nginx itself listens on for every address
// failed after 15 s with "Address already in use" when nginx started. It is a load error now.
TEST_CASE("own config: a fake on a port nginx listens on for every address is a load error") {
  OwnConfigDir d;
  d.write("conf/nginx.conf",
          "events {}\nhttp {\n  server {\n    listen 80;\n"
          "    location / { proxy_pass http://backend:80; }\n  }\n}\n");
  const std::string message = d.load(
      kHead + "[fakes.backend]\nbehaviour = \"ok\"\nhost = \"backend:80\"\n" + kNginx + kExpect);
  CHECK(message.starts_with("error: " + (d.path() / "t.toml").string() +
                            ":7:8: fakes.backend.host: "));
  CHECK(contains(message, "listens on port 80 on every address (listen 80)") ==
        "listens on port 80 on every address (listen 80)");
  // A listen on one address leaves the port free on the fakes' addresses.
  d.write("conf/nginx.conf",
          "events {}\nhttp {\n  server {\n    listen 127.0.0.1:80;\n"
          "    location / { proxy_pass http://backend:80; }\n  }\n}\n");
  CHECK(d.load(kHead + "[fakes.backend]\nbehaviour = \"ok\"\nhost = \"backend:80\"\n" + kNginx +
               kExpect) == "loaded");
}

// Regression (issue 10, bug 3): the host key takes loopback IP literals.
TEST_CASE("own config: host is a name or a loopback IP literal") {
  OwnConfigDir d;
  d.write("conf/nginx.conf",
          "events {}\nhttp {\n  server {\n    listen 8000;\n"
          "    location /a { proxy_pass http://127.0.0.1:8080; }\n"
          "    location /b { proxy_pass http://[::1]:8082; }\n  }\n}\n");
  bg::Scenario s;
  CHECK(d.load(kHead + "[fakes.a]\nbehaviour = \"ok\"\nhost = \"127.0.0.1:8080\"\n" +
                   "[fakes.b]\nbehaviour = \"ok\"\nhost = \"[::1]\"\n" + kNginx + kExpect,
               &s) == "loaded");
  REQUIRE(s.fakes.at("b").host);
  CHECK(s.fakes.at("b").host->name == "::1");
  CHECK(s.fakes.at("b").host->port == 8082);  // the one port the config uses
  // An IP literal nobody stands for is left alone.
  CHECK(d.load(kHead + "[fakes.a]\nbehaviour = \"ok\"\nhost = \"127.0.0.1:8080\"\n" + kNginx +
               kExpect) == "loaded");
  const std::string remote = d.load(
      kHead + "[fakes.a]\nbehaviour = \"ok\"\nhost = \"10.1.2.3:8080\"\n" + kNginx + kExpect);
  CHECK(contains(remote, "fakes.a.host: 10.1.2.3 is not a loopback address") ==
        "fakes.a.host: 10.1.2.3 is not a loopback address");
}
