#pragma once
// The name-resolution files nginx sees in a run with a network of its own (issue 11): a standard
// /etc/hosts, /etc/resolv.conf naming the run's DNS fakes, and pinned /etc/gai.conf,
// /etc/nsswitch.conf and /etc/host.conf (which addresses getaddrinfo() gives, and in what order,
// comes from those: without host.conf's `multi on`, as in a FROM-scratch image, glibc returns
// only the first hosts line of a name, and `localhost` is 127.0.0.1 alone). Written into the
// run directory and mounted over the machine's files for nginx only, so that `server app:8080;`
// and `localhost` resolve the same on every machine.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace badgateway {

struct ResolverFiles {
  std::filesystem::path hosts;
  std::filesystem::path resolv_conf;
  std::filesystem::path gai_conf;
  std::filesystem::path nsswitch_conf;
  std::filesystem::path host_conf;
  // Target path on nginx's side -> the run's file, in mount order.
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> mounts() const;
};

// Debian's standard hosts lines for localhost: both 127.0.0.1 and ::1, as a fresh Debian 12
// machine has them (the order of addresses for "localhost" is then getaddrinfo()'s).
inline constexpr const char* kStandardHosts =
    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

// Writes the five files into `dir` (mode 0644, readable by nginx's workers): `hosts_text` as
// /etc/hosts, `nameservers` (IP addresses, port 53; at most 3 are used by glibc) in resolv.conf
// with `options timeout:1 attempts:1`, so that a silent server cannot hold `nginx -t` for 10 s.
// Throws HarnessError when a file cannot be written.
ResolverFiles write_resolver_files(const std::filesystem::path& dir, const std::string& hosts_text,
                                   const std::vector<std::string>& nameservers);

}  // namespace badgateway
