#pragma once
// Private network namespaces. A user's own config listens where it likes (`listen 80;`) and its
// upstream names resolve to 127.0.0.N: inside a namespace of its own neither collides with this
// machine, with other runs, or is reachable from outside.
#include <sys/types.h>

#include <optional>
#include <string>

namespace badgateway {

class NetNamespace {
 public:
  // A new namespace with loopback up. Needs CAP_SYS_ADMIN; throws HarnessError otherwise.
  static NetNamespace create();
  // The namespace a running process is in (a container's, through /proc/PID/ns/net).
  static NetNamespace of_process(pid_t pid);
  // Why this process cannot create network namespaces (create()'s message), or nullopt when it
  // can. Tried once, then remembered.
  static std::optional<std::string> unavailable();

  NetNamespace() = default;
  NetNamespace(NetNamespace&& other) noexcept;
  NetNamespace& operator=(NetNamespace&& other) noexcept;
  NetNamespace(const NetNamespace&) = delete;
  NetNamespace& operator=(const NetNamespace&) = delete;
  ~NetNamespace();

  // For a thread that lives in this namespace until it ends (a fake server's I/O thread).
  // Returns false when it could not (the thread stays where it was).
  bool move_this_thread() const;

  int fd() const { return fd_; }  // -1: the host's namespace
  explicit operator bool() const { return fd_ >= 0; }

 private:
  explicit NetNamespace(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Sets a network-namespaced sysctl ("net.ipv4.ip_local_port_range") in `ns` only. Throws
// HarnessError naming the key (no such key in a network namespace of this kernel, a bad value).
void write_sysctl(const NetNamespace& ns, const std::string& key, const std::string& value);

// The calling thread works in `ns` (sockets it opens belong there) until this goes out of scope.
// A null or empty namespace leaves the thread where it is.
class InNetNamespace {
 public:
  explicit InNetNamespace(const NetNamespace* ns);
  ~InNetNamespace();
  InNetNamespace(const InNetNamespace&) = delete;
  InNetNamespace& operator=(const InNetNamespace&) = delete;

 private:
  int home_ = -1;
};

}  // namespace badgateway
