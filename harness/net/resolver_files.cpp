#include "harness/net/resolver_files.hpp"

#include <fstream>

#include <fmt/format.h>

#include "harness/error.hpp"

namespace badgateway {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw HarnessError(fmt::format("cannot write {}", path.string()));
  std::filesystem::permissions(path, std::filesystem::perms(0644));
}

}  // namespace

std::vector<std::pair<std::filesystem::path, std::filesystem::path>> ResolverFiles::mounts() const {
  return {{"/etc/hosts", hosts},
          {"/etc/resolv.conf", resolv_conf},
          {"/etc/gai.conf", gai_conf},
          {"/etc/nsswitch.conf", nsswitch_conf},
          {"/etc/host.conf", host_conf}};
}

ResolverFiles write_resolver_files(const std::filesystem::path& dir, const std::string& hosts_text,
                                   const std::vector<std::string>& nameservers) {
  ResolverFiles f{dir / "etc-hosts", dir / "etc-resolv.conf", dir / "etc-gai.conf",
                  dir / "etc-nsswitch.conf", dir / "etc-host.conf"};
  write_file(f.hosts, hosts_text);
  std::string resolv =
      "# badgateway: the run's DNS fakes (none: names resolve through hosts only)\n";
  for (const auto& ns : nameservers) resolv += fmt::format("nameserver {}\n", ns);
  resolv += "options timeout:1 attempts:1\n";
  write_file(f.resolv_conf, resolv);
  // No rules: glibc's built-in RFC 6724 table, which is also what Debian's all-comment file gives.
  write_file(f.gai_conf, "# badgateway: glibc's default address order (RFC 6724)\n");
  // Files, then DNS: no mDNS, systemd-resolved or myhostname module of this machine in between.
  write_file(f.nsswitch_conf, "hosts: files dns\n");
  // Debian's: every address of a name in /etc/hosts, not only its first line's.
  write_file(f.host_conf, "multi on\n");
  return f;
}

}  // namespace badgateway
