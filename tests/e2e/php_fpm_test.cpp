// A real PHP-FPM pool killed the way the OOM killer does it (kill = "all"): once start() returns,
// every process of the pool is gone, so its stale socket refuses. A worker still dying would hold
// the listening socket: nginx's connect() would be queued and then reset ("reset by peer").
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness/php/php_fpm.hpp"

namespace badgateway {
namespace {

// connect()'s errno, 0 when it connected.
int connect_errno(const std::string& path) {
  sockaddr_storage ss;
  socklen_t len = fakes::Address::unix_socket(path).to_sockaddr(ss);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
  int e = rc == 0 ? 0 : errno;
  ::close(fd);
  return e;
}

TEST_CASE("php-fpm: a pool killed whole refuses at once, every time") {
  if (PhpFpm::find_binary().empty()) {
    MESSAGE("php-fpm not installed: not checked");
    return;
  }
  char tmpl[] = "/tmp/badgateway-php-test-XXXXXX";
  REQUIRE(::mkdtemp(tmpl));
  std::filesystem::path dir(tmpl);
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    std::filesystem::path run_dir = dir / std::to_string(i);
    std::filesystem::create_directories(run_dir);
    std::string sock = (run_dir / "php.sock").string();
    PhpFpmSpec spec;
    spec.kill = "all";
    spec.max_children = 4;  // more workers, more to wait for
    PhpFpm pool(spec, "php", run_dir, fakes::Address::unix_socket(sock));
    pool.start(Millis(10'000));
    REQUIRE(std::filesystem::exists(sock));  // stale: the file stays, nobody listens
    CHECK(connect_errno(sock) == ECONNREFUSED);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace badgateway
