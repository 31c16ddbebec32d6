#include "harness/scenario/own_config_checks.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "harness/nginx/own_config.hpp"

namespace badgateway {
namespace {

// /var/run is a symlink to /run on every system nginx runs on: one socket, two spellings.
std::string same_run_path(const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  return p.starts_with("/var/run/") ? p.substr(4) : p;
}

// The scan, and the port requests go to: nginx.port, or the config's first listen port.
ConfigFacts scan(Reader& nr, NginxSpec& nginx) {
  ConfigFacts facts;
  try {
    facts = scan_own_config(*nginx.config);
  } catch (const ConfigScanError& e) {
    nr.fail("config", e.what());
  }
  if (facts.daemon && *facts.daemon != "off") {
    nr.fail("config", fmt::format("says `daemon {};`: badgateway runs nginx in the foreground "
                                  "(remove it; the official images pass -g 'daemon off;' too)",
                                  *facts.daemon));
  }
  if (!nginx.port) {
    if (facts.listen_ports.empty()) nr.fail("config", "listens on no TCP port: set nginx.port");
    nginx.port = facts.listen_ports.front();
  } else if (std::find(facts.listen_ports.begin(), facts.listen_ports.end(), *nginx.port) ==
             facts.listen_ports.end()) {
    nr.fail("port", fmt::format("the config does not listen on {} (it listens on {})", *nginx.port,
                                fmt::join(facts.listen_ports, ", ")));
  }
  return facts;
}

// What the fakes checked so far stand for, to find a second fake for the same upstream.
struct Taken {
  std::set<std::pair<std::string, std::uint16_t>> hosts;
  std::set<std::string> sockets;
};

void check_socket_fake(const FakeSpec& f, const ConfigFacts& facts, const std::string& fakes_field,
                       Taken& taken) {
  std::set<std::string> used;
  for (const auto& ref : facts.sockets) used.insert(same_run_path(ref.path));
  const std::string field = fmt::format("{}.{}.socket", fakes_field, f.name);
  if (!used.count(same_run_path(*f.socket))) {
    fail_at_pos(f.socket_pos, field,
                fmt::format("the config never connects to unix:{} (its sockets: {})", *f.socket,
                            used.empty() ? "none" : fmt::format("{}", fmt::join(used, ", "))));
  }
  if (!taken.sockets.insert(same_run_path(*f.socket)).second) {
    fail_at_pos(f.socket_pos, field, "another fake already stands for this socket");
  }
}

void check_host_fake(FakeSpec& f, const ConfigFacts& facts, const std::string& fakes_field,
                     Taken& taken) {
  const std::string field = fmt::format("{}.{}.host", fakes_field, f.name);
  if (!f.host) {
    fail_at_pos(f.pos, field,
                "is required with nginx.config: the host name (and port), or the socket, the "
                "config connects to");
  }
  auto ports = facts.ports_of(f.host->name);
  if (ports.empty()) {
    // IP literals may be stood for too, but need not be: one no fake stands for is the config's
    // business (e.g. a port nothing listens on), so only names are checked at the end.
    std::set<std::string> names_used;
    for (const auto& ref : facts.hosts) names_used.insert(ref.host);
    for (const auto& ref : facts.addresses) names_used.insert(ref.host);
    fail_at_pos(f.host->pos, field,
                fmt::format("the config never connects to \"{}\" (it connects to: {})",
                            f.host->name, fmt::join(names_used, ", ")));
  }
  if (f.host->port == 0) {
    if (ports.size() > 1) {
      fail_at_pos(f.host->pos, field,
                  fmt::format("the config connects to {} on ports {}: say which (\"{}:{}\")",
                              f.host->name, fmt::join(ports, ", "), f.host->name, ports[0]));
    }
    f.host->port = ports[0];
  } else if (std::find(ports.begin(), ports.end(), f.host->port) == ports.end()) {
    fail_at_pos(f.host->pos, field,
                fmt::format("the config connects to {} on port {}, not {}", f.host->name,
                            fmt::join(ports, ", "), f.host->port));
  }
  const auto& wildcard = facts.wildcard_listen_ports;
  if (std::binary_search(wildcard.begin(), wildcard.end(), f.host->port)) {
    // nginx binds the port on every address of the run's network namespace, where the fakes
    // live too: whichever binds second fails ("Address already in use").
    fail_at_pos(f.host->pos, field,
                fmt::format("the config's nginx listens on port {} on every address (listen "
                            "{}), so a fake for {}:{} cannot listen there too; use another port "
                            "for the upstream or make nginx listen on one address",
                            f.host->port, f.host->port, f.host->name, f.host->port));
  }
  if (!taken.hosts.emplace(f.host->name, f.host->port).second) {
    fail_at_pos(f.host->pos, field,
                fmt::format("another fake already stands for {}:{}", f.host->name, f.host->port));
  }
}

// Every socket and host name the config connects to needs a fake standing for it.
void check_all_stood_for(Reader& nr, const ConfigFacts& facts, const Taken& taken) {
  for (const auto& ref : facts.sockets) {
    if (!taken.sockets.count(same_run_path(ref.path))) {
      nr.fail("config",
              fmt::format("{}:{}: {} connects to unix:{}, which no fake stands for (add "
                          "a fake with socket = \"{}\")",
                          ref.where.file, ref.where.line, ref.directive, ref.path, ref.path));
    }
  }
  for (const auto& ref : facts.hosts) {
    if (!taken.hosts.count({ref.host, ref.port})) {
      nr.fail("config", fmt::format("{}:{}: {} connects to {}:{}, which no fake stands for (add a "
                                    "fake with host = \"{}:{}\")",
                                    ref.where.file, ref.where.line, ref.directive, ref.host,
                                    ref.port, ref.host, ref.port));
    }
  }
}

}  // namespace

void check_own_config(Reader& nr, NginxSpec& nginx, const std::vector<FakeSpec*>& fakes,
                      const std::string& fakes_field) {
  const ConfigFacts facts = scan(nr, nginx);
  Taken taken;
  for (FakeSpec* f : fakes) {
    if (f->socket) {
      check_socket_fake(*f, facts, fakes_field, taken);
    } else {
      check_host_fake(*f, facts, fakes_field, taken);
    }
  }
  check_all_stood_for(nr, facts, taken);
}

void check_fixed_own_config(const toml::table& fix_table, const std::string& file,
                            PhasePlan& fixed) {
  const toml::table* fn = fix_table.get_as<toml::table>("nginx");
  Reader nr(fn ? *fn : fix_table, fn ? "fix.nginx" : "fix", file);
  for (const char* key : {"main", "events", "http", "server", "location", "user"}) {
    if (fn && nr.has(key)) {
      nr.fail(key, "cannot be combined with nginx.config: the config is tested as it is");
    }
  }
  std::vector<FakeSpec*> fakes;
  for (auto& [name, spec] : fixed.fakes) fakes.push_back(&spec);
  check_own_config(nr, fixed.nginx, fakes, "fix.fakes");
}

}  // namespace badgateway
