#pragma once
// Kernel timestamps of a TCP socket's traffic (SO_TIMESTAMPING, software timestamps), so that
// elapsed time is taken when bytes pass the network stack, not when this process is next
// scheduled: on a loaded machine the client thread can wake tens of milliseconds after the
// response arrived. Timestamps are CLOCK_REALTIME as the kernel takes them; only differences of
// two of them are used.
#include <chrono>
#include <cstddef>
#include <optional>

#include <sys/types.h>

namespace badgateway {

using KernelTime = std::chrono::nanoseconds;  // since the epoch, CLOCK_REALTIME

// Turns on send (TX_SCHED, TX_SOFTWARE) and receive (RX_SOFTWARE) timestamps on a connected
// TCP socket. Returns false (errno set) when the kernel refuses; the socket is unchanged then.
bool enable_kernel_timestamps(int fd);

// The earliest send timestamp queued on the socket's error queue since the last call: when the
// first bytes written reached the packet scheduler or the device. Never blocks; nullopt when none
// is queued (yet).
std::optional<KernelTime> take_send_timestamp(int fd);

// recvmsg(MSG_DONTWAIT) of up to `size` bytes into `data`. Returns what recv() returns (-1 with
// errno on error, EAGAIN when nothing is there); `received` is set to the kernel's receive
// timestamp of the last segment read when the kernel gave one.
ssize_t receive_with_timestamp(int fd, void* data, std::size_t size,
                               std::optional<KernelTime>& received);

}  // namespace badgateway
