// [[expect.versions]] openssl = "RANGE" end to end: the local nginx's `nginx -V` names the OpenSSL
// it runs with, and an entry binds only when that version is in its range. The scenario expects a
// 502 (refused upstream); an entry that would expect 200 fails the run exactly when it is chosen,
// so each verdict below shows whether it was.
#include <doctest/doctest.h>

#include <string>

#include <fmt/format.h>

#include "harness/nginx/local_launcher.hpp"
#include "harness/run/runner.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

Scenario refused_with_entry(const std::string& entry) {
  return load_scenario_string(fmt::format(R"(
name = "t-openssl-range"
description = "d"
cause = "server_unavailable"
teaches = "t"
[fakes.app]
behaviour = "refuse"
[nginx]
location = "proxy_pass http://{{{{fakes.app}}}};"
[expect]
status = 502
generated_by = "nginx"
error_log = 'Connection refused'
[[expect.versions]]
{}
status = 200
generated_by = "upstream"
)",
                                          entry),
                              "inline.toml");
}

// A range holding only `v`, and one excluding it.
std::string exactly(const NginxVersion& v) {
  return v.str();
}
std::string below(const NginxVersion& v) {
  return fmt::format("<{}", v.str());
}

}  // namespace

TEST_CASE("openssl ranges: the local nginx reports its OpenSSL, and only a matching entry binds") {
  LocalLauncher nginx;
  REQUIRE_MESSAGE(nginx.tls_library().openssl.has_value(),
                  "the local nginx (" << nginx.tls_library().text << ") runs with no OpenSSL");
  const NginxVersion openssl = *nginx.tls_library().openssl;
  CHECK(nginx.tls_library().text.starts_with("OpenSSL " + openssl.str()));

  SUBCASE("a range that excludes the real version is not chosen: the base 502 holds") {
    ScenarioResult r = run_scenario(
        refused_with_entry(fmt::format("openssl = \"{}\"", below(openssl))), nginx, {});
    CHECK(r.verdict() == Verdict::pass);
    CHECK(r.broken.summary() == "502");
    CHECK(r.tls_library.openssl == openssl);
  }
  SUBCASE("a range holding the real version is chosen: its 200 fails against the 502") {
    ScenarioResult r = run_scenario(
        refused_with_entry(fmt::format("openssl = \"{}\"", exactly(openssl))), nginx, {});
    CHECK(r.verdict() == Verdict::fail);
    CHECK(r.broken.summary() == "502");
  }
  SUBCASE("with an nginx range too, both must hold") {
    const std::string nginx_range = fmt::format("nginx = \"{}\"", exactly(nginx.version()));
    ScenarioResult matching = run_scenario(
        refused_with_entry(fmt::format("{}\nopenssl = \">={}\"", nginx_range, openssl.str())),
        nginx, {});
    CHECK(matching.verdict() == Verdict::fail);  // chosen
    ScenarioResult openssl_out = run_scenario(
        refused_with_entry(fmt::format("{}\nopenssl = \"{}\"", nginx_range, below(openssl))), nginx,
        {});
    CHECK(openssl_out.verdict() == Verdict::pass);  // not chosen
    ScenarioResult nginx_out =
        run_scenario(refused_with_entry(fmt::format("nginx = \"{}\"\nopenssl = \"{}\"",
                                                    below(nginx.version()), exactly(openssl))),
                     nginx, {});
    CHECK(nginx_out.verdict() == Verdict::pass);  // not chosen
  }
}

}  // namespace badgateway
