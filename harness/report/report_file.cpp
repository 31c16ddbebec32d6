#include "harness/report/report_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace badgateway {

void replace_file(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  auto fail = [&](const std::string& what) {
    int err = errno;
    ::unlink(temp.c_str());
    throw std::system_error(err, std::generic_category(), what);
  };
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + temp);
  for (std::size_t done = 0; done < text.size();) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      errno = err;
      fail("cannot write " + temp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) fail("cannot write " + temp);
  if (std::rename(temp.c_str(), path.c_str()) != 0) fail("cannot rename " + temp + " to " + path);
}

}  // namespace badgateway
