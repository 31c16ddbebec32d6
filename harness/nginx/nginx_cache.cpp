#include "harness/nginx/nginx_cache.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace badgateway {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCompleteMarker = ".badgateway-complete";

// --NAME=VALUE from the "configure arguments:" line (values have no spaces in builds we read).
std::optional<std::string> configure_arg(std::string_view output, std::string_view name) {
  auto line_at = output.find("configure arguments:");
  if (line_at == std::string_view::npos) return std::nullopt;
  std::string_view line = output.substr(line_at);
  line = line.substr(0, line.find('\n'));
  std::string key = "--" + std::string(name) + "=";
  for (std::size_t pos = line.find(key); pos != std::string_view::npos;
       pos = line.find(key, pos + 1)) {
    if (pos > 0 && line[pos - 1] != ' ') continue;  // not the start of an argument
    std::string_view value = line.substr(pos + key.size());
    return std::string(value.substr(0, value.find(' ')));
  }
  return std::nullopt;
}

}  // namespace

std::string conf_dir_from_configure(std::string_view nginx_V_output) {
  fs::path prefix = configure_arg(nginx_V_output, "prefix").value_or("/usr/local/nginx");
  fs::path conf = configure_arg(nginx_V_output, "conf-path").value_or("conf/nginx.conf");
  if (conf.is_relative()) conf = prefix / conf;
  return conf.parent_path().lexically_normal().string();
}

fs::path nginx_cache_dir() {
  if (const char* dir = std::getenv("BADGATEWAY_NGINX_CACHE"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return fs::path(xdg) / "badgateway/nginx";
  if (const char* home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".cache/badgateway/nginx";
  return {};
}

std::optional<CachedBuild> find_cached_build(const fs::path& dir, const NginxVersion& version) {
  std::error_code ec;
  fs::path build = dir / version.str();
  if (!fs::is_regular_file(build / kCompleteMarker, ec)) return std::nullopt;
  if (!fs::is_regular_file(build / "sbin/nginx", ec)) return std::nullopt;
  return CachedBuild{version, build / "sbin/nginx"};
}

bool is_release_number(std::string_view text) {
  int parts = 0;
  std::size_t digits = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && digits > 0) {
      ++parts;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits > 0 && parts == 2;
}

std::vector<CachedBuild> cached_builds(const fs::path& dir) {
  std::vector<CachedBuild> builds;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!is_release_number(name)) continue;
    auto version = NginxVersion::parse(name);
    if (!version) continue;
    if (auto build = find_cached_build(dir, *version)) builds.push_back(std::move(*build));
  }
  std::sort(builds.begin(), builds.end(),
            [](const CachedBuild& a, const CachedBuild& b) { return a.version < b.version; });
  return builds;
}

}  // namespace badgateway
