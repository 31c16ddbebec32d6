#include "harness/process/run_dir.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/process/owner.hpp"

namespace badgateway {
namespace {

std::mutex g_mutex;
std::set<std::string> g_dirs;   // only those to remove
std::set<std::string> g_files;  // OwnedTempFiles
bool g_closing = false;         // after an interrupt's cleanup no new directory may appear

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
  std::string base = temp_base().string();
  check_quotable(base);
  std::string name = fmt::format("badgateway-{}-", sanitize(label));
  ProcessOwner me = this_process_owner();
  // Not kept: made under a name that says its owner, given the marker, then renamed, so that no
  // SIGKILL can leave it anywhere without an owner `clean` can read.
  std::string tmpl =
      keep_ ? fmt::format("{}/{}XXXXXX", base, name)
            : fmt::format("{}/badgateway-new-{}-{}-XXXXXX", base, me.pid, me.start_time);
  // mkdtemp creates the directory with mode 0700.
  if (!::mkdtemp(tmpl.data())) {
    throw std::runtime_error(
        fmt::format("cannot create a run directory: {}", std::strerror(errno)));
  }
  path_ = tmpl;
  if (!keep_) {
    std::ofstream(path_ / kOwnerMarker) << me.pid << ' ' << me.start_time << '\n';
    std::filesystem::path final_path =
        fmt::format("{}/{}{}", base, name, tmpl.substr(tmpl.size() - 6));
    if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, final_path.c_str(), RENAME_NOREPLACE) != 0) {
      int e = errno;
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
      throw std::runtime_error(fmt::format("cannot create a run directory: {}", std::strerror(e)));
    }
    path_ = final_path;
  }
  std::filesystem::create_directories(path_ / "logs");
  std::filesystem::create_directories(path_ / "tmp");
  if (!keep_) g_dirs.insert(path_.string());
}

// A process may still be deleting a file inside (nginx its pid file) while we walk the tree, and
// remove_all stops at the first error: retry a few times.
// The owner marker goes last: a removal cut short by SIGKILL leaves a directory that `clean` still
// recognises.
static void remove_tree(const std::filesystem::path& dir) {
  for (int attempt = 0; attempt < 5 && std::filesystem::exists(dir); ++attempt) {
    std::error_code ignored;
    if (std::filesystem::is_directory(dir, ignored)) {
      for (std::filesystem::directory_iterator it(dir, ignored), end; !ignored && it != end;
           it.increment(ignored)) {
        if (it->path().filename() != kOwnerMarker) std::filesystem::remove_all(it->path(), ignored);
      }
      ignored.clear();
    }
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

void RunDir::keep() {
  keep_ = true;
  std::error_code ignored;
  std::filesystem::remove(path_ / kOwnerMarker, ignored);
}

void remove_all_run_dirs() {
  std::lock_guard lock(g_mutex);
  g_closing = true;
  for (const auto& d : g_dirs) remove_tree(d);
  g_dirs.clear();
  for (const auto& f : g_files) ::unlink(f.c_str());
  g_files.clear();
}

OwnedTempFile::OwnedTempFile() {
  std::lock_guard lock(g_mutex);
  if (g_closing) throw std::runtime_error("interrupted");
  ProcessOwner me = this_process_owner();
  std::string name =
      fmt::format("{}/badgateway-cmd-{}-{}-XXXXXX", temp_base().string(), me.pid, me.start_time);
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("mkstemp: {}", std::strerror(errno)));
  ::close(fd);
  path_ = name;
  g_files.insert(name);
}

OwnedTempFile::~OwnedTempFile() {
  std::lock_guard lock(g_mutex);
  // Once the interrupt's cleanup took it, the name may already belong to someone else's file.
  if (g_files.erase(path_.string()) > 0) ::unlink(path_.c_str());
}

void create_directories_within(const std::filesystem::path& root,
                               const std::filesystem::path& sub) {
  std::filesystem::path rel = sub.is_absolute() ? sub.lexically_relative(root) : sub;
  if (rel.empty() || *rel.begin() == "..") {
    throw std::filesystem::filesystem_error("not inside the run directory", root, sub,
                                            std::make_error_code(std::errc::invalid_argument));
  }
  std::filesystem::path at = root;
  for (const auto& part : rel) {
    if (part == ".") continue;
    at /= part;
    // mkdir, not create_directories: it fails with ENOENT once `root` is gone.
    // 0777 less the umask, as create_directories: PHP-FPM pools and nginx workers that are not
    // root must traverse these (the run directory itself stays 0700 or 0711).
    if (::mkdir(at.c_str(), 0777) != 0 && errno != EEXIST) {
      throw std::filesystem::filesystem_error("cannot create directory", at,
                                              std::error_code(errno, std::generic_category()));
    }
  }
}

std::filesystem::path temp_base() {
  const char* base = std::getenv("TMPDIR");
  return base && *base ? base : "/tmp";
}

namespace {

// The owner of a leftover: the name of a temporary file (badgateway-cmd-PID-START-XXXXXX, see
// run_command) or of a run directory being made (badgateway-new-...), else a run directory's
// marker.
std::optional<ProcessOwner> owner_of(const std::filesystem::directory_entry& entry) {
  std::string name = entry.path().filename().string();
  if (!name.starts_with("badgateway-")) return std::nullopt;
  std::error_code ec;
  for (std::string prefix : {"badgateway-cmd-", "badgateway-new-"}) {
    if (!name.starts_with(prefix)) continue;
    std::istringstream fields(name.substr(prefix.size()));
    ProcessOwner owner;
    if (!std::getline(fields, owner.pid, '-') || !std::getline(fields, owner.start_time, '-')) {
      return std::nullopt;
    }
    return owner;
  }
  if (entry.is_directory(ec) && !entry.is_symlink(ec)) {
    std::ifstream in(entry.path() / kOwnerMarker);
    ProcessOwner owner;
    if (!(in >> owner.pid >> owner.start_time)) return std::nullopt;
    return owner;
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::filesystem::path> remove_leftovers_of_dead_runs() {
  std::vector<std::filesystem::path> removed;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(temp_base(), ec), end; !ec && it != end;
       it.increment(ec)) {
    auto owner = owner_of(*it);
    if (!owner || owner_alive(*owner)) continue;
    remove_tree(it->path());
    if (!std::filesystem::exists(it->path(), ec)) removed.push_back(it->path());
  }
  return removed;
}

}  // namespace badgateway
