#pragma once
#include <filesystem>
#include <string>

namespace badgateway {

// A private directory (mode 0700) for one run: config, logs, sockets, nginx temp paths. Removed
// on destruction unless kept, and registered so an interrupted run removes it too.
class RunDir {
 public:
  explicit RunDir(const std::string& label, bool keep = false);
  ~RunDir();
  RunDir(const RunDir&) = delete;
  RunDir& operator=(const RunDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  void keep() { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_;
};

// Called by the signal thread.
void remove_all_run_dirs();

}  // namespace badgateway
