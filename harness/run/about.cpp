#include "harness/run/about.hpp"

#include <fmt/format.h>

namespace badgateway {
namespace {

// A parameter's value as TOML writes it: "2s" quoted, 3 and true bare.
std::string param_text(const fakes::ParamValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return fmt::format("\"{}\"", x);
        } else if constexpr (std::is_same_v<T, bool>) {
          return x ? "true" : "false";
        } else {
          return fmt::format("{}", x);
        }
      },
      v);
}

std::string listen_text(const FakeSpec& f) {
  if (f.zone) {
    return f.resolv_conf ? "127.0.53.N:53, named in the run's /etc/resolv.conf"
                         : "127.0.0.1 (UDP and TCP; port: the kernel's)";
  }
  if (f.socket) return "unix:" + *f.socket;
  if (f.unix_socket) return "a unix socket in the run directory";
  if (f.host) {
    return f.host->port ? fmt::format("{}:{}", f.host->name, f.host->port)
                        : fmt::format("{} (the config's port)", f.host->name);
  }
  if (f.listen_on) {
    return f.listen_on->port ? f.listen_on->to_string()
                             : fmt::format("{} (port: the kernel's)", f.listen_on->host);
  }
  return "127.0.0.1 (port: the kernel's)";
}

ScenarioAbout::Fake fake_about(const FakeSpec& f, std::string phase) {
  ScenarioAbout::Fake out;
  out.phase = std::move(phase);
  out.name = f.name;
  out.protocol = f.zone ? "dns" : f.protocol == fakes::Protocol::fastcgi ? "fastcgi" : "http";
  out.behaviour = f.behaviour;
  out.listen = listen_text(f);
  for (const auto& [key, value] : f.params) out.params.emplace_back(key, param_text(value));
  if (f.tls) out.params.emplace_back("tls", "{ ... }");
  return out;
}

void add_part(ScenarioAbout& about, std::string field, const std::optional<std::string>& broken,
              const std::optional<std::string>& fixed) {
  if (!broken && !fixed) return;
  about.config.push_back({std::move(field), broken.value_or(""), fixed.value_or("")});
}

}  // namespace

ScenarioAbout describe_scenario(const Scenario& s) {
  ScenarioAbout about;
  about.description = s.description;
  about.teaches = s.teaches;
  about.directive = s.directive;
  if (s.fix) about.fix_description = s.fix->description;
  const NginxSpec& broken = s.broken.nginx;
  // Without a fix both columns are the broken phase's: nothing changes.
  const NginxSpec& fixed = s.fixed ? s.fixed->nginx : broken;
  add_part(about, "nginx.config", broken.config, fixed.config);
  add_part(about, "nginx.main", broken.main, fixed.main);
  add_part(about, "nginx.events", broken.events, fixed.events);
  add_part(about, "nginx.http", broken.http, fixed.http);
  add_part(about, "nginx.server", broken.server, fixed.server);
  add_part(about, "nginx.location", broken.location, fixed.location);
  if (broken.start || fixed.start) {
    add_part(about, "nginx.start", broken.start.value_or(true) ? "true" : "false",
             fixed.start.value_or(true) ? "true" : "false");
  }
  for (const auto& [name, f] : s.broken.fakes) about.fakes.push_back(fake_about(f, "broken"));
  if (s.fix && s.fixed) {
    // As the fixed phase runs them (a replaced fake keeps the broken one's host name or socket).
    for (const auto& [name, f] : s.fix->fakes) {
      auto merged = s.fixed->fakes.find(name);
      about.fakes.push_back(
          fake_about(merged != s.fixed->fakes.end() ? merged->second : f, "fixed"));
    }
  }
  return about;
}

}  // namespace badgateway
