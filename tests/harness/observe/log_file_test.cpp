#include "harness/observe/log_file.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "harness/regex/regex.hpp"
#include "tests/support/temp_dir.hpp"

namespace bg = badgateway;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Lines = std::vector<std::string>;

namespace {

// A private directory for the log files nginx would write.
class LogDir : public bg::test::TempDir {
 public:
  LogDir() : TempDir("bg-log-file") {}
  // Appends as nginx does: the file is opened for each write, so nothing is held open or buffered
  // between a write and the read that must see it.
  void append(const std::string& name, const std::string& text) const {
    std::ofstream out(path(name), std::ios::binary | std::ios::app);
    out << text;
    out.close();
    REQUIRE(out.good());
  }
};

}  // namespace

TEST_CASE("log file: text and lines are everything since construction, empty lines dropped") {
  LogDir dir;
  dir.append("error.log", "first\n\nsecond\n");
  bg::LogFile log(dir.path("error.log"));
  CHECK(log.text() == "first\n\nsecond\n");
  CHECK(log.lines() == Lines{"first", "second"});
  // Nothing is consumed by reading: the same lines again, plus what was appended since.
  dir.append("error.log", "third\n");
  CHECK(log.text() == "first\n\nsecond\nthird\n");
  CHECK(log.lines() == Lines{"first", "second", "third"});
}

TEST_CASE("log file: skip_to_end leaves out what the file held, so a phase sees only its lines") {
  LogDir dir;
  dir.append("error.log", "broken phase\n");
  bg::LogFile log(dir.path("error.log"));
  log.skip_to_end();
  CHECK(log.text().empty());
  CHECK(log.lines().empty());
  CHECK_FALSE(log.find_regex("broken").has_value());
  dir.append("error.log", "fixed phase\n");
  CHECK(log.text() == "fixed phase\n");
  CHECK(log.lines() == Lines{"fixed phase"});
  // A second skip moves the offset on again.
  log.skip_to_end();
  dir.append("error.log", "later\n");
  CHECK(log.lines() == Lines{"later"});
}

TEST_CASE("log file: a file that does not exist yet reads as empty, then from its first byte") {
  LogDir dir;
  bg::LogFile log(dir.path("error.log"));
  CHECK(log.text().empty());
  CHECK(log.lines().empty());
  CHECK_FALSE(log.find_regex(".").has_value());
  // nginx creates its log when it starts, after the harness skipped to the end of nothing.
  log.skip_to_end();
  dir.append("error.log", "created\n");
  CHECK(log.text() == "created\n");
  CHECK(log.lines() == Lines{"created"});
}

TEST_CASE("log file: a partial last line is a line as far as it was written") {
  LogDir dir;
  dir.append("error.log", "whole\nhal");
  bg::LogFile log(dir.path("error.log"));
  CHECK(log.text() == "whole\nhal");
  CHECK(log.lines() == Lines{"whole", "hal"});
  dir.append("error.log", "f\n");
  CHECK(log.lines() == Lines{"whole", "half"});
}

TEST_CASE("log file: find_regex returns the first matching line, PCRE2 syntax, or nullopt") {
  LogDir dir;
  dir.append("error.log",
             "2024/01/01 [info] 7#7: *1 client closed connection\n"
             "2024/01/01 [error] 7#7: *2 upstream timed out (110: Connection timed out)\n"
             "2024/01/01 [error] 7#7: *3 upstream timed out (110: Connection timed out)\n");
  bg::LogFile log(dir.path("error.log"));
  auto hit = log.find_regex(R"(\*\d+ upstream timed out)");
  REQUIRE(hit.has_value());
  CHECK(*hit == "2024/01/01 [error] 7#7: *2 upstream timed out (110: Connection timed out)");
  CHECK_FALSE(log.find_regex("no live upstreams").has_value());
  // Patterns are matched line by line: nothing spans the newline.
  CHECK_FALSE(log.find_regex("connection\\n2024").has_value());
  CHECK_THROWS_AS(log.find_regex("(unclosed"), bg::RegexError);
}

TEST_CASE("log file: wait_for_regex finds a line already there without waiting, even at limit 0") {
  LogDir dir;
  dir.append("error.log", "connect() failed (111: Connection refused)\n");
  bg::LogFile log(dir.path("error.log"));
  int alive_calls = 0;
  CHECK(log.wait_for_regex("Connection refused", 0ms, [&] {
    ++alive_calls;
    return true;
  }));
  CHECK(alive_calls == 0);  // found on the first look: the writer was never asked about
}

TEST_CASE("log file: wait_for_regex sees a line a writer thread appends while it waits") {
  LogDir dir;
  dir.append("error.log", "before\n");
  bg::LogFile log(dir.path("error.log"));
  // The writer appends only once the wait has looked and missed (alive() is asked after a miss),
  // so the line is found by looking again, not on the first look.
  std::promise<void> missed;
  std::future<void> missed_seen = missed.get_future();
  std::atomic<bool> signalled{false};
  std::thread writer([&] {
    if (missed_seen.wait_for(5s) == std::future_status::ready) {
      dir.append("error.log", "upstream prematurely closed connection\n");
    }
  });
  auto start = Clock::now();
  const bool found = log.wait_for_regex("prematurely closed", 5000ms, [&] {
    if (!signalled.exchange(true)) missed.set_value();
    return true;
  });
  const auto took = Clock::now() - start;
  writer.join();
  CHECK(signalled.load());
  CHECK(found);
  CHECK(took < 4s);  // found by polling, well before the limit
  CHECK(log.lines() == Lines{"before", "upstream prematurely closed connection"});
}

TEST_CASE("log file: wait_for_regex sees a line in a file created while it waits") {
  LogDir dir;
  bg::LogFile log(dir.path("error.log"));  // nginx has not opened its log yet
  std::promise<void> missed;
  std::future<void> missed_seen = missed.get_future();
  std::atomic<bool> signalled{false};
  std::thread writer([&] {
    if (missed_seen.wait_for(5s) == std::future_status::ready) {
      dir.append("error.log", "start worker process 42\n");
    }
  });
  const bool found = log.wait_for_regex("start worker process", 5000ms, [&] {
    if (!signalled.exchange(true)) missed.set_value();
    return true;
  });
  writer.join();
  CHECK(signalled.load());
  CHECK(found);
}

TEST_CASE("log file: wait_for_regex gives up at its limit, false, a bounded time later") {
  LogDir dir;
  dir.append("error.log", "something else\n");
  bg::LogFile log(dir.path("error.log"));
  auto start = Clock::now();
  CHECK_FALSE(log.wait_for_regex("never written", 50ms));
  const auto took = Clock::now() - start;
  CHECK(took >= 50ms);
  CHECK(took < 2s);
}

TEST_CASE("log file: wait_for_regex ends early, false, once alive() says the writer died") {
  LogDir dir;
  bg::LogFile log(dir.path("error.log"));  // nginx died before it created its log
  int alive_calls = 0;
  auto start = Clock::now();
  CHECK_FALSE(log.wait_for_regex("never written", 10000ms, [&] {
    ++alive_calls;
    return false;
  }));
  CHECK(Clock::now() - start < 2s);  // not the 10 s limit
  CHECK(alive_calls == 1);
}

TEST_CASE("log file: wait_for_regex still finds the line a dying writer wrote last") {
  LogDir dir;
  dir.append("error.log", "starting\n");
  bg::LogFile log(dir.path("error.log"));
  // The writer logs its reason and exits between the wait's look and its question: the wait looks
  // once more before it believes the writer is gone.
  CHECK(log.wait_for_regex("worker process \\d+ exited on signal 11", 10000ms, [&] {
    dir.append("error.log", "worker process 42 exited on signal 11\n");
    return false;
  }));
}

TEST_CASE("read_whole_file: the bytes of a file, or empty when there is none to read") {
  LogDir dir;
  dir.append("stderr", "nginx: [emerg] unknown directive \"foo\"\nno newline at the end");
  CHECK(bg::read_whole_file(dir.path("stderr")) ==
        "nginx: [emerg] unknown directive \"foo\"\nno newline at the end");
  CHECK(bg::read_whole_file(dir.path("missing")).empty());
  fs::create_directory(dir.path("a-directory"));
  CHECK(bg::read_whole_file(dir.path("a-directory")).empty());
}
