#pragma once
// Reading a user's own nginx configuration, which badgateway must test unchanged: the ports it
// listens on, the upstream hosts it names (so fakes can stand in for them), where it logs and
// whether it daemonizes. Tokenizes the way nginx does (ngx_conf_read_token) so that what we
// extract is what nginx would see; it does not validate directives, `nginx -t` does that.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace badgateway {

struct ConfigLocation {
  std::string file;  // as a host path
  int line = 0;
};

struct UpstreamHostRef {
  std::string host;        // "app", or an IP literal ("127.0.0.1", "::1": no brackets)
  std::uint16_t port = 0;  // 8080; 0 when the directive needs a port and has none (nginx rejects)
  std::string directive;   // "server" (inside upstream{}), "proxy_pass", "fastcgi_pass", ...
  ConfigLocation where;
  std::string upstream_block;  // for a `server`: the name of its upstream{} block
};

struct UpstreamSocketRef {
  std::string path;       // "/run/php/php8.2-fpm.sock", as written after "unix:"
  std::string directive;  // "fastcgi_pass", "server", "proxy_pass", ...
  ConfigLocation where;
  std::string upstream_block;  // for a `server`: the name of its upstream{} block
};

struct ConfigFacts {
  std::vector<std::uint16_t> listen_ports;  // order of appearance, deduplicated
  // Ports nginx listens on for every address (`listen 80`, `*:80`, `0.0.0.0:80`, `[::]:80`):
  // nothing else in nginx's network namespace can bind them. Sorted, unique.
  std::vector<std::uint16_t> wildcard_listen_ports;
  std::vector<UpstreamHostRef> hosts;      // every name-based upstream reference, in order
  std::vector<UpstreamHostRef> addresses;  // every IP-literal upstream reference, in order
  std::vector<UpstreamSocketRef> sockets;  // every unix-socket upstream, in order
  std::vector<std::string> error_logs;     // path argument of every error_log directive, as written
  std::optional<std::string> daemon;       // argument of a `daemon` directive if any
  // upstream{} name (lower case) -> the *_pass directive that names it ("fastcgi_pass"): which
  // protocol its servers speak. A group named by several keeps the first.
  std::map<std::string, std::string> group_passes;
  // log_format NAME [escape=...] STRING...: name -> the strings joined, as nginx joins them.
  std::map<std::string, std::string> log_formats;
  // The format name of every access_log that has one ("combined" when it names none), in order.
  std::vector<std::string> access_log_formats;
  std::vector<std::string> files;  // every file read, main first

  // Ports the config uses for `host`, a name or an IP literal (sorted, unique; host names compare
  // case-insensitively as DNS does; a missing port (0) is not a port).
  std::vector<std::uint16_t> ports_of(std::string_view host) const;
};

// A config we cannot read the way nginx would. what() is "FILE:LINE: what".
class ConfigScanError : public std::runtime_error {
 public:
  ConfigScanError(const ConfigLocation& where, const std::string& what);
  ConfigLocation where;
};

// Reads `main_file` and every file it includes. The config is meant to be mounted at
// `mounted_at` inside the container/namespace where nginx runs, while on this host it lives in
// `config_root` (for a single-file config, its parent directory). Includes are resolved as nginx
// would there (relative ones against `mounted_at`) and read from `config_root`; includes outside
// `mounted_at`, and globs that match nothing, belong to the image and are skipped. A missing
// non-glob include under `mounted_at`, an include loop, and any syntax error nginx would report
// are ConfigScanErrors. Without `follow_includes` (a single nginx.conf mounted over the image's),
// every include is the image's file.
ConfigFacts scan_nginx_config(const std::filesystem::path& main_file,
                              const std::filesystem::path& config_root,
                              const std::string& mounted_at = "/etc/nginx",
                              bool follow_includes = true);

}  // namespace badgateway
