// The local launcher against the real nginx binary: start, reload, crash, stop, config errors.
#include <doctest/doctest.h>
#include <signal.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <regex>
#include <vector>

#include "harness/net/free_port.hpp"
#include "harness/nginx/config.hpp"
#include "harness/nginx/local_launcher.hpp"
#include "harness/observe/log_file.hpp"
#include "harness/process/run_dir.hpp"
#include "tests/support/raw_client.hpp"

namespace badgateway {
namespace {

struct Site {
  RunDir dir{"launcher-test"};
  LaunchPaths paths{dir.path(), dir / "nginx.conf", dir / "logs/error.log"};
  fakes::Address listen;

  explicit Site(std::uint16_t port) : listen(fakes::Address::tcp("127.0.0.1", port)) {}

  void write(const std::string& location) {
    NginxSpec spec;
    spec.location = location;
    RenderInput in{&spec, dir.path(), listen, [](const std::string&) { return std::nullopt; },
                   "test"};
    std::ofstream(paths.config) << render_nginx_config(in);
  }

  std::string get() {
    test::RawClient c;
    REQUIRE(c.connect(listen) == test::ConnectResult::connected);
    REQUIRE(c.send(test::http_get("/")));
    return c.read_all().bytes;
  }
};

// nginx runs in a PID namespace of its own: the pids in nginx.pid and in its log are the ones
// inside. Ours come from /proc: the master is the process whose title names the run directory.
pid_t master_of(const Site& site) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.starts_with("nginx: master process") &&
        cmdline.find(site.dir.path().string()) != std::string::npos) {
      return static_cast<pid_t>(std::stol(entry.path().filename().string()));
    }
  }
  return -1;
}

std::vector<pid_t> children_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t p; in >> p;) out.push_back(p);
  return out;
}

TEST_CASE("launcher: reads the version from nginx -v") {
  LocalLauncher nginx;
  CHECK(nginx.version().major == 1);
  CHECK(nginx.version().minor >= 18);
  CHECK(nginx.label().find(nginx.version().str()) != std::string::npos);
}

TEST_CASE("launcher: a missing binary is a harness error") {
  CHECK_THROWS_AS(LocalLauncher("/nonexistent/nginx"), HarnessError);
}

TEST_CASE("launcher: nginx -t failure carries nginx's own message") {
  LocalLauncher nginx;
  Site site(pick_free_port());
  site.write("retrun 200;");
  try {
    nginx.test_config(site.paths);
    FAIL("config accepted");
  } catch (const ConfigRejected& e) {
    CHECK(std::string(e.what()).find("unknown directive \"retrun\"") != std::string::npos);
  }
}

TEST_CASE("launcher: starts in the foreground, reloads with SIGHUP, stops without leftovers") {
  LocalLauncher nginx;
  Site site(pick_free_port());
  site.write("return 200 \"v1\\n\";");
  nginx.test_config(site.paths);
  auto instance = nginx.start(site.paths, site.listen, Millis(5000));
  CHECK(site.get().find("v1") != std::string::npos);
  CHECK_FALSE(instance->exited());

  site.write("return 200 \"v2\\n\";");
  instance->reload(Millis(5000));
  // Old workers finish gracefully; new connections reach the new config.
  CHECK(site.get().find("v2") != std::string::npos);

  pid_t master = master_of(site);
  REQUIRE(master > 0);
  auto workers = children_of(master);
  REQUIRE_FALSE(workers.empty());
  instance->stop();
  CHECK(instance->exited().has_value());
  CHECK(::kill(master, 0) != 0);  // reaped, not a zombie
  for (pid_t w : workers) CHECK(::kill(w, 0) != 0);
  test::RawClient c;
  CHECK(c.connect(site.listen) == test::ConnectResult::refused);
}

TEST_CASE("launcher: a crashed worker shows as [alert] in the error log") {
  LocalLauncher nginx;
  Site site(pick_free_port());
  site.write("return 200;");
  auto instance = nginx.start(site.paths, site.listen, Millis(5000));
  LogFile log(site.paths.error_log);
  REQUIRE(log.wait_for_regex(R"(start worker process (\d+))", Millis(5000)));
  auto workers = children_of(master_of(site));
  REQUIRE(workers.size() == 1);
  ::kill(workers[0], SIGSEGV);
  CHECK(log.wait_for_regex(R"(\[alert\].*exited on signal 11)", Millis(5000)));
  instance->stop();
}

TEST_CASE("launcher: a port already in use is a harness error naming it") {
  LocalLauncher nginx;
  Site first(pick_free_port());
  first.write("return 200;");
  auto running = nginx.start(first.paths, first.listen, Millis(5000));
  Site second(first.listen.port);
  second.write("return 200;");
  try {
    auto other = nginx.start(second.paths, second.listen, Millis(3000));
    FAIL("second nginx started on a busy port");
  } catch (const HarnessError& e) {
    CHECK(std::string(e.what()).find("Address already in use") != std::string::npos);
    CHECK(dynamic_cast<const PortInUse*>(&e) != nullptr);  // what the runner retries
  }
}

TEST_CASE("launcher: a port held for a moment is PortInUse though nginx's bind() retry won") {
  // nginx retries a failed bind() 500 ms later and comes up, but its log keeps an [emerg] line
  // that would fail the verdict of a run that did nothing wrong: the runner must pick again.
  LocalLauncher nginx;
  Site site(pick_free_port());
  site.write("return 200;");
  int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(holder >= 0);
  sockaddr_storage ss;
  socklen_t len = site.listen.to_sockaddr(ss);
  REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&ss), len) == 0);
  REQUIRE(::listen(holder, 1) == 0);
  auto start = std::async(std::launch::async,
                          [&] { return nginx.start(site.paths, site.listen, Millis(5000)); });
  LogFile log(site.paths.error_log);
  bool refused = log.wait_for_regex(R"(\[emerg\] .*bind\(\) to .* failed \(98)", Millis(5000));
  ::close(holder);
  REQUIRE(refused);
  try {
    start.get();
    FAIL("a start with a failed bind() in its log was taken as clean");
  } catch (const HarnessError& e) {
    CHECK(std::string(e.what()).find("only after retrying") != std::string::npos);
    CHECK(dynamic_cast<const PortInUse*>(&e) != nullptr);
  }
  test::RawClient c;
  CHECK(c.connect(site.listen) == test::ConnectResult::refused);  // that nginx was stopped
}

}  // namespace
}  // namespace badgateway
