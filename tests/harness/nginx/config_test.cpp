#include "harness/nginx/config.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

namespace bg = badgateway;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::optional<std::string> lookup(const std::string& name) {
  if (name == "fakes.app") return "127.0.0.1:9001";
  if (name == "fakes.app.port") return "9001";
  if (name == "run_dir") return "/tmp/bg-run-1";
  return std::nullopt;
}

bg::RenderInput input(const bg::NginxSpec& spec) {
  bg::RenderInput in;
  in.spec = &spec;
  in.run_dir = "/tmp/bg-run-1";
  in.listen = bg::fakes::Address::tcp("127.0.0.1", 8123);
  in.lookup = lookup;
  in.title = "upstream-refused (broken)";
  return in;
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("the frame keeps nginx in the foreground and every path inside the run directory") {
    bg::NginxSpec spec;
    spec.location = "return 200;";
    const std::string conf = bg::render_nginx_config(input(spec));
    INFO(conf);
    CHECK(contains(conf, "# rendered by badgateway: upstream-refused (broken)\n"));
    CHECK(contains(conf, "\ndaemon off;\n"));
    CHECK(contains(conf, "\npid \"/tmp/bg-run-1/nginx.pid\";\n"));
    CHECK(contains(conf, "\nerror_log \"/tmp/bg-run-1/logs/error.log\" info;\n"));
    // Only the harness's own server logs to access.log (verdicts read it); any other server
    // a scenario defines inherits the http-level log, a file of its own.
    CHECK(contains(conf,
                   "    access_log \"/tmp/bg-run-1/logs/access-other-servers.log\" badgateway;\n"));
    CHECK(contains(conf, "        access_log \"/tmp/bg-run-1/logs/access.log\" badgateway;\n"));
    CHECK(conf.find("logs/access.log") > conf.find("server_name badgateway;"));
    CHECK(contains(conf, std::string("log_format badgateway '") + bg::kAccessLogFormat + "';"));
    for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
      CAPTURE(kind);
      CHECK(contains(conf, std::string(kind) + "_temp_path \"/tmp/bg-run-1/tmp/" + kind + "\";\n"));
    }
    CHECK(contains(conf, "listen 127.0.0.1:8123;\n"));
    // Nothing may point outside the run directory: every absolute path starts with it.
    int paths = 0;
    for (std::size_t pos = conf.find(" \"/"); pos != std::string::npos;
         pos = conf.find(" \"/", pos + 1)) {
      CHECK(conf.compare(pos + 2, 14, "/tmp/bg-run-1/") == 0);
      ++paths;
    }
    CHECK(paths == 9);  // pid, error_log, two access_logs and five temp paths
  }

  TEST_CASE("paths are quoted: a space or ';' in TMPDIR stays inside one token") {
    CHECK(bg::nginx_quote("/tmp/a b;c") == "\"/tmp/a b;c\"");
    CHECK(bg::nginx_quote(R"(/tmp/a"b\c)") == R"("/tmp/a\"b\\c")");
    bg::NginxSpec spec;
    spec.location = "return 200;";
    auto in = input(spec);
    in.run_dir = "/tmp/my dir;user root";
    const std::string conf = bg::render_nginx_config(in);
    INFO(conf);
    CHECK(contains(conf, "\npid \"/tmp/my dir;user root/nginx.pid\";\n"));
    CHECK_FALSE(contains(conf, "\nuser root/"));
  }

  TEST_CASE("a placeholder expanding to such a path makes its whole word one quoted token") {
    auto lookup = [](const std::string& name) -> std::optional<std::string> {
      if (name == "run_dir") return "/tmp/my dir;x";
      if (name == "fakes.app") return "127.0.0.1:9001";
      return std::nullopt;
    };
    CHECK(bg::expand_nginx_snippet("root {{run_dir}}/www;\nfastcgi_pass unix:{{run_dir}}/p.sock;",
                                   lookup) ==
          "root \"/tmp/my dir;x/www\";\nfastcgi_pass \"unix:/tmp/my dir;x/p.sock\";");
    // Words without such characters, quoted strings, comments and ${var} stay as written.
    CHECK(bg::expand_nginx_snippet("proxy_pass http://{{fakes.app}}; # {{x}}\nset $a \"${b}c\";",
                                   lookup) ==
          "proxy_pass http://127.0.0.1:9001; # {{x}}\nset $a \"${b}c\";");
    CHECK(bg::expand_nginx_snippet("location / { return 200 '{{run_dir}}'; }", lookup) ==
          "location / { return 200 '/tmp/my dir;x'; }");
    CHECK_THROWS_AS(bg::expand_nginx_snippet("x {{nope}};", lookup), std::invalid_argument);
  }

  TEST_CASE("the frame's blocks are balanced") {
    bg::NginxSpec spec;
    spec.http = "upstream u { server {{fakes.app}}; }";
    spec.server = "error_page 502 /502.html;";
    spec.location = "proxy_pass http://u;";
    const std::string conf = bg::render_nginx_config(input(spec));
    CHECK(std::count(conf.begin(), conf.end(), '{') == std::count(conf.begin(), conf.end(), '}'));
  }

  TEST_CASE("snippets go into http, server and location with placeholders expanded") {
    bg::NginxSpec spec;
    spec.http = "upstream u {\n    server {{fakes.app}} max_fails=1;\n}";
    spec.server = "proxy_connect_timeout 1s;";
    spec.location = "proxy_pass http://127.0.0.1:{{ fakes.app.port }};\nroot {{run_dir}}/www;\n";
    const std::string conf = bg::render_nginx_config(input(spec));
    INFO(conf);
    CHECK_FALSE(contains(conf, "{{"));
    CHECK(contains(conf, "    upstream u {\n        server 127.0.0.1:9001 max_fails=1;\n    }\n"));
    CHECK(contains(conf, "        proxy_connect_timeout 1s;\n"));
    CHECK(contains(conf,
                   "        location / {\n"
                   "            proxy_pass http://127.0.0.1:9001;\n"
                   "            root /tmp/bg-run-1/www;\n"
                   "        }\n"));
    // Order: http snippet before the server block, server snippet before the location.
    auto http_at = conf.find("upstream u {");
    auto server_at = conf.find("    server {\n");
    auto server_snippet_at = conf.find("proxy_connect_timeout");
    auto location_at = conf.find("location / {");
    CHECK(http_at < server_at);
    CHECK(server_at < server_snippet_at);
    CHECK(server_snippet_at < location_at);
  }

  TEST_CASE("without nginx.location there is no generated location block") {
    bg::NginxSpec spec;
    spec.server = "location /x { return 204; }";
    const std::string conf = bg::render_nginx_config(input(spec));
    CHECK_FALSE(contains(conf, "location / {"));
    CHECK(contains(conf, "        location /x { return 204; }\n"));
  }

  TEST_CASE("a unix socket listen address") {
    bg::NginxSpec spec;
    spec.location = "return 200;";
    auto in = input(spec);
    in.listen = bg::fakes::Address::unix_socket("/tmp/bg-run-1/nginx.sock");
    CHECK(contains(bg::render_nginx_config(in), "listen unix:/tmp/bg-run-1/nginx.sock;\n"));
  }

  TEST_CASE("an unknown placeholder throws") {
    bg::NginxSpec spec;
    spec.location = "proxy_pass http://{{fakes.nope}};";
    CHECK_THROWS_AS(bg::render_nginx_config(input(spec)), std::invalid_argument);
    spec.location = "return 200;";
    spec.http = "upstream u { server {{fakes.app.bogus}}; }";
    CHECK_THROWS_WITH_AS(bg::render_nginx_config(input(spec)),
                         "unknown placeholder {{fakes.app.bogus}}", std::invalid_argument);
  }
}

TEST_CASE("main and events snippets: the frame's worker defaults give way to the scenario's") {
  bg::NginxSpec spec;
  spec.location = "return 200;";
  const std::string plain = bg::render_nginx_config(input(spec));
  CHECK(contains(plain, "\nworker_processes 1;\n"));
  CHECK(contains(plain, "events {\n    worker_connections 1024;\n}\n"));
  spec.main = "worker_processes 2;\nworker_rlimit_nofile 64;";
  spec.events = "worker_connections 3;";
  std::vector<bg::RenderedLine> origins;
  const std::string conf = bg::render_nginx_config(input(spec), &origins);
  INFO(conf);
  CHECK_FALSE(contains(conf, "worker_processes 1;"));
  CHECK(contains(conf, "\nworker_processes 2;\nworker_rlimit_nofile 64;\n"));
  CHECK_FALSE(contains(conf, "worker_connections 1024;"));
  CHECK(contains(conf, "events {\n    worker_connections 3;\n}\n"));
  // nginx -t's line numbers map back to the snippets.
  CHECK(std::count_if(origins.begin(), origins.end(),
                      [](const bg::RenderedLine& l) { return l.snippet == "main"; }) == 2);
  CHECK(std::count_if(origins.begin(), origins.end(),
                      [](const bg::RenderedLine& l) { return l.snippet == "events"; }) == 1);
  // Other events directives keep the frame's worker_connections.
  spec.events = "multi_accept on;";
  CHECK(contains(bg::render_nginx_config(input(spec)),
                 "events {\n    worker_connections 1024;\n    multi_accept on;\n}\n"));
}
