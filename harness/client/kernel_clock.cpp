#include "harness/client/kernel_clock.hpp"

#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

namespace badgateway {
namespace {

KernelTime to_kernel_time(const timespec& ts) {
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// The software timestamp of a SCM_TIMESTAMPING message (ts[0]; ts[2] is the hardware one).
std::optional<KernelTime> software_timestamp(msghdr& msg) {
  std::optional<KernelTime> found;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPING) continue;
    scm_timestamping ts;
    std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
    if (ts.ts[0].tv_sec != 0 || ts.ts[0].tv_nsec != 0) found = to_kernel_time(ts.ts[0]);
  }
  return found;
}

}  // namespace

bool enable_kernel_timestamps(int fd) {
  // TSONLY: the error queue carries the timestamp only, not a copy of the bytes sent.
  unsigned flags = SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_SOFTWARE |
                   SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
                   SOF_TIMESTAMPING_OPT_TSONLY;
  return ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags) == 0;
}

std::optional<KernelTime> take_send_timestamp(int fd) {
  std::optional<KernelTime> earliest;
  for (int i = 0; i < 64; ++i) {  // bounded: one entry per write and kind
    alignas(cmsghdr) char control[512];
    char data[1];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
    if (auto t = software_timestamp(msg); t && (!earliest || *t < *earliest)) earliest = t;
  }
  return earliest;
}

ssize_t receive_with_timestamp(int fd, void* data, std::size_t size,
                               std::optional<KernelTime>& received) {
  alignas(cmsghdr) char control[512];
  iovec iov{data, size};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
  if (n > 0) {
    if (auto t = software_timestamp(msg)) received = t;
  }
  return n;
}

}  // namespace badgateway
