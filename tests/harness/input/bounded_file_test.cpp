#include "harness/input/bounded_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

namespace bg = badgateway;
namespace fs = std::filesystem;

namespace {

std::string error_of(const fs::path& path, std::size_t cap = bg::kMaxInputFileBytes) {
  try {
    bg::read_bounded_file(path, cap);
  } catch (const bg::InputFileError& e) {
    return e.what();
  }
  return "(read)";
}

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "bounded-file-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~ScratchDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("read_bounded_file: regular files only, size-capped, never blocking") {
  ScratchDir dir;
  const fs::path file = dir.path / "a.toml";
  std::ofstream(file) << "0123456789";
  CHECK(bg::read_bounded_file(file) == "0123456789");
  CHECK(error_of(file, 9) == file.string() + ": larger than 9 bytes (the limit for an input file)");
  CHECK(error_of("/dev/zero") == "/dev/zero: not a regular file (a character device)");
  CHECK(error_of(dir.path) == dir.path.string() + ": not a regular file (a directory)");
  CHECK(error_of(dir.path / "none") ==
        (dir.path / "none").string() + ": cannot open: No such file or directory");
  // Regular by its mode but unreadable from offset 0: an error, not an abort.
  CHECK(error_of("/proc/self/mem") == "/proc/self/mem: read failed: Input/output error");
  const fs::path fifo = dir.path / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto start = std::chrono::steady_clock::now();
  CHECK(error_of(fifo) == fifo.string() + ": not a regular file (a named pipe)");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
}
