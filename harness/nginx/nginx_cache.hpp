#pragma once
// nginx builds made by docker/build-nginx.sh, and what `nginx -V` says about any nginx.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/nginx/version.hpp"

namespace badgateway {

// The directory an nginx binary reads its config from by default (where a source build's
// fastcgi_params and mime.types are): the directory of --conf-path in `nginx -V`'s "configure
// arguments:" line, else PREFIX/conf (--prefix, default /usr/local/nginx, as auto/options has it).
// A relative --conf-path is relative to the prefix, as nginx resolves it.
std::string conf_dir_from_configure(std::string_view nginx_V_output);

// "1.31.4": three dot-separated runs of digits, the way release numbers and cache entries are
// named.
bool is_release_number(std::string_view text);

// Where docker/build-nginx.sh puts builds: $BADGATEWAY_NGINX_CACHE, else
// ${XDG_CACHE_HOME:-$HOME/.cache}/badgateway/nginx. Empty when none of these is set.
std::filesystem::path nginx_cache_dir();

struct CachedBuild {
  NginxVersion version;
  std::filesystem::path binary;  // DIR/VERSION/sbin/nginx
};

// Complete builds in `dir` (VERSION/.badgateway-complete present, written last by the build
// script), in version order. A missing directory has none.
std::vector<CachedBuild> cached_builds(const std::filesystem::path& dir);

// The build of exactly `version` in `dir`, if complete.
std::optional<CachedBuild> find_cached_build(const std::filesystem::path& dir,
                                             const NginxVersion& version);

}  // namespace badgateway
