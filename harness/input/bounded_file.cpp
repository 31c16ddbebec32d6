#include "harness/input/bounded_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace badgateway {
namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_bounded_file(const std::filesystem::path& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (f.fd < 0) {
    throw InputFileError(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    throw InputFileError(fmt::format("{}: cannot stat: {}", path.string(), std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    throw InputFileError(
        fmt::format("{}: not a regular file ({})", path.string(), kind_of(st.st_mode)));
  }
  auto too_big = [&] {
    return InputFileError(fmt::format("{}: larger than {} bytes (the limit for an input file)",
                                      path.string(), max_bytes));
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) throw too_big();
  std::string text;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputFileError(fmt::format("{}: read failed: {}", path.string(), std::strerror(errno)));
    }
    if (text.size() + static_cast<std::size_t>(n) > max_bytes) throw too_big();
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace badgateway
