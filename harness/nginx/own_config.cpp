#include "harness/nginx/own_config.hpp"

#include <fstream>

#include <fmt/format.h>

#include "harness/nginx/config.hpp"
#include "harness/process/run_dir.hpp"

namespace badgateway {

std::string OwnConfig::global_directives(const std::filesystem::path& error_log) const {
  return fmt::format("error_log {} info;{}", nginx_quote(error_log.string()),
                     config_sets_daemon ? "" : " daemon off;");
}

ConfigFacts scan_own_config(const std::filesystem::path& source) {
  if (std::filesystem::is_directory(source))
    return scan_nginx_config(source / "nginx.conf", source);
  // A single file replaces the image's nginx.conf; what it includes is the image's.
  return scan_nginx_config(source, source.parent_path(), kOwnConfigMount, false);
}

std::string OwnConfig::on_host(std::string message) const {
  const std::string mounted = is_directory() ? std::string(kOwnConfigMount) + "/" : kOwnConfigFile;
  const std::string host = is_directory() ? source.string() + "/" : source.string();
  for (std::size_t at = message.find(mounted); at != std::string::npos;
       at = message.find(mounted, at + host.size())) {
    message.replace(at, mounted.size(), host);
  }
  return message;
}

std::string with_host_paths(const LaunchPaths& paths, std::string message) {
  return paths.own ? paths.own->on_host(std::move(message)) : message;
}

std::string own_hosts_text(const std::map<std::string, std::string>& hosts) {
  // localhost is 127.0.0.1 only (not also ::1 as in Debian's file): nginx resolves every address
  // of a name into a peer of its own, and a fake standing for localhost listens on one.
  std::string text = "127.0.0.1\tlocalhost\n::1\tip6-localhost ip6-loopback\n";
  for (const auto& [name, ip] : hosts) {
    if (ip != "127.0.0.1") text += ip + '\t' + name + '\n';
  }
  return text;
}

OwnConfig prepare_own_config(const std::filesystem::path& source,
                             const std::map<std::string, std::string>& hosts,
                             const std::filesystem::path& run_dir, bool config_sets_daemon) {
  OwnConfig own;
  own.source = source;
  own.hosts = hosts;
  own.config_sets_daemon = config_sets_daemon;
  own.hosts_file = run_dir / "hosts";
  own.log_dir = run_dir / "var-log-nginx";
  own.state_dir = run_dir / "state";
  std::ofstream out(own.hosts_file);
  out << own_hosts_text(hosts);
  out.close();
  if (!out) throw HarnessError(fmt::format("cannot write {}", own.hosts_file.string()));
  create_directories_within(run_dir, own.log_dir);
  for (const char* d : {"run", "lib", "cache"})
    create_directories_within(run_dir, own.state_dir / d);
  return own;
}

std::filesystem::path socket_on_host(const OwnConfig& own, const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  for (const char* run : {"/run/", "/var/run/"}) {
    if (p.starts_with(run)) return own.state_dir / "run" / p.substr(std::string_view(run).size());
  }
  throw HarnessError(fmt::format("socket {} is not under /run", path));
}

std::vector<BindMount> local_mounts(const OwnConfig& own) {
  std::vector<BindMount> mounts;
  if (own.is_directory()) {
    mounts.push_back({own.source, kOwnConfigMount, true});
  } else {
    mounts.push_back({own.source, kOwnConfigFile, true});
  }
  // After the config's own mount, so one in its directory lands over the user's file.
  const std::string config_dir = std::string(kOwnConfigMount) + "/";
  for (const auto& [source, target] : own.tls_files) {
    // What nginx's mount namespace has at `target` once the config is mounted: the user's file
    // in the config directory, else this machine's.
    std::filesystem::path covered = target;
    if (own.is_directory() && target.string().starts_with(config_dir)) {
      covered = own.source / target.string().substr(config_dir.size());
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(covered, ec)) {
      throw HarnessError(fmt::format(
          "nginx.tls_files: {} is not a file on this machine, and the local nginx sees the run's "
          "file there through a mount over an existing one (name a file in the config directory, "
          "or use --nginx docker:IMAGE)",
          target.string()));
    }
    mounts.push_back({source, target, true});
  }
  const std::pair<const char*, std::filesystem::path> writable[] = {
      {"/var/log/nginx", own.log_dir},
      {"/var/lib/nginx", own.state_dir / "lib"},
      {"/var/cache/nginx", own.state_dir / "cache"},
      {"/run", own.state_dir / "run"}};  // last: a run dir under /run stays reachable until then
  for (const auto& [target, source] : writable) {
    if (std::filesystem::is_directory(target)) mounts.push_back({source, target, false});
  }
  return mounts;
}

std::vector<std::filesystem::path> observable_error_logs(const OwnConfig& own,
                                                         const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> out;
  const std::string prefix = "/var/log/nginx/";
  for (const auto& written : paths) {
    // As nginx opens it: "/var/log/nginx/../x" leaves the mount, and must not leave log_dir.
    const std::string p = std::filesystem::path(written).lexically_normal().string();
    if (p.starts_with(prefix)) out.push_back(own.log_dir / p.substr(prefix.size()));
  }
  return out;
}

}  // namespace badgateway
