#pragma once
// A private temporary directory for a test (mode 0700 from mkdtemp), removed with everything in
// it when the test ends.
#include <stdlib.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace badgateway::test {

class TempDir {
 public:
  // `prefix` names the directory in $TMPDIR (else /tmp), for whoever finds one left behind.
  explicit TempDir(const std::string& prefix) {
    std::string name = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    REQUIRE(::mkdtemp(name.data()) != nullptr);
    root_ = name;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path path(const std::string& rel) const { return root_ / rel; }

 private:
  std::filesystem::path root_;
};

}  // namespace badgateway::test
