#include "harness/observe/log_file.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/regex/regex.hpp"

namespace badgateway {

void LogFile::skip_to_end() {
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  offset_ = ec ? 0 : size;
}

std::string LogFile::text() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(offset_));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> LogFile::lines() const {
  std::vector<std::string> out;
  std::istringstream in(text());
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::optional<std::string> LogFile::find_regex(const std::string& pattern) const {
  Regex re(pattern);
  for (const auto& line : lines()) {
    if (re.search(line)) return line;
  }
  return std::nullopt;
}

bool LogFile::wait_for_regex(const std::string& pattern, Millis limit,
                             const std::function<bool()>& alive) const {
  auto deadline = std::chrono::steady_clock::now() + limit;
  // Woken by writes to the log's directory (the file may not exist yet), so a line is seen as it
  // lands; the timeout only bounds how late a writer's death is noticed.
  int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch >= 0 && ::inotify_add_watch(watch, path_.parent_path().c_str(),
                                        IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
    ::close(watch);
    watch = -1;  // no watch (inotify limits): polled instead
  }
  auto ended = [&](bool result) {
    if (watch >= 0) ::close(watch);
    return result;
  };
  Regex re(pattern);
  for (;;) {
    for (const auto& line : lines()) {
      if (re.search(line)) return ended(true);
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return ended(false);
    if (alive && !alive()) return ended(find_regex(pattern).has_value());
    auto wait = std::min<Millis>(Millis(5), std::chrono::ceil<Millis>(deadline - now));
    if (watch >= 0) {
      pollfd p{watch, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(wait.count())) > 0) {
        char events[4096];
        while (::read(watch, events, sizeof events) > 0) {
        }
      }
    } else {
      std::this_thread::sleep_for(wait);  // poll interval of a bounded wait
    }
  }
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace badgateway
