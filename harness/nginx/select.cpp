#include "harness/nginx/select.hpp"

#include <system_error>

#include <fmt/format.h>

#include "harness/nginx/docker_launcher.hpp"
#include "harness/nginx/local_launcher.hpp"
#include "harness/nginx/nginx_cache.hpp"

namespace badgateway {

namespace {

std::unique_ptr<Launcher> cached_launcher(const std::string& spec) {
  std::filesystem::path dir = nginx_cache_dir();
  auto version = NginxVersion::parse(spec);
  if (dir.empty()) {
    throw HarnessError(fmt::format(
        "--nginx {}: no build cache (set BADGATEWAY_NGINX_CACHE, XDG_CACHE_HOME or HOME)", spec));
  }
  auto build = version ? find_cached_build(dir, *version) : std::nullopt;
  if (!build) {
    throw HarnessError(
        fmt::format("--nginx {0}: nginx {0} is not built: no complete build in {1}; build it with "
                    "`docker/build-nginx.sh nginx-{0}.tar.gz` (its source archive; cache dir: "
                    "--cache-dir or BADGATEWAY_NGINX_CACHE)",
                    spec, (dir / spec).string()));
  }
  return std::make_unique<LocalLauncher>(build->binary.string());
}

}  // namespace

std::unique_ptr<Launcher> make_launcher(const std::string& spec) {
  constexpr std::string_view docker = "docker:";
  if (spec.starts_with(docker)) {
    std::string image = spec.substr(docker.size());
    if (image.empty()) throw HarnessError("--nginx docker: needs an image, e.g. docker:nginx:1.27");
    return std::make_unique<DockerLauncher>(image);
  }
  std::error_code ec;
  if (is_release_number(spec) && !std::filesystem::exists(spec, ec)) return cached_launcher(spec);
  return std::make_unique<LocalLauncher>(spec);
}

std::vector<std::string> expand_nginx_specs(const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  for (const auto& spec : specs) {
    if (spec != "all") {
      out.push_back(spec);
      continue;
    }
    out.emplace_back("nginx");
    for (const auto& build : cached_builds(nginx_cache_dir())) out.push_back(build.binary.string());
  }
  return out;
}

}  // namespace badgateway
