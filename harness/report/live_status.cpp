#include "harness/report/live_status.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "harness/report/text_escape.hpp"

namespace badgateway {
namespace {

std::string seconds(Millis ms) {
  return fmt::format("{:.1f}s", static_cast<double>(ms.count()) / 1000.0);
}

std::size_t terminal_columns(std::FILE* terminal) {
  winsize size{};
  if (::ioctl(::fileno(terminal), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

// Characters on screen: UTF-8 continuation bytes take no column ("×" is two bytes, one column).
std::size_t columns_of(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string live_line(const std::vector<LivePhase>& phases, std::size_t columns) {
  std::vector<std::string> parts;
  for (const auto& p : phases) {
    std::vector<std::string> counts;
    for (const auto& [status, n] : p.counts) {
      counts.push_back(status ? fmt::format("{}×{}", status, n) : fmt::format("none×{}", n));
    }
    parts.push_back(fmt::format("{}  {}/{}  {}", terminal_escape(p.label), seconds(p.elapsed),
                                seconds(p.planned), fmt::join(counts, " ")));
  }
  std::string line = fmt::format("{}", fmt::join(parts, " | "));
  while (!line.empty() && line.back() == ' ') line.pop_back();
  const std::size_t max = columns > 1 ? columns - 1 : 1;
  if (columns_of(line) > max) {
    // Cut at a character boundary, by columns.
    std::size_t cols = 0, cut = 0;
    for (; cut < line.size(); ++cut) {
      if ((static_cast<unsigned char>(line[cut]) & 0xC0) != 0x80 && ++cols > max) break;
    }
    line.resize(cut);
  }
  return line;
}

LiveStatus::LiveStatus(std::FILE* terminal, const LiveBoard& board,
                       std::chrono::milliseconds period)
    : terminal_(terminal), board_(board), period_(period), thread_([this] { run(); }) {}

LiveStatus::~LiveStatus() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mutex_);
  erase_locked();
}

void LiveStatus::erase_locked() {
  if (!shown_) return;
  std::fputs("\r\x1b[K", terminal_);
  std::fflush(terminal_);
  shown_ = false;
}

void LiveStatus::print(const std::string& text) {
  std::lock_guard lock(mutex_);
  erase_locked();
  std::fputs(text.c_str(), terminal_);
  std::fflush(terminal_);
}

void LiveStatus::draw() {
  std::lock_guard lock(mutex_);
  draw_locked();
}

void LiveStatus::draw_locked() {
  const std::string line = live_line(board_.snapshot(), terminal_columns(terminal_));
  if (line.empty()) {
    erase_locked();
    return;
  }
  std::fputs(fmt::format("\r{}\x1b[K", line).c_str(), terminal_);
  std::fflush(terminal_);
  shown_ = true;
}

void LiveStatus::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stop_; })) draw_locked();
}

}  // namespace badgateway
