#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace badgateway {

// A private directory (mode 0700) for one run: config, logs, sockets, nginx temp paths. Removed
// on destruction unless kept, and registered so an interrupted run removes it too. A directory that
// is not kept holds a marker naming its owner (kOwnerMarker: pid and start time), so that what a
// SIGKILLed run leaves behind is removed by the next run or `badgateway clean`.
class RunDir {
 public:
  explicit RunDir(const std::string& label, bool keep = false);
  ~RunDir();
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  void keep();

 private:
  std::filesystem::path path_;
  bool keep_;
};

// A temporary file (mode 0600) named after its owner (badgateway-cmd-PID-START-XXXXXX in
// temp_base()), removed on destruction and, like run directories, by an interrupt's cleanup, so a
// command still running when Ctrl-C comes leaves no file behind. Throws std::runtime_error when it
// cannot be made, or after an interrupt's cleanup has begun.
class OwnedTempFile {
 public:
  OwnedTempFile();
  ~OwnedTempFile();
  OwnedTempFile(const OwnedTempFile&) = delete;
  OwnedTempFile& operator=(const OwnedTempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Called by the signal thread: removes every run directory and OwnedTempFile not yet removed.
void remove_all_run_dirs();

// Creates `sub` and its missing parents below `root`, but never `root` itself or anything above
// it: once an interrupt has removed a run directory, a thread still setting the run up must fail
// instead of bringing the directory back (std::filesystem::create_directories would, and the
// directory would outlive badgateway). `sub` is relative to `root` or inside it.
// Throws std::filesystem::filesystem_error when `root` is gone or a component cannot be made.
void create_directories_within(const std::filesystem::path& root, const std::filesystem::path& sub);

// Where run directories and temporary files go: $TMPDIR, else /tmp.
std::filesystem::path temp_base();

// The file in a run directory naming its owner: "PID START_TIME\n" (see owner.hpp).
inline constexpr const char* kOwnerMarker = ".badgateway-owner";

// Removes, from temp_base(), the run directories and temporary files of badgateway processes that
// are gone; spares those of live ones, kept ones (no marker) and anything not ours. Returns the
// paths removed. Never throws.
std::vector<std::filesystem::path> remove_leftovers_of_dead_runs();

}  // namespace badgateway
