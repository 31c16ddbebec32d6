#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "harness/report/live_status.hpp"

namespace bg = badgateway;
using namespace std::chrono_literals;

TEST_SUITE("report") {
  TEST_CASE("live_line: elapsed/planned and counts by status, cut to the terminal's width") {
    bg::LivePhase p{"max-fails-recovery broken", 3200ms, 6000ms, {{200, 80}, {502, 12}, {0, 1}}};
    CHECK(bg::live_line({p}, 200) == "max-fails-recovery broken  3.2s/6.0s  none×1 200×80 502×12");
    CHECK(bg::live_line({}, 200).empty());
    // Nothing counted yet: no trailing spaces.
    CHECK(bg::live_line({{"a fixed", 0ms, 2000ms, {}}}, 80) == "a fixed  0.0s/2.0s");
    // Two phases at once (--jobs 2).
    CHECK(bg::live_line({{"a broken", 100ms, 1000ms, {{200, 1}}}, {"b fixed", 0ms, 500ms, {}}},
                        200) == "a broken  0.1s/1.0s  200×1 | b fixed  0.0s/0.5s");
    // 20 columns: at most 19 characters ("×" is one), cut between characters.
    const std::string cut = bg::live_line({p}, 20);
    CHECK(cut == "max-fails-recovery ");
    // A label from a file cannot drive the terminal.
    CHECK(bg::live_line({{"x\x1b[2J", 0ms, 0ms, {}}}, 80).find('\x1b') == std::string::npos);
  }

  TEST_CASE("LiveBoard: phases while they run, counts as they come") {
    bg::LiveBoard board;
    bg::TrafficProgress counts;
    const auto start = bg::LiveBoard::Clock::now();
    {
      bg::LiveEntry entry(&board, "s broken", start, 2000ms, counts);
      counts.record(200);
      counts.record(200);
      counts.record(0);
      auto snap = board.snapshot(start + 500ms);
      REQUIRE(snap.size() == 1);
      CHECK(snap[0].label == "s broken");
      CHECK(snap[0].elapsed == 500ms);
      CHECK(snap[0].planned == 2000ms);
      CHECK(snap[0].counts == std::map<int, std::uint64_t>{{0, 1}, {200, 2}});
      // Before the start of traffic: 0, not negative.
      CHECK(board.snapshot(start - 10ms)[0].elapsed == 0ms);
    }
    CHECK(board.snapshot().empty());
    bg::LiveEntry nothing(nullptr, "x", start, 0ms, counts);  // no board: a no-op
  }

  TEST_CASE("LiveStatus: draws the line, erases it for printed lines and at the end") {
    char* buf = nullptr;
    std::size_t size = 0;
    std::FILE* mem = ::open_memstream(&buf, &size);
    REQUIRE(mem != nullptr);
    bg::LiveBoard board;
    bg::TrafficProgress counts;
    counts.record(502);
    {
      bg::LiveEntry entry(&board, "s broken", bg::LiveBoard::Clock::now(), 1000ms, counts);
      // A period far beyond the test: only draw() draws, so what is written is known.
      bg::LiveStatus status(mem, board, 1h);
      status.draw();
      status.print("done line\n");
      status.draw();
    }
    std::fclose(mem);
    const std::string all(buf, size);
    std::free(buf);
    INFO(all);
    // Drawn, erased for the printed line, drawn again (the elapsed time depends on the machine).
    CHECK(all.starts_with("\rs broken  "));
    CHECK(all.find("s/1.0s  502×1\x1b[K\r\x1b[Kdone line\n\rs broken  ") != std::string::npos);
    // Stopped: the line is erased, once.
    CHECK(all.ends_with("502×1\x1b[K\r\x1b[K"));
  }
}
