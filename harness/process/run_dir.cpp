#include "harness/process/run_dir.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace badgateway {
namespace {

std::mutex g_mutex;
std::set<std::string> g_dirs;  // only those to remove
bool g_closing = false;        // after an interrupt's cleanup no new directory may appear

std::string sanitize(const std::string& label) {
  std::string out;
  for (char c : label) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  return out.substr(0, 40);
}

// The run directory's path goes into nginx.conf and php-fpm.conf in double quotes. A space or ';'
// is fine there; these are not: '$' (nginx expands variables in some paths, PHP's ini parser in
// quoted strings), '"' and '\\' (escapes, differently in each), control characters (a new line).
void check_quotable(const std::string& base) {
  for (char c : base) {
    auto u = static_cast<unsigned char>(c);
    if (c == '$' || c == '"' || c == '\\' || u < 0x20 || u == 0x7F) {
      throw std::runtime_error(fmt::format(
          "TMPDIR=\"{}\" cannot be written into nginx.conf or php-fpm.conf: choose a directory "
          "without '$', '\"', '\\' or control characters",
          base));
    }
  }
}

}  // namespace

RunDir::RunDir(const std::string& label, bool keep) : keep_(keep) {
  std::lock_guard lock(g_mutex);
  if (g_closing) throw std::runtime_error("interrupted");
  const char* base = std::getenv("TMPDIR");
  if (base && *base) check_quotable(base);
  std::string tmpl =
      fmt::format("{}/badgateway-{}-XXXXXX", base && *base ? base : "/tmp", sanitize(label));
  // mkdtemp creates the directory with mode 0700.
  if (!::mkdtemp(tmpl.data())) {
    throw std::runtime_error(
        fmt::format("cannot create a run directory: {}", std::strerror(errno)));
  }
  path_ = tmpl;
  std::filesystem::create_directories(path_ / "logs");
  std::filesystem::create_directories(path_ / "tmp");
  if (!keep_) g_dirs.insert(path_.string());
}

// A process may still be deleting a file inside (nginx its pid file) while we walk the tree, and
// remove_all stops at the first error: retry a few times.
static void remove_tree(const std::filesystem::path& dir) {
  for (int attempt = 0; attempt < 5 && std::filesystem::exists(dir); ++attempt) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
}

RunDir::~RunDir() {
  // Under the lock, so an interrupt's cleanup waits for a removal in progress instead of
  // exiting half-way through; a directory the cleanup already claimed is left to it.
  std::lock_guard lock(g_mutex);
  bool claimed_by_cleanup = g_closing && !keep_ && !g_dirs.contains(path_.string());
  g_dirs.erase(path_.string());
  if (!keep_ && !claimed_by_cleanup) remove_tree(path_);
}

void remove_all_run_dirs() {
  std::lock_guard lock(g_mutex);
  g_closing = true;
  for (const auto& d : g_dirs) remove_tree(d);
  g_dirs.clear();
}

}  // namespace badgateway
