// The Docker launcher against badgateway/nginx:local: the local launcher's contract, plus the
// container reaching the loopback fakes and no container outliving its run. Skipped (with a
// message) where docker, its daemon or the image is unavailable.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "fakes/behaviours/registry.hpp"
#include "fakes/core/server.hpp"
#include "harness/net/free_port.hpp"
#include "harness/nginx/config.hpp"
#include "harness/nginx/docker_launcher.hpp"
#include "harness/nginx/local_launcher.hpp"
#include "harness/observe/log_file.hpp"
#include "harness/process/child.hpp"
#include "harness/process/find_in_path.hpp"
#include "harness/process/interrupt.hpp"
#include "harness/process/run_dir.hpp"
#include "harness/run/runner.hpp"
#include "tests/support/own_config_fixture.hpp"
#include "tests/support/raw_client.hpp"

namespace badgateway {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kImage = "badgateway/nginx:local";

// Why these tests cannot run here, or nullopt.
std::optional<std::string> docker_unavailable(bool need_image = true) {
  if (find_in_path("docker").empty()) return "docker CLI not found";
  if (!run_command({"docker", "version", "--format", "{{.Server.Version}}"}, Millis(15'000)).ok()) {
    return "Docker daemon not reachable";
  }
  if (need_image && !run_command({"docker", "image", "inspect", kImage}, Millis(15'000)).ok()) {
    return fmt::format("image {} absent (build it with docker/build-nginx-image.sh)", kImage);
  }
  return std::nullopt;
}

#define SKIP_WITHOUT_DOCKER(need_image)            \
  if (auto why = docker_unavailable(need_image)) { \
    MESSAGE("skipped: " << *why);                  \
    return;                                        \
  }

// One launcher for the whole binary: its constructor runs a container (`nginx -v`).
DockerLauncher& docker() {
  static DockerLauncher launcher(kImage);
  return launcher;
}

std::vector<std::string> containers_of(pid_t pid) {
  CommandResult r = run_command(
      {"docker", "ps", "-a", "-q", "--filter", fmt::format("label=org.badgateway.pid={}", pid)},
      Millis(15'000));
  REQUIRE(r.ok());
  std::vector<std::string> ids;
  std::istringstream in(r.output);
  for (std::string id; in >> id;) ids.push_back(id);
  return ids;
}

struct Site {
  RunDir dir{"docker-launcher-test"};
  LaunchPaths paths{dir.path(), dir / "nginx.conf", dir / "logs/error.log"};
  fakes::Address listen;

  explicit Site(std::uint16_t port) : listen(fakes::Address::tcp("127.0.0.1", port)) {}

  void write(std::optional<std::string> location, std::optional<std::string> server = {}) {
    NginxSpec spec;
    spec.location = std::move(location);
    spec.server = std::move(server);
    RenderInput in{&spec, dir.path(), listen, [](const std::string&) { return std::nullopt; },
                   "test"};
    std::ofstream(paths.config) << render_nginx_config(in);
  }

  std::string get(const std::string& path = "/") {
    test::RawClient c;
    REQUIRE(c.connect(listen) == test::ConnectResult::connected);
    REQUIRE(c.send(test::http_get(path)));
    return c.read_all(std::chrono::milliseconds(5000)).bytes;
  }
};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Field 22 of /proc/self/stat, as the launcher labels its containers.
std::string own_start_time() {
  std::ifstream in("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream fields(stat.substr(stat.rfind(')') + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i) fields >> field;
  return field;
}

std::string create_labelled_container(const std::string& pid, const std::string& start) {
  CommandResult r = run_command(
      {"docker", "create", "--label", "org.badgateway=1", "--label", "org.badgateway.pid=" + pid,
       "--label", "org.badgateway.start=" + start, kImage, "nginx", "-v"},
      Millis(15'000));
  REQUIRE_MESSAGE(r.ok(), r.output);
  return r.output.substr(0, 12);
}

bool container_exists(const std::string& id) {
  return run_command({"docker", "inspect", "--format", "{{.Id}}", id}, Millis(15'000)).ok();
}

// Sets an environment variable for the scope of a test (children inherit it).
struct EnvGuard {
  std::string name;
  std::optional<std::string> old;
  EnvGuard(std::string n, const std::string& value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) old = v;
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~EnvGuard() { old ? ::setenv(name.c_str(), old->c_str(), 1) : ::unsetenv(name.c_str()); }
};

TEST_CASE("docker launcher: a missing docker CLI is a harness error") {
  try {
    DockerLauncher d(kImage, "/nonexistent/docker");
    FAIL("constructed without docker");
  } catch (const HarnessError& e) {
    CHECK(std::string(e.what()).starts_with("docker not found"));
  }
}

TEST_CASE("docker launcher: an unreachable daemon is a one-line harness error") {
  if (find_in_path("docker").empty()) {
    MESSAGE("skipped: docker CLI not found");
    return;
  }
  EnvGuard host("DOCKER_HOST", "unix:///nonexistent/docker.sock");
  auto begin = Clock::now();
  try {
    DockerLauncher d(kImage);
    FAIL("constructed without a daemon");
  } catch (const HarnessError& e) {
    std::string what = e.what();
    CHECK(what.starts_with("Docker daemon not reachable: "));
    CHECK(what.find("/nonexistent/docker.sock") != std::string::npos);
    CHECK(what.find('\n') == std::string::npos);
  }
  CHECK(ms_since(begin) < 15'000);
}

TEST_CASE("docker launcher: a missing image is a harness error naming it, without a pull") {
  SKIP_WITHOUT_DOCKER(false);
  try {
    DockerLauncher d("badgateway/nginx:does-not-exist");
    FAIL("constructed with a missing image");
  } catch (const HarnessError& e) {
    CHECK(std::string(e.what()) ==
          "image badgateway/nginx:does-not-exist not found locally (pull it or build it with "
          "docker/build-nginx-image.sh)");
  }
}

TEST_CASE("docker launcher: reads the version from the image") {
  SKIP_WITHOUT_DOCKER(true);
  DockerLauncher& d = docker();
  CHECK(d.version().major == 1);
  CHECK(d.label() == fmt::format("nginx {} (docker:{})", d.version().str(), kImage));
  if (!find_in_path("nginx").empty()) {  // the image is built from the host's nginx
    CHECK(d.version() == LocalLauncher().version());
  }
}

TEST_CASE("docker launcher: reads the TLS library from the image's nginx -V") {
  SKIP_WITHOUT_DOCKER(true);
  DockerLauncher& d = docker();
  CHECK_FALSE(d.tls_library().text.empty());
  if (!find_in_path("nginx").empty()) {  // the same binary, and the host's libssl copied in
    LocalLauncher local;
    CHECK(d.tls_library().text == local.tls_library().text);
    CHECK(d.tls_library().openssl == local.tls_library().openssl);
  }
}

TEST_CASE("docker launcher: nginx -t failure carries nginx's own message") {
  SKIP_WITHOUT_DOCKER(true);
  Site site(pick_free_port());
  site.write("retrun 200;");
  try {
    docker().test_config(site.paths);
    FAIL("config accepted");
  } catch (const ConfigRejected& e) {
    CHECK(std::string(e.what()).find("unknown directive \"retrun\"") != std::string::npos);
    // The path is the host's: the run dir is mounted at the same place.
    CHECK(std::string(e.what()).find(site.paths.config.string()) != std::string::npos);
  }
  CHECK(containers_of(::getpid()).empty());
}

TEST_CASE("docker launcher: starts, reloads with HUP, stops without leftover containers") {
  SKIP_WITHOUT_DOCKER(true);
  Site site(pick_free_port());
  site.write("return 200 \"v1\\n\";");
  docker().test_config(site.paths);
  auto instance = docker().start(site.paths, site.listen, Millis(10'000));
  CHECK(containers_of(::getpid()).size() == 1);
  CHECK(site.get().find("v1") != std::string::npos);
  CHECK_FALSE(instance->exited());

  site.write("return 200 \"v2\\n\";");
  instance->reload(Millis(5000));
  CHECK(site.get().find("v2") != std::string::npos);

  instance->stop();
  CHECK(instance->exited() == std::optional<std::string>("exited with code 0"));
  CHECK(containers_of(::getpid()).empty());
  test::RawClient c;
  CHECK(c.connect(site.listen) == test::ConnectResult::refused);
  // The error log was written through the mount, and the files are ours.
  std::string log = LogFile(site.paths.error_log).text();
  CHECK(log.find("signal 1 (SIGHUP) received") != std::string::npos);
  CHECK(log.find("gracefully shutting down") != std::string::npos);
}

TEST_CASE("docker launcher: a port already in use is a harness error naming it") {
  SKIP_WITHOUT_DOCKER(true);
  Site first(pick_free_port());
  first.write("return 200;");
  auto running = docker().start(first.paths, first.listen, Millis(10'000));
  Site second(first.listen.port);
  second.write("return 200;");
  try {
    auto other = docker().start(second.paths, second.listen, Millis(10'000));
    FAIL("second nginx started on a busy port");
  } catch (const HarnessError& e) {
    CHECK(std::string(e.what()).find("Address already in use") != std::string::npos);
    CHECK(dynamic_cast<const PortInUse*>(&e) != nullptr);  // what the runner retries
  }
  CHECK(containers_of(::getpid()).size() == 1);  // the failed one is gone, the first runs on
  CHECK(first.get().find("200 OK") != std::string::npos);
  running->stop();
  CHECK(containers_of(::getpid()).empty());
}

TEST_CASE(
    "docker launcher: loopback fakes (tcp and unix socket) are reachable from the container") {
  SKIP_WITHOUT_DOCKER(true);
  Site site(pick_free_port());
  fakes::FakeServer server;
  auto endpoint = [&](const std::string& name, const std::string& behaviour,
                      const fakes::Address& where) {
    const fakes::BehaviourInfo* info = fakes::find_behaviour(behaviour, fakes::Protocol::http);
    REQUIRE(info);
    fakes::Params params;
    return server.add_endpoint(name, where, fakes::make_behaviour(*info, params));
  };
  fakes::Address down = endpoint("down", "refuse", fakes::Address::tcp("127.0.0.1", 0));
  fakes::Address up = endpoint("up", "ok", fakes::Address::tcp("127.0.0.1", 0));
  fakes::Address sock =
      endpoint("sock", "ok", fakes::Address::unix_socket((site.dir / "up.sock").string()));
  server.start();
  site.write(std::nullopt, fmt::format("location /down {{ proxy_pass http://{}; }}\n"
                                       "location /up {{ proxy_pass http://{}; }}\n"
                                       "location /sock {{ proxy_pass http://{}; }}\n",
                                       down.to_string(), up.to_string(), sock.to_string()));
  docker().test_config(site.paths);
  auto instance = docker().start(site.paths, site.listen, Millis(10'000));
  CHECK(site.get("/down").starts_with("HTTP/1.1 502"));
  CHECK(site.get("/up").starts_with("HTTP/1.1 200"));
  CHECK(site.get("/sock").starts_with("HTTP/1.1 200"));
  instance->stop();
  server.stop();
  CHECK(server.stats("up").connections >= 1);
  CHECK(server.stats("sock").connections >= 1);
  CHECK(LogFile(site.paths.error_log)
            .find_regex(R"(connect\(\) failed \(111: Connection refused\))"));
}

TEST_CASE("docker launcher: containers of dead runs are removed, live runs' are kept") {
  SKIP_WITHOUT_DOCKER(true);
  Child gone = Child::spawn({"true"});
  gone.wait_for(Millis(5000));
  std::string dead = create_labelled_container(std::to_string(gone.pid()), "1");
  // Our pid, another start time: the pid of a dead run that this process now reuses.
  std::string reused = create_labelled_container(std::to_string(::getpid()), "1");
  std::string ours = create_labelled_container(std::to_string(::getpid()), own_start_time());
  remove_containers_of_dead_runs();
  CHECK_FALSE(container_exists(dead));
  CHECK_FALSE(container_exists(reused));
  CHECK(container_exists(ours));
  run_command({"docker", "rm", "-f", ours}, Millis(15'000));
}

TEST_CASE("docker launcher: a killed nginx reports the signal, and stop still cleans up") {
  SKIP_WITHOUT_DOCKER(true);
  Site site(pick_free_port());
  site.write("return 200;");
  auto instance = docker().start(site.paths, site.listen, Millis(10'000));
  std::vector<std::string> ids = containers_of(::getpid());
  REQUIRE(ids.size() == 1);
  REQUIRE(run_command({"docker", "kill", "--signal", "KILL", ids[0]}, Millis(15'000)).ok());
  auto deadline = Clock::now() + Millis(10'000);
  while (!instance->exited() && Clock::now() < deadline) ::usleep(20'000);
  CHECK(instance->exited() == std::optional<std::string>("killed by signal 9 (Killed)"));
  instance->stop();
  CHECK(containers_of(::getpid()).empty());
}

// Reads one byte or gives up after `limit`.
bool read_ready(int fd, Millis limit) {
  pollfd p{fd, POLLIN, 0};
  char c;
  return ::poll(&p, 1, static_cast<int>(limit.count())) == 1 && ::read(fd, &c, 1) == 1;
}

TEST_CASE("docker launcher: an interrupt removes this process's containers") {
  SKIP_WITHOUT_DOCKER(true);
  std::uint16_t port = pick_free_port();
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  std::fflush(nullptr);  // the child flushes on exit: it must not repeat our buffered output
  // A child process plays a badgateway run: the interrupt path ends with _exit().
  pid_t run = ::fork();
  if (run == 0) {  // no doctest assertion here: the child never returns to doctest
    ::close(ready[0]);
    try {
      install_interrupt_handling();
      DockerLauncher d(kImage);
      Site site(port);
      site.write("return 200;");
      auto instance = d.start(site.paths, site.listen, Millis(10'000));
      (void)!::write(ready[1], "r", 1);
      for (;;) ::pause();
    } catch (...) {
      ::_exit(3);
    }
  }
  REQUIRE(run > 0);
  ::close(ready[1]);
  bool started = read_ready(ready[0], Millis(30'000));
  ::close(ready[0]);
  std::vector<std::string> ids = containers_of(run);
  if (started) {
    CHECK(ids.size() == 1);
    // Frozen, nginx cannot act on the signal docker run forwards: only the hook can remove it.
    CHECK(run_command({"docker", "pause", ids.at(0)}, Millis(15'000)).ok());
  }
  ::kill(run, SIGINT);
  int status = 0;
  auto deadline = Clock::now() + Millis(30'000);
  while (::waitpid(run, &status, WNOHANG) == 0 && Clock::now() < deadline) ::usleep(20'000);
  if (Clock::now() >= deadline) {
    ::kill(run, SIGKILL);
    ::waitpid(run, &status, 0);
  }
  REQUIRE(started);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(containers_of(run).empty());
  if (!containers_of(run).empty()) run_command({"docker", "rm", "-f", ids.at(0)}, Millis(15'000));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct Timings {
  std::vector<double> test, start, stop;
};

Timings measure(Launcher& launcher, int runs) {
  Timings t;
  for (int i = 0; i < runs; ++i) {
    Site site(pick_free_port());
    site.write("return 200;");
    auto begin = Clock::now();
    launcher.test_config(site.paths);
    t.test.push_back(ms_since(begin));
    begin = Clock::now();
    auto instance = launcher.start(site.paths, site.listen, Millis(10'000));
    t.start.push_back(ms_since(begin));
    begin = Clock::now();
    instance->stop();
    t.stop.push_back(ms_since(begin));
  }
  return t;
}

TEST_CASE("docker launcher: timings against the local launcher") {
  SKIP_WITHOUT_DOCKER(true);
  constexpr int kRuns = 5;
  Timings in_docker = measure(docker(), kRuns);
  auto line = [](const char* what, const Timings& t) {
    return fmt::format(
        "{:<7} nginx -t {:6.0f} ms, start-to-ready {:6.0f} ms, stop {:6.0f} ms (median of {})",
        what, median(t.test), median(t.start), median(t.stop), t.test.size());
  };
  MESSAGE(line("docker:", in_docker));
  if (!find_in_path("nginx").empty()) {
    LocalLauncher local;
    MESSAGE(line("local:", measure(local, kRuns)));
  }
  CHECK(median(in_docker.start) < 10'000);
  CHECK(containers_of(::getpid()).empty());
}

// A user's config, unchanged: port 80, an upstream by name.
constexpr const char* kOwnConfig =
    "events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n"
    "            proxy_pass http://app:8080;\n            READ_TIMEOUT\n        }\n    }\n}\n";

std::string own_scenario(const std::string& behaviour, const std::string& expect) {
  return "name = \"t-own-docker\"\ndescription = \"d\"\ncause = \"server_unavailable\"\n"
         "teaches = \"t\"\n[fakes.app]\nbehaviour = \"" +
         behaviour +
         "\"\nhost = \"app:8080\"\n[nginx]\nconfig = \"conf\"\n[[requests]]\ntimeout = \"60s\"\n"
         "[expect]\n" +
         expect + "\n";
}

std::string own_config(const std::string& read_timeout) {
  std::string text = kOwnConfig;
  text.replace(text.find("READ_TIMEOUT"), 12, read_timeout);
  return text;
}

TEST_CASE("docker launcher: an own config runs unchanged in the holder's namespace") {
  SKIP_WITHOUT_DOCKER(true);
  test::OwnConfigDir d;
  d.write("conf/nginx.conf", own_config("proxy_read_timeout 300ms;"));
  Scenario s = d.scenario(own_scenario("stall",
                                       "status = 504\nerror_log = 'upstream timed out .* upstream: "
                                       "\"http://127\\.0\\.0\\.2:8080/\"'"));
  ScenarioResult r = run_scenario(s, docker(), {});
  INFO(r.broken.harness_error.value_or(""));
  CHECK(r.verdict() == Verdict::pass);
  CHECK(r.broken.summary() == "504");
  CHECK(containers_of(::getpid()).empty());  // holder and nginx both gone
}

TEST_CASE("docker launcher: an own config nginx rejects names the user's file; nothing is left") {
  SKIP_WITHOUT_DOCKER(true);
  test::OwnConfigDir d;
  d.write("conf/nginx.conf", own_config("proxy_read_timeoot 300ms;"));
  ScenarioResult r = run_scenario(d.scenario(own_scenario("ok", "status = 200")), docker(), {});
  CHECK(r.verdict() == Verdict::error);
  REQUIRE(r.broken.harness_error);
  INFO(*r.broken.harness_error);
  CHECK(r.broken.harness_error->find("unknown directive \"proxy_read_timeoot\" in " +
                                     (d.path() / "conf/nginx.conf:7").string()) !=
        std::string::npos);
  CHECK(containers_of(::getpid()).empty());
}

// A child process plays the CLI's run of `s` until the interrupt; its exit status is 130 then, 3
// when the run ended first. Returns once the child handles interrupts (-1 if it never did).
pid_t fork_interruptible_run(const Scenario& s) {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  std::fflush(nullptr);
  pid_t run = ::fork();
  if (run == 0) {  // no doctest assertion here: the child never returns to doctest
    ::close(ready[0]);
    try {
      install_interrupt_handling();
      (void)!::write(ready[1], "r", 1);
      ::close(ready[1]);
      DockerLauncher launcher(kImage);
      ScenarioResult r = run_scenario(s, launcher, {});
      // As the CLI does: the interrupt thread removes the containers, then exits with 130.
      if (interrupted()) await_interrupt_exit();
      // Exit 3 below: say why the run ended before the interrupt came.
      std::fprintf(stderr, "run ended before the interrupt: %s %s\n", r.broken.summary().c_str(),
                   r.broken.harness_error.value_or("").c_str());
    } catch (const std::exception& e) {
      if (interrupted()) await_interrupt_exit();  // e.g. the interrupt ended `docker version`
      std::fprintf(stderr, "run threw: %s\n", e.what());
    }
    ::_exit(3);
  }
  ::close(ready[1]);
  bool handling = run > 0 && read_ready(ready[0], Millis(30'000));
  ::close(ready[0]);
  if (run > 0 && !handling) {
    ::kill(run, SIGKILL);
    ::waitpid(run, nullptr, 0);
  }
  return handling ? run : -1;
}

// SIGINT to `run`, then its wait status (SIGKILLed if it did not exit within the hook's bounds).
int interrupt_and_reap(pid_t run) {
  ::kill(run, SIGINT);
  int status = 0;
  auto deadline = Clock::now() + Millis(60'000);  // the interrupt hook waits up to 20 s per docker
  while (::waitpid(run, &status, WNOHANG) == 0 && Clock::now() < deadline) ::usleep(20'000);
  if (Clock::now() >= deadline) {
    ::kill(run, SIGKILL);
    ::waitpid(run, &status, 0);
  }
  return status;
}

// Checks that `run` left no container, naming any it left (then removes them).
void check_no_container_left(pid_t run) {
  std::vector<std::string> left = containers_of(run);
  if (!left.empty()) {
    INFO(run_command(
             {"docker", "ps", "-a", "--filter", fmt::format("label=org.badgateway.pid={}", run),
              "--format", "{{.Names}} {{.Status}} created {{.CreatedAt}}"},
             Millis(15'000))
             .output);
    CHECK(left.empty());
  }
  for (const auto& id : left) run_command({"docker", "rm", "-f", id}, Millis(15'000));
}

TEST_CASE("docker launcher: an interrupt during an own-config run removes holder and nginx") {
  SKIP_WITHOUT_DOCKER(true);
  test::OwnConfigDir d;
  d.write("conf/nginx.conf", own_config(""));  // 60 s default: the run waits for the interrupt
  pid_t run = fork_interruptible_run(d.scenario(own_scenario("stall", "status = 504")));
  REQUIRE(run > 0);
  // Both containers exist once nginx serves in the holder's namespace.
  auto deadline = Clock::now() + Millis(60'000);
  std::size_t seen = 0;
  while (Clock::now() < deadline && (seen = containers_of(run).size()) < 2) ::usleep(100'000);
  int status = interrupt_and_reap(run);
  CHECK(seen == 2);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  check_no_container_left(run);
}

// The interrupt comes at set moments of the run's start: while the holder, `nginx -t`'s container
// or nginx's is being created, started or removed. A docker CLI killed while the daemon created
// its container used to leave that container behind ("Created").
TEST_CASE("docker launcher: an interrupt at any moment of a run's start leaves no container") {
  SKIP_WITHOUT_DOCKER(true);
  test::OwnConfigDir d;
  d.write("conf/nginx.conf", own_config(""));
  Scenario s = d.scenario(own_scenario("stall", "status = 504"));
  for (int after_ms = 0; after_ms <= 1500; after_ms += 100) {
    CAPTURE(after_ms);
    pid_t run = fork_interruptible_run(s);
    REQUIRE(run > 0);
    // Not a synchronisation: the delay is the point of the interrupt being tested.
    ::usleep(static_cast<useconds_t>(after_ms) * 1000);
    int status = interrupt_and_reap(run);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    check_no_container_left(run);
  }
}

TEST_CASE("docker launcher: an own config's unix: upstream reaches a fake through the run's /run") {
  SKIP_WITHOUT_DOCKER(true);
  test::OwnConfigDir d;
  d.write("conf/nginx.conf",
          "events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n"
          "            fastcgi_pass unix:/run/php/php-fpm.sock;\n        }\n    }\n}\n");
  Scenario s = d.scenario(
      "name = \"t-own-docker-socket\"\ndescription = \"d\"\ncause = \"php_fpm_not_running\"\n"
      "teaches = \"t\"\n[fakes.php]\nprotocol = \"fastcgi\"\nbehaviour = \"not_running\"\n"
      "socket = \"/run/php/php-fpm.sock\"\n[nginx]\nconfig = \"conf\"\n[expect]\nstatus = 502\n"
      "error_log = 'connect\\(\\) to unix:/run/php/php-fpm\\.sock failed \\(2: No such file'\n"
      "[fix]\ndescription = \"back\"\nfakes.php = { protocol = \"fastcgi\", behaviour = \"ok\" "
      "}\n");
  ScenarioResult r = run_scenario(s, docker(), {});
  INFO(r.broken.harness_error.value_or(""));
  CHECK(r.verdict() == Verdict::pass);
  REQUIRE(r.fixed);
  CHECK(r.fixed->summary() == "200");  // the container's worker (not root) connected: mode 0666
  CHECK(containers_of(::getpid()).empty());
}

}  // namespace
}  // namespace badgateway
