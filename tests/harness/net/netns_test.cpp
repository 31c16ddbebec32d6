// Private network namespaces and per-child mounts: what lets a user's config listen on :80 and
// resolve its upstream names without touching this machine. Needs root (CI runs as root).
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "fakes/base/address.hpp"
#include "harness/net/netns.hpp"
#include "harness/process/child.hpp"

namespace bg = badgateway;

namespace {

// A listening socket on `ip`:port 0 in the calling thread's namespace; returns {fd, port}.
std::pair<int, std::uint16_t> listen_on(const char* ip) {
  sockaddr_storage ss;
  socklen_t len = bg::fakes::Address::tcp(ip, 0).to_sockaddr(ss);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0);
  return {fd, ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port)};
}

bool connects(const char* ip, std::uint16_t port) {
  sockaddr_storage ss;
  socklen_t len = bg::fakes::Address::tcp(ip, port).to_sockaddr(ss);
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0;
  ::close(fd);
  return ok;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("netns: a socket opened inside is reachable inside only, on any 127.0.0.N") {
  if (::geteuid() != 0) return;  // documented: own configs need root
  bg::NetNamespace ns = bg::NetNamespace::create();
  REQUIRE(ns);
  int fd = -1;
  std::uint16_t port = 0;
  {
    bg::InNetNamespace inside(&ns);
    std::tie(fd, port) = listen_on("127.0.0.9");
    CHECK(connects("127.0.0.9", port));
  }
  CHECK_FALSE(connects("127.0.0.9", port));  // back home: nothing of the namespace is visible
  ::close(fd);
}

TEST_CASE("netns: the same port in two namespaces does not collide") {
  if (::geteuid() != 0) return;
  bg::NetNamespace a = bg::NetNamespace::create();
  bg::NetNamespace b = bg::NetNamespace::create();
  int fa = -1, fb = -1;
  std::uint16_t port = 0;
  {
    bg::InNetNamespace inside(&a);
    std::tie(fa, port) = listen_on("127.0.0.1");
  }
  {
    bg::InNetNamespace inside(&b);
    sockaddr_storage ss;
    socklen_t len = bg::fakes::Address::tcp("127.0.0.1", port).to_sockaddr(ss);
    fb = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(::bind(fb, reinterpret_cast<sockaddr*>(&ss), len) == 0);
  }
  ::close(fa);
  ::close(fb);
}

TEST_CASE("netns: a child spawned into the namespace reaches what listens there") {
  if (::geteuid() != 0) return;
  bg::NetNamespace ns = bg::NetNamespace::create();
  int fd = -1;
  std::uint16_t port = 0;
  {
    bg::InNetNamespace inside(&ns);
    std::tie(fd, port) = listen_on("127.0.0.7");
  }
  std::vector<std::string> argv{"bash", "-c",
                                "echo hi > /dev/tcp/127.0.0.7/" + std::to_string(port)};
  bg::SpawnOptions there;
  there.netns_fd = ns.fd();
  CHECK(bg::run_command(argv, std::chrono::milliseconds(5000), there).ok());
  CHECK_FALSE(bg::run_command(argv, std::chrono::milliseconds(5000)).ok());
  ::close(fd);
}

TEST_CASE("child mounts: a file mounted over /etc/hostname is seen by the child only") {
  if (::geteuid() != 0) return;
  char tmpl[] = "/tmp/badgateway-mount-test-XXXXXX";
  int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(tmpl) << "badgateway-marker\n";
  const std::string before = read_file("/etc/hostname");
  bg::SpawnOptions options;
  options.mounts.push_back({tmpl, "/etc/hostname", true});
  bg::CommandResult r =
      bg::run_command({"cat", "/etc/hostname"}, std::chrono::milliseconds(5000), options);
  CHECK(r.ok());
  CHECK(r.output == "badgateway-marker\n");
  CHECK(read_file("/etc/hostname") == before);
  // Read-only: the child cannot write through the mount.
  bg::CommandResult w = bg::run_command({"bash", "-c", "echo x > /etc/hostname"},
                                        std::chrono::milliseconds(5000), options);
  CHECK_FALSE(w.ok());
  CHECK(read_file(tmpl) == "badgateway-marker\n");
  ::unlink(tmpl);
}

TEST_CASE("child mounts: a missing target is a clear start error, not a silent run") {
  if (::geteuid() != 0) return;
  bg::SpawnOptions options;
  options.mounts.push_back({"/etc/hostname", "/nonexistent/badgateway", false});
  try {
    bg::Child::spawn({"true"}, options);
    FAIL("spawn should have failed");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("cannot prepare the namespaces of true") != std::string::npos);
  }
}
