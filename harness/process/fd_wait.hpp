#pragma once
// Waiting on one descriptor with a deadline (poll(2)), shared by everything that talks over a
// socket or pipe without Asio: the forked-call protocol, the Graphite client, the stub_status
// reader.
#include <chrono>

namespace badgateway {

// Milliseconds from now to `deadline` for poll()'s timeout, rounded up: sleeping 199 ms of a
// 199.9 ms rest would end the wait before the deadline. 0 once it has passed.
int millis_until(std::chrono::steady_clock::time_point deadline);

// Waits until `fd` has one of `events` or an error condition, retrying on EINTR. Returns poll()'s
// revents (POLLERR, POLLHUP and POLLNVAL included), 0 when `deadline` passed first, -1 when poll()
// failed.
int wait_fd(int fd, short events, std::chrono::steady_clock::time_point deadline);

}  // namespace badgateway
