#pragma once
// Reading a file named by a user (a scenario, an own nginx config and its includes) without
// trusting it: only regular files, never more than a cap, never blocking on a FIFO. A path to
// /dev/zero, /proc/self/mem or a named pipe is a one-line error, at once.
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace badgateway {

// Scenario files and each nginx config file: far above any real one (the catalog's largest is a
// few KiB, nginx's own example configs are under 10 KiB).
inline constexpr std::size_t kMaxInputFileBytes = 1 << 20;

// what() is "PATH: why", e.g. "/dev/zero: not a regular file (a character device)".
class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The whole file. Throws InputFileError when it cannot be opened, is not a regular file (checked
// on the opened descriptor, so a swapped path cannot slip through), or is larger than max_bytes
// (counted while reading, so files that lie about their size, as in /proc, are capped too).
std::string read_bounded_file(const std::filesystem::path& path,
                              std::size_t max_bytes = kMaxInputFileBytes);

}  // namespace badgateway
