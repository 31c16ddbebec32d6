#include "harness/nginx/config_scan.hpp"

#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace bg = badgateway;
namespace fs = std::filesystem;

namespace {

using Ports = std::vector<std::uint16_t>;

// A private directory (mode 0700 from mkdtemp) standing for the host side of the config mount.
class ConfigDir {
 public:
  ConfigDir() {
    std::string name = (fs::temp_directory_path() / "bg-scan-XXXXXX").string();
    REQUIRE(mkdtemp(name.data()) != nullptr);
    root_ = name;
  }
  ~ConfigDir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  ConfigDir(const ConfigDir&) = delete;
  ConfigDir& operator=(const ConfigDir&) = delete;

  const fs::path& root() const { return root_; }
  std::string path(const std::string& rel) const { return (root_ / rel).string(); }

  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << text;
  }

  bg::ConfigFacts scan(const std::string& mounted_at = "/etc/nginx") const {
    return bg::scan_nginx_config(root_ / "nginx.conf", root_, mounted_at);
  }

  // The error scanning reports, or nullopt when it succeeds.
  std::optional<bg::ConfigScanError> scan_error() const {
    try {
      scan();
    } catch (const bg::ConfigScanError& e) {
      return e;
    }
    return std::nullopt;
  }

 private:
  fs::path root_;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> host_names(const bg::ConfigFacts& facts) {
  std::vector<std::string> names;
  for (const auto& ref : facts.hosts) names.push_back(ref.host);
  return names;
}

}  // namespace

TEST_SUITE("config_scan") {
  TEST_CASE("a production-style config yields its ports, upstream hosts, logs and files") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "user nginx;\n"
              "worker_processes auto;\n"
              "error_log /var/log/nginx/error.log notice;\n"
              "pid /var/run/nginx.pid;\n"
              "include /usr/share/nginx/modules/*.conf;\n"
              "events { worker_connections 1024; }\n"
              "http {\n"
              "    include mime.types;\n"
              "    default_type application/octet-stream;\n"
              "    upstream app_servers {\n"
              "        server app1:8080 max_fails=2;\n"
              "        server app2:8080 backup;\n"
              "        keepalive 16;\n"
              "    }\n"
              "    include conf.d/*.conf;\n"
              "}\n");
    dir.write("mime.types",
              "types {\n"
              "    text/html html htm;\n"
              "    application/javascript js;\n"
              "}\n");
    dir.write("conf.d/default.conf",
              "server {\n"
              "    listen 80 default_server;\n"
              "    listen [::]:80 default_server;\n"
              "    server_name example.com;\n"
              "    error_log /var/log/nginx/site.error.log;\n"
              "    location /api/ { proxy_pass http://app_servers; }\n"
              "    location ~ \\.php$ {\n"
              "        fastcgi_pass php:9000;\n"
              "        include fastcgi_params;\n"
              "    }\n"
              "    location = /auth { internal; proxy_pass http://auth:9090/check; }\n"
              "    location /local/ { proxy_pass http://127.0.0.1:8081; }\n"
              "    location /sock/ { fastcgi_pass unix:/run/php/php-fpm.sock; }\n"
              "    location /dyn/ { proxy_pass http://$backend; }\n"
              "}\n");
    dir.write("conf.d/tls.conf",
              "server {\n"
              "    listen 443 ssl http2;\n"
              "    location / { proxy_pass https://secure-app; }\n"
              "}\n");
    dir.write("fastcgi_params", "fastcgi_param QUERY_STRING $query_string;\n");

    const bg::ConfigFacts facts = dir.scan();
    CHECK(facts.listen_ports == Ports{80, 443});
    CHECK(host_names(facts) ==
          std::vector<std::string>{"app1", "app2", "php", "auth", "secure-app"});
    REQUIRE(facts.hosts.size() == 5);
    CHECK(facts.hosts[0].port == 8080);
    CHECK(facts.hosts[0].directive == "server");
    CHECK(facts.hosts[0].where.file == dir.path("nginx.conf"));
    CHECK(facts.hosts[0].where.line == 11);
    CHECK(facts.hosts[1].where.line == 12);
    CHECK(facts.hosts[2].port == 9000);
    CHECK(facts.hosts[2].directive == "fastcgi_pass");
    CHECK(facts.hosts[2].where.file == dir.path("conf.d/default.conf"));
    CHECK(facts.hosts[2].where.line == 8);
    CHECK(facts.hosts[3].port == 9090);
    CHECK(facts.hosts[3].directive == "proxy_pass");
    CHECK(facts.hosts[3].where.line == 11);
    CHECK(facts.hosts[4].port == 443);
    CHECK(facts.error_logs ==
          std::vector<std::string>{"/var/log/nginx/error.log", "/var/log/nginx/site.error.log"});
    CHECK_FALSE(facts.daemon.has_value());
    CHECK(facts.files == std::vector<std::string>{dir.path("nginx.conf"), dir.path("mime.types"),
                                                  dir.path("conf.d/default.conf"),
                                                  dir.path("fastcgi_params"),
                                                  dir.path("conf.d/tls.conf")});
  }

  TEST_CASE("quotes, escapes and comments split words where nginx splits them") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "daemon 'off';  # } { a comment may hold anything\n"
              "error_log \"/var/log/a;b.log\" warn;\n"
              "error_log '/var/log/it\\'s.log';\n"
              "error_log /var/log/q\\\"uote#not-a-comment.log;\n"
              "error_log stderr;\n"
              "error_log syslog:server=10.0.0.1 info;\n"
              "error_log memory:32m debug;\n"
              "http {\n"
              "    # server { listen 9999; }\n"
              "    server {\n"
              "        listen 8080;\n"
              "        set $target ${host}x;\n"
              "        location \"/a{b}\" { proxy_pass \"http://quoted:81\"; }\n"
              "        location /m {\n"
              "            if ($uri = \"/x\") { return 404; }\n"
              "            proxy_pass http://after-if:82;\n"
              "        }\n"
              "    }\n"
              "}\n");
    const bg::ConfigFacts facts = dir.scan();
    CHECK(facts.daemon == std::optional<std::string>("off"));
    CHECK(facts.error_logs == std::vector<std::string>{"/var/log/a;b.log", "/var/log/it's.log",
                                                       "/var/log/q\"uote#not-a-comment.log"});
    CHECK(facts.listen_ports == Ports{8080});
    CHECK(host_names(facts) == std::vector<std::string>{"quoted", "after-if"});
    REQUIRE(facts.hosts.size() == 2);
    CHECK(facts.hosts[0].where.line == 13);
    CHECK(facts.hosts[1].where.line == 16);
  }

  TEST_CASE("a directive's location is where its first word starts") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  upstream pool {\n"
              "    server\n"
              "      pool-a:7000\n"
              "      weight=3;\n"
              "  }\n"
              "  server { listen 8000; location / {\n"
              "    # two statements on one line, the second on the next\n"
              "    proxy_pass http://first:1; } location /b { proxy_pass\n"
              "    http://second:2; }\n"
              "  }\n"
              "}\n");
    const bg::ConfigFacts facts = dir.scan();
    REQUIRE(facts.hosts.size() == 3);
    CHECK(facts.hosts[0].host == "pool-a");
    CHECK(facts.hosts[0].port == 7000);
    CHECK(facts.hosts[0].where.line == 3);
    CHECK(facts.hosts[1].where.line == 9);
    CHECK(facts.hosts[2].host == "second");
    CHECK(facts.hosts[2].where.line == 9);
  }

  TEST_CASE("a group named like its host: proxy_pass names the group, server the host") {
    // Found by trying ci/examples/site: `upstream app { server app:8080; }` lost its host.
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  upstream app { server app:8080; }\n"
              "  server { listen 80; location / { proxy_pass http://app; } }\n"
              "}\n");
    const bg::ConfigFacts facts = dir.scan();
    REQUIRE(facts.hosts.size() == 1);
    CHECK(facts.hosts[0].host == "app");
    CHECK(facts.hosts[0].port == 8080);
    CHECK(facts.hosts[0].directive == "server");
  }

  TEST_CASE("every listen form gives its port, in order and once") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  server { listen 127.0.0.1:8080 default_server reuseport; listen [::]:8443 ssl; }\n"
              "  server { listen *:81; listen localhost:8082; listen 8080; }\n"
              "  server { listen unix:/run/nginx.sock; listen [::1]; listen 10.0.0.1; }\n"
              "  server { listen 8083 http2; }\n"
              "  map $uri $not_a_directive { listen 9999; server 9998; }\n"
              "  types { listen 9997; }\n"
              "}\n"
              "stream { server { listen 5353 udp; proxy_pass dns:53; } }\n");
    const bg::ConfigFacts facts = dir.scan();
    CHECK(facts.listen_ports == Ports{8080, 8443, 81, 8082, 80, 8083, 5353});
    REQUIRE(facts.hosts.size() == 1);
    CHECK(facts.hosts[0].host == "dns");
    CHECK(facts.hosts[0].port == 53);
  }

  // For issue 10, bugs 3 and 4: IP-literal upstreams a fake may stand for, and the ports nginx
  // takes on every address (no fake can listen there too).
  TEST_CASE("IP-literal upstreams and wildcard listens are facts of their own") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  upstream pool { server 127.0.0.1:8080; server [::1]:8081; server app:80; }\n"
              "  server { listen 80; listen [::]:8443; listen 127.0.0.1:8000; listen *:81; }\n"
              "  server { listen 0.0.0.0:82; listen [::1]:83; listen localhost:84; }\n"
              "  server { location / { proxy_pass http://[::1]; } }\n"
              "}\n");
    const bg::ConfigFacts facts = dir.scan();
    std::vector<std::string> seen;
    for (const auto& ref : facts.addresses)
      seen.push_back(ref.host + ":" + std::to_string(ref.port));
    CHECK(seen == std::vector<std::string>{"127.0.0.1:8080", "::1:8081", "::1:80"});
    CHECK(host_names(facts) == std::vector<std::string>{"app"});
    CHECK(facts.ports_of("::1") == Ports{80, 8081});
    CHECK(facts.ports_of("127.0.0.1") == Ports{8080});
    // The server without listen listens on *:80 too.
    CHECK(facts.wildcard_listen_ports == Ports{80, 81, 82, 8443});
  }

  // Regression: found by fuzz_nginx_config_scan (corpus/fuzz_nginx_config_scan/crash-deep-blocks):
  // 200000 nested blocks overflowed the scanner's stack (a segfault at load time).
  TEST_CASE("blocks nested without end are an error, not a stack overflow") {
    ConfigDir dir;
    std::string deep;
    for (int i = 0; i < 200000; ++i) deep += "a {";
    dir.write("nginx.conf", deep);
    const auto error = dir.scan_error();
    REQUIRE(error);
    CHECK(std::string(error->what()) ==
          dir.path("nginx.conf") + ":1: blocks nested deeper than 64");
    // 64 deep is still a config.
    std::string ok;
    for (int i = 0; i < 64; ++i) ok += "a {";
    for (int i = 0; i < 64; ++i) ok += "}";
    dir.write("nginx.conf", ok);
    CHECK_FALSE(dir.scan_error());
  }

  TEST_CASE("an http server without listen listens on 80, in its place in the order") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  server { listen 8001; }\n"
              "  server { server_name implicit; location / { return 204; } }\n"
              "  server { listen 8002; }\n"
              "  server { listen 80; }\n"
              "}\n");
    CHECK(dir.scan().listen_ports == Ports{8001, 80, 8002});

    dir.write("nginx.conf", "http { server { listen 8001; } }\nmail { server { } }\n");
    CHECK(dir.scan().listen_ports == Ports{8001});
  }

  TEST_CASE("every kind of pass names its host with nginx's port rules") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  upstream Backend { server b1; server unix:/run/b.sock; server 10.1.1.1:81; }\n"
              "  server {\n"
              "    location /a { proxy_pass http://plain; }\n"
              "    location /b { proxy_pass HTTPS://tls-app/x?y=1; }\n"
              "    location /c { grpc_pass grpc://grpc-app:50051; }\n"
              "    location /d { grpc_pass grpcs://grpc-tls:443; }\n"
              "    location /e { grpc_pass grpc-bare:50052; }\n"
              "    location /f { uwsgi_pass uwsgi://py:3031; }\n"
              "    location /g { uwsgi_pass py2:3032; }\n"
              "    location /h { scgi_pass scgi-app:4000; }\n"
              "    location /i { memcached_pass cache:11211; }\n"
              "    location /j { fastcgi_pass php-no-port; }\n"
              "    location /k { proxy_pass http://backend; }\n"
              "    location /l { proxy_pass http://[::1]:9000; }\n"
              "    location /m { proxy_pass http://unix:/run/app.sock:/; }\n"
              "    location /n { resolver dns-server; }\n"
              "  }\n"
              "}\n");
    const bg::ConfigFacts facts = dir.scan();
    std::vector<std::string> seen;
    for (const auto& ref : facts.hosts) {
      seen.push_back(ref.directive + " " + ref.host + ":" + std::to_string(ref.port));
    }
    CHECK(seen == std::vector<std::string>{"server b1:80", "proxy_pass plain:80",
                                           "proxy_pass tls-app:443", "grpc_pass grpc-app:50051",
                                           "grpc_pass grpc-tls:443", "grpc_pass grpc-bare:50052",
                                           "uwsgi_pass py:3031", "uwsgi_pass py2:3032",
                                           "scgi_pass scgi-app:4000", "memcached_pass cache:11211",
                                           "fastcgi_pass php-no-port:0"});
    std::vector<std::string> sockets;
    for (const auto& ref : facts.sockets) {
      sockets.push_back(ref.directive + " " + ref.path + " line " + std::to_string(ref.where.line));
    }
    CHECK(sockets == std::vector<std::string>{"server /run/b.sock line 2",
                                              "proxy_pass /run/app.sock line 16"});
  }

  TEST_CASE("a missing non-glob include is an error naming the including file and line") {
    ConfigDir dir;
    dir.write("nginx.conf", "events {}\n\nhttp {\n  include conf.d/missing.conf;\n}\n");
    const auto error = dir.scan_error();
    REQUIRE(error.has_value());
    CHECK(error->where.file == dir.path("nginx.conf"));
    CHECK(error->where.line == 4);
    CHECK(contains(error->what(), dir.path("nginx.conf") + ":4: include conf.d/missing.conf "
                                                           "not found"));
  }

  TEST_CASE("includes of the image's files and globs that match nothing are skipped") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "include /usr/share/nginx/modules-enabled/*.conf;\n"
              "include /usr/lib/nginx/modules/ngx_stream.conf;\n"
              "include ../outside.conf;\n"
              "http {\n"
              "  include sites-enabled/*;\n"
              "  include /etc/nginx/conf.d/*.conf;\n"
              "  server { listen 8080; }\n"
              "}\n");
    fs::create_directories(dir.root() / "sites-enabled");
    const bg::ConfigFacts facts = dir.scan();
    CHECK(facts.listen_ports == Ports{8080});
    CHECK(facts.files == std::vector<std::string>{dir.path("nginx.conf")});
  }

  TEST_CASE("absolute includes under the mount point are read from the config root") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  include /etc/nginx/conf.d/*.conf;\n"
              "  server {\n"
              "    listen 8003;\n"
              "    location / { include /etc/nginx//snippets/../snippets/proxy.conf; }\n"
              "  }\n"
              "}\n");
    dir.write("conf.d/b.conf", "server { listen 8002; }\n");
    dir.write("conf.d/a.conf", "server { listen 8001; }\n");
    dir.write("conf.d/ignored.txt", "server { listen 9999; }\n");
    dir.write("snippets/proxy.conf", "proxy_pass http://snippet-app:7000;\n");
    const bg::ConfigFacts facts = dir.scan();
    CHECK(facts.listen_ports == Ports{8001, 8002, 8003});  // glob order is sorted, as in nginx
    CHECK(host_names(facts) == std::vector<std::string>{"snippet-app"});
    CHECK(facts.files.back() == dir.path("snippets/proxy.conf"));

    // Another mount point: /etc/nginx is then the image's, and /srv/conf/ is the user's.
    dir.write("nginx.conf",
              "http { include /etc/nginx/conf.d/*.conf; include /srv/conf/conf.d/b.conf; }\n");
    CHECK(dir.scan("/srv/conf/").listen_ports == Ports{8002});
  }

  TEST_CASE("an include loop is an error, not a hang") {
    ConfigDir dir;
    dir.write("nginx.conf", "http {\n  include loop/a.conf;\n}\n");
    dir.write("loop/a.conf", "# a\ninclude loop/b.conf;\n");
    dir.write("loop/b.conf", "include /etc/nginx/loop/a.conf;\n");
    const auto error = dir.scan_error();
    REQUIRE(error.has_value());
    CHECK(contains(error->what(), "include loop"));
    CHECK(contains(error->where.file, "loop/"));
  }

  TEST_CASE("syntax nginx rejects is an error at its line") {
    ConfigDir dir;
    struct Case {
      std::string text;
      int line;
      std::string what;
    };
    const Case cases[] = {
        {"events {}\nhttp {\n  server {\n    listen 80;\n  \n}\n", 2, "\"http\" block has no"},
        {"http {\n  server { }\n}\n}\n", 4, "unexpected \"}\""},
        {"http {\n  server { listen 80 }\n}\n", 2, "unexpected \"}\""},
        {"error_log\n  \"/var/log/x.log;\n}\n", 2, "unterminated quoted string"},
        {"worker_processes 1;\ndaemon off", 2, "unexpected end of file"},
        {"error_log \"/a\"b;\n", 1, "unexpected \"b\""},
        {"events {}\n;\n", 2, "unexpected \";\""},
        {"http { server { listen 127.0.0.1:8o; } }\n", 1, "invalid port"},
        {"http {\n server { listen 70000; } }\n", 2, "invalid port"},
    };
    for (const Case& c : cases) {
      CAPTURE(c.text);
      dir.write("nginx.conf", c.text);
      const auto error = dir.scan_error();
      REQUIRE(error.has_value());
      CHECK(error->where.line == c.line);
      CHECK(error->where.file == dir.path("nginx.conf"));
      CHECK(contains(error->what(), c.what));
    }
  }

  TEST_CASE("an included file must balance its own braces") {
    ConfigDir dir;
    dir.write("nginx.conf", "http {\n  include extra.conf;\n}\n");
    dir.write("extra.conf", "server { listen 80; }\n}\n");
    const auto error = dir.scan_error();
    REQUIRE(error.has_value());
    CHECK(error->where.file == dir.path("extra.conf"));
    CHECK(error->where.line == 2);
  }

  TEST_CASE("Lua blocks are opaque") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http { server { listen 8080;\n"
              "  location / {\n"
              "    content_by_lua_block {\n"
              "      local t = { a = \"}\" }  -- a } in a comment\n"
              "      ngx.say('{', t.a)\n"
              "    }\n"
              "    proxy_pass http://after-lua:9000;\n"
              "  }\n"
              "} }\n");
    const bg::ConfigFacts facts = dir.scan();
    REQUIRE(facts.hosts.size() == 1);
    CHECK(facts.hosts[0].host == "after-lua");
    CHECK(facts.hosts[0].where.line == 7);
  }

  TEST_CASE("ports_of gathers every port a host is used on") {
    ConfigDir dir;
    dir.write("nginx.conf",
              "http {\n"
              "  upstream u { server app:8080; server app:8081; server other:9000; }\n"
              "  server {\n"
              "    location /a { proxy_pass http://app:8080; }\n"
              "    location /b { proxy_pass http://APP; }\n"
              "    location /c { fastcgi_pass app; }\n"
              "  }\n"
              "}\n");
    const bg::ConfigFacts facts = dir.scan();
    CHECK(facts.ports_of("app") == Ports{80, 8080, 8081});
    CHECK(facts.ports_of("other") == Ports{9000});
    CHECK(facts.ports_of("nobody").empty());
  }
}
