#pragma once
// Runs a fake's request reading on bytes from a fuzzer: the bytes are written into one end of a
// unix socket pair whose write side is then shut, the fake's Connection reads the other end until
// it gives up. Everything is local to one call; nothing outlives it.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string_view>

#include "fakes/core/asio.hpp"
#include "fakes/core/connection.hpp"
#include "fakes/core/recorder.hpp"

namespace badgateway::fuzz {

// Keeps a write into the socket pair from blocking: well below a unix socket's default buffer.
inline constexpr std::size_t kMaxStreamInput = 64 * 1024;

class NoListener : public fakes::ListenerControl {
 public:
  void stop_listening() override {}
  void resume_listening() override {}
};

inline void read_as_fake(std::string_view bytes,
                         const std::function<fakes::Task<void>(fakes::Connection&)>& read) {
  if (bytes.size() > kMaxStreamInput) bytes = bytes.substr(0, kMaxStreamInput);
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fds[1], bytes.data() + done, bytes.size() - done);
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  ::shutdown(fds[1], SHUT_WR);
  {
    fakes::asio::io_context io;
    fakes::asio::generic::stream_protocol::socket socket(
        io, fakes::asio::generic::stream_protocol(AF_UNIX, SOCK_STREAM), fds[0]);
    fakes::Recorder recorder;
    NoListener listener;
    fakes::Connection connection(fakes::Stream(std::move(socket)), "fuzz", recorder, listener,
                                 std::chrono::seconds(5));
    fakes::asio::co_spawn(io, read(connection), fakes::asio::detached);
    io.run();
  }
  ::close(fds[1]);
}

}  // namespace badgateway::fuzz
