// The name-resolution files nginx sees in a network of its own: what each says decides which
// addresses getaddrinfo() gives, and in what order.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "harness/net/resolver_files.hpp"
#include "harness/process/run_dir.hpp"

namespace bg = badgateway;

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("resolver files: standard hosts, the DNS fakes in resolv.conf, pinned order") {
  bg::RunDir dir("resolver-files-test");
  bg::ResolverFiles f =
      bg::write_resolver_files(dir.path(), bg::kStandardHosts, {"127.0.53.1", "127.0.53.2"});
  CHECK(read(f.hosts).find("::1\tlocalhost ip6-localhost") != std::string::npos);
  const std::string resolv = read(f.resolv_conf);
  CHECK(resolv.find("nameserver 127.0.53.1\nnameserver 127.0.53.2\n") != std::string::npos);
  CHECK(resolv.find("options timeout:1 attempts:1") != std::string::npos);
  CHECK(read(f.nsswitch_conf) == "hosts: files dns\n");
  CHECK(read(f.host_conf) == "multi on\n");
  const auto mounts = f.mounts();
  REQUIRE(mounts.size() == 5);
  CHECK(mounts[0].first == "/etc/hosts");
  CHECK(mounts[0].second == f.hosts);
  CHECK((std::filesystem::status(f.hosts).permissions() & std::filesystem::perms::others_read) !=
        std::filesystem::perms::none);
}

TEST_CASE("resolver files: no DNS fake, no nameserver line") {
  bg::RunDir dir("resolver-files-test");
  bg::ResolverFiles f = bg::write_resolver_files(dir.path(), "127.0.0.1\tlocalhost\n", {});
  CHECK(read(f.resolv_conf).find("nameserver") == std::string::npos);
}
