#include "harness/nginx/nginx_cache.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include "harness/nginx/launcher.hpp"
#include "harness/nginx/select.hpp"
#include "harness/process/run_dir.hpp"

namespace bg = badgateway;
namespace fs = std::filesystem;

namespace {

// Restores an environment variable when the test ends, whatever it set.
class EnvOverride {
 public:
  EnvOverride(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~EnvOverride() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  EnvOverride(const EnvOverride&) = delete;
  EnvOverride& operator=(const EnvOverride&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// DIR/VERSION/sbin/nginx, with the completion marker only when `complete`.
void add_build(const fs::path& dir, const std::string& version, bool complete) {
  fs::create_directories(dir / version / "sbin");
  std::ofstream(dir / version / "sbin/nginx") << "#!/bin/sh\n";
  if (complete) std::ofstream(dir / version / ".badgateway-complete") << "nginx version\n";
}

}  // namespace

TEST_SUITE("harness/nginx/nginx_cache") {
  TEST_CASE("conf_dir_from_configure: --conf-path's directory, else the prefix's conf/") {
    // Debian's package.
    CHECK(bg::conf_dir_from_configure(
              "nginx version: nginx/1.22.1\nbuilt with OpenSSL 3.0.9\nconfigure arguments: "
              "--with-cc-opt='-g -O2' --prefix=/usr/share/nginx "
              "--conf-path=/etc/nginx/nginx.conf --http-log-path=/var/log/nginx/access.log\n") ==
          "/etc/nginx");
    // docker/build-nginx.sh's builds spell the path out.
    CHECK(bg::conf_dir_from_configure(
              "nginx version: nginx/1.31.4\nconfigure arguments: --prefix=/c/1.31.4 "
              "--conf-path=/c/1.31.4/conf/nginx.conf --with-debug\n") == "/c/1.31.4/conf");
    // Only a prefix: nginx's default conf/nginx.conf under it.
    CHECK(bg::conf_dir_from_configure("configure arguments: --prefix=/opt/ngx --with-debug") ==
          "/opt/ngx/conf");
    // A relative --conf-path is relative to the prefix.
    CHECK(bg::conf_dir_from_configure(
              "configure arguments: --prefix=/opt/ngx --conf-path=etc/nginx.conf") ==
          "/opt/ngx/etc");
    // Nothing configured: nginx's compiled-in default prefix.
    CHECK(bg::conf_dir_from_configure("nginx version: nginx/1.31.4\n") == "/usr/local/nginx/conf");
    // Only a whole argument counts, not "--prefix=" inside another one.
    CHECK(bg::conf_dir_from_configure("configure arguments: --x--prefix=/z --prefix=/y") ==
          "/y/conf");
  }

  TEST_CASE("the version comes from -V's banner line, not from a versioned prefix") {
    // The launchers read `nginx -V` (for the conf dir too); cached builds' paths hold a version.
    auto v = bg::NginxVersion::from_banner(
        "nginx version: nginx/1.24.0\nbuilt by gcc 12.2.0\nconfigure arguments: "
        "--prefix=/c/1.31.4 --conf-path=/c/1.31.4/conf/nginx.conf\n");
    REQUIRE(v.has_value());
    CHECK(v->str() == "1.24.0");
  }

  TEST_CASE("nginx_cache_dir: BADGATEWAY_NGINX_CACHE, then XDG_CACHE_HOME, then HOME") {
    EnvOverride cache("BADGATEWAY_NGINX_CACHE", "/b/cache");
    EnvOverride xdg("XDG_CACHE_HOME", "/x");
    EnvOverride home("HOME", "/h");
    CHECK(bg::nginx_cache_dir() == fs::path("/b/cache"));
    {
      EnvOverride no_cache("BADGATEWAY_NGINX_CACHE", std::nullopt);
      CHECK(bg::nginx_cache_dir() == fs::path("/x/badgateway/nginx"));
      EnvOverride no_xdg("XDG_CACHE_HOME", "");
      CHECK(bg::nginx_cache_dir() == fs::path("/h/.cache/badgateway/nginx"));
    }
  }

  TEST_CASE("cached_builds lists complete builds only, in version order") {
    bg::RunDir dir("nginx-cache-test");
    add_build(dir.path(), "1.31.4", true);
    add_build(dir.path(), "1.9.15", true);  // numeric, not lexical, order
    add_build(dir.path(), "1.24.0", true);
    add_build(dir.path(), "1.30.4", false);  // interrupted build: no marker
    fs::create_directories(dir.path() / "not-a-version" / "sbin");
    auto builds = bg::cached_builds(dir.path());
    REQUIRE(builds.size() == 3);
    CHECK(builds[0].version.str() == "1.9.15");
    CHECK(builds[1].version.str() == "1.24.0");
    CHECK(builds[2].version.str() == "1.31.4");
    CHECK(builds[2].binary == dir.path() / "1.31.4/sbin/nginx");
    CHECK(bg::find_cached_build(dir.path(), *bg::NginxVersion::parse("1.24.0")).has_value());
    CHECK_FALSE(bg::find_cached_build(dir.path(), *bg::NginxVersion::parse("1.30.4")).has_value());
    CHECK(bg::cached_builds(dir.path() / "missing").empty());
  }

  TEST_CASE("--nginx N.N.N without a build names the cache dir and the build command") {
    bg::RunDir dir("nginx-cache-test");
    EnvOverride cache("BADGATEWAY_NGINX_CACHE", dir.path().string());
    try {
      (void)bg::make_launcher("1.30.4");
      FAIL("expected a HarnessError");
    } catch (const bg::HarnessError& e) {
      std::string message = e.what();
      CHECK(message.find((dir.path() / "1.30.4").string()) != std::string::npos);
      CHECK(message.find("docker/build-nginx.sh") != std::string::npos);
    }
  }

  TEST_CASE("expand_nginx_specs: all = nginx from PATH, then every cached build") {
    bg::RunDir dir("nginx-cache-test");
    EnvOverride cache("BADGATEWAY_NGINX_CACHE", dir.path().string());
    add_build(dir.path(), "1.31.4", true);
    add_build(dir.path(), "1.24.0", true);
    auto specs = bg::expand_nginx_specs({"docker:x", "all"});
    REQUIRE(specs.size() == 4);
    CHECK(specs[0] == "docker:x");
    CHECK(specs[1] == "nginx");
    CHECK(specs[2] == (dir.path() / "1.24.0/sbin/nginx").string());
    CHECK(specs[3] == (dir.path() / "1.31.4/sbin/nginx").string());
  }
}

TEST_CASE("release numbers are three dot-separated runs of digits") {
  CHECK(badgateway::is_release_number("1.31.4"));
  CHECK(badgateway::is_release_number("10.0.123"));
  CHECK_FALSE(badgateway::is_release_number("1.31"));
  CHECK_FALSE(badgateway::is_release_number("1.31.4.1"));
  CHECK_FALSE(badgateway::is_release_number("1..4"));
  CHECK_FALSE(badgateway::is_release_number(".1.4"));
  CHECK_FALSE(badgateway::is_release_number("1.31.4-rc"));
  CHECK_FALSE(badgateway::is_release_number(""));
}
