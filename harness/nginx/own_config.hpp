#pragma once
// The pieces both launchers share when they run a user's own config unchanged.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness/nginx/config_scan.hpp"
#include "harness/nginx/launcher.hpp"
#include "harness/process/child.hpp"

namespace badgateway {

// `message` with an own config's mounted paths shown as the user's files (see OwnConfig::on_host).
std::string with_host_paths(const LaunchPaths& paths, std::string message);

// The scan of a user's config: a directory's nginx.conf, or the file itself.
ConfigFacts scan_own_config(const std::filesystem::path& source);

// The /etc/hosts an own config's nginx sees: localhost, then each host name on its loopback
// address.
std::string own_hosts_text(const std::map<std::string, std::string>& hosts);

// Writes the hosts file and creates the log and state directories inside `run_dir`.
OwnConfig prepare_own_config(const std::filesystem::path& source,
                             const std::map<std::string, std::string>& hosts,
                             const std::filesystem::path& run_dir, bool config_sets_daemon);

// Where a socket the config names under /run (or /var/run) is, on this host: in the run's /run.
std::filesystem::path socket_on_host(const OwnConfig& own, const std::string& path);

// What a local nginx sees instead of this machine's files: the config at /etc/nginx, the hosts
// file, the run's certificate files where nginx.tls_files puts them, and private writable
// /var/log/nginx, /var/lib/nginx, /var/cache/nginx and /run (those the machine has: a mount needs
// an existing target). Throws HarnessError for a tls_files path that is no file here.
std::vector<BindMount> local_mounts(const OwnConfig& own);

// The user's error logs as files on this host: those under /var/log/nginx land in own.log_dir.
// Others (relative to nginx's prefix, or elsewhere in the image) cannot be observed.
std::vector<std::filesystem::path> observable_error_logs(const OwnConfig& own,
                                                         const std::vector<std::string>& paths);

}  // namespace badgateway
