#include "harness/observe/log_file.hpp"

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
  for (;;) {
    if (find_regex(pattern)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (alive && !alive()) return find_regex(pattern).has_value();
    std::this_thread::sleep_for(Millis(5));  // poll interval of a bounded wait
  }
}

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace badgateway
