#include "harness/scenario/loader.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <span>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "fakes/behaviours/registry.hpp"
#include "harness/input/bounded_file.hpp"
#include "harness/input/names.hpp"
#include "harness/input/placeholders.hpp"
#include "harness/nginx/own_config.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/regex/regex.hpp"
#include "harness/scenario/toml_prescan.hpp"

namespace badgateway {
namespace {

[[noreturn]] void fail_at(const std::string& file, const toml::source_region& where,
                          const std::string& field, const std::string& message) {
  SourcePos pos{file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column)};
  throw ScenarioError(fmt::format("{}: {}: {}", pos.str(), field, message));
}

// Reads one TOML table, remembering which keys were consumed so leftovers are reported as
// unknown at their own position.
class Reader {
 public:
  Reader(const toml::table& table, std::string path, const std::string& file)
      : table_(table), path_(std::move(path)), file_(file) {}

  std::string field(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }

  [[noreturn]] void fail_at(const toml::source_region& where, const std::string& field,
                            const std::string& message) const {
    badgateway::fail_at(file_, where, field, message);
  }
  [[noreturn]] void fail(std::string_view key, const std::string& message) const {
    const toml::node* n = table_.get(key);
    fail_at(n ? n->source() : table_.source(), field(key), message);
  }

  const toml::node* get(std::string_view key) {
    used_.emplace(key);
    return table_.get(key);
  }
  bool has(std::string_view key) const { return table_.contains(key); }

  std::optional<std::string> string(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_string()) fail(key, "expected a string");
    return n->as_string()->get();
  }
  std::string required_string(std::string_view key) {
    auto s = string(key);
    if (!s) fail_at(table_.source(), field(key), "is required");
    if (s->empty()) fail(key, "must not be empty");
    return *s;
  }
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) fail(key, "expected an integer");
    std::int64_t v = n->as_integer()->get();
    if (v < min || v > max) fail(key, fmt::format("{} is out of range [{}, {}]", v, min, max));
    return v;
  }
  std::optional<Millis> duration(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    auto d = n->is_string() ? parse_duration(n->as_string()->get()) : std::nullopt;
    if (!d) fail(key, "expected a duration with a unit, such as \"250ms\" or \"2s\"");
    return d;
  }
  const toml::table* table(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(key, "expected a table");
    return n->as_table();
  }
  // A single value or an array of them, as strings.
  std::optional<std::vector<std::string>> strings(std::string_view key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    std::vector<std::string> out;
    if (n->is_string()) {
      out.push_back(n->as_string()->get());
    } else if (const auto* arr = n->as_array()) {
      for (const auto& item : *arr) {
        if (!item.is_string()) fail_at(item.source(), field(key), "expected strings");
        out.push_back(item.as_string()->get());
      }
    } else {
      fail(key, "expected a string or an array of strings");
    }
    return out;
  }
  std::optional<std::vector<int>> integers(std::string_view key, int min, int max) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    std::vector<int> out;
    auto take = [&](const toml::node& item) {
      if (!item.is_integer())
        fail_at(item.source(), field(key), "expected an integer or an array of integers");
      auto v = item.as_integer()->get();
      if (v < min || v > max)
        fail_at(item.source(), field(key), fmt::format("{} is out of range [{}, {}]", v, min, max));
      out.push_back(static_cast<int>(v));
    };
    if (const auto* arr = n->as_array()) {
      if (arr->empty()) fail(key, "must not be an empty array");
      for (const auto& item : *arr) take(item);
    } else {
      take(*n);
    }
    return out;
  }

  void reject_unknown() const {
    for (const auto& [k, v] : table_) {
      if (!used_.contains(std::string(k.str()))) {
        fail_at(k.source(), field(k.str()), "unknown key");
      }
    }
  }

  const toml::table& raw() const { return table_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

 private:
  const toml::table& table_;
  std::string path_;
  const std::string& file_;
  std::set<std::string, std::less<>> used_;
};

SourcePos pos_of(const toml::node& n, const std::string& file) {
  return {file, static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column)};
}

fakes::ParamValue to_param(const toml::node& n, Reader& r, const std::string& field) {
  if (n.is_string()) return n.as_string()->get();
  if (n.is_integer()) return n.as_integer()->get();
  if (n.is_floating_point()) return n.as_floating_point()->get();
  if (n.is_boolean()) return n.as_boolean()->get();
  r.fail_at(n.source(), field, "expected a string, number or boolean");
}

FakeSpec read_fake(const std::string& name, const toml::node& node, const std::string& path,
                   const std::string& file) {
  if (!node.is_table()) fail_at(file, node.source(), path, "expected a table");
  if (auto e = check_fake_name(name); !e.empty()) fail_at(file, node.source(), path, e);
  Reader r(*node.as_table(), path, file);
  FakeSpec spec;
  spec.name = name;
  spec.pos = pos_of(node, file);
  std::string protocol = r.string("protocol").value_or("http");
  if (protocol == "http") {
    spec.protocol = fakes::Protocol::http;
  } else if (protocol == "fastcgi") {
    spec.protocol = fakes::Protocol::fastcgi;
  } else {
    r.fail("protocol", "expected \"http\" or \"fastcgi\"");
  }
  std::string listen = r.string("listen").value_or("tcp");
  if (listen != "tcp" && listen != "unix") r.fail("listen", "expected \"tcp\" or \"unix\"");
  spec.unix_socket = listen == "unix";
  auto host = r.string("host");
  if (host && (host->starts_with('[') || host->find_first_not_of("0123456789.:") == host->npos)) {
    // An IP literal ("127.0.0.1:8080", "[::1]:8080"): the fake binds that address itself in the
    // run's network namespace, which has loopback only.
    const std::string text = *host;
    std::string address = text, port_text;
    if (text.starts_with('[')) {
      const std::size_t close = text.find(']');
      address = close == text.npos ? "" : text.substr(1, close - 1);
      if (close != text.npos && close + 1 < text.size()) {
        port_text = text[close + 1] == ':' ? text.substr(close + 2) : "x";
      }
    } else if (const std::size_t colon = text.rfind(':'); colon != text.npos) {
      address = text.substr(0, colon);
      port_text = text.substr(colon + 1);
    }
    in6_addr bytes{};
    const bool v4 = !text.starts_with('[') && ::inet_pton(AF_INET, address.c_str(), &bytes) == 1;
    const bool v6 = text.starts_with('[') && ::inet_pton(AF_INET6, address.c_str(), &bytes) == 1;
    if (!v4 && !v6) {
      r.fail("host",
             "expected the host name or IP address the config uses, optionally with its port: "
             "\"app\", \"app:8080\", \"127.0.0.1:8080\" or \"[::1]:8080\"");
    }
    if (!fakes::Address::tcp(address, 1).is_loopback()) {
      r.fail("host", fmt::format("{} is not a loopback address: a fake can only stand for a "
                                 "loopback address (127.0.0.0/8 or ::1) or a host name",
                                 address));
    }
    FakeSpec::HostName h{address, 0, pos_of(*r.raw().get("host"), file)};
    if (!port_text.empty()) {
      int port = 0;
      auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
      if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1 ||
          port > 65535) {
        r.fail("host", fmt::format("invalid port \"{}\" (expected 1 to 65535)", port_text));
      }
      h.port = static_cast<std::uint16_t>(port);
    }
    if (spec.unix_socket)
      r.fail("host", "a fake reached by host name listens on TCP, not listen = \"unix\"");
    spec.host = h;
  } else if (host) {
    HostAndPort hp;
    if (auto e = check_host_and_port(*host, hp); !e.empty()) r.fail("host", e);
    FakeSpec::HostName h{hp.host, static_cast<std::uint16_t>(hp.port),
                         pos_of(*r.raw().get("host"), file)};
    if (spec.unix_socket)
      r.fail("host", "a fake reached by host name listens on TCP, not listen = \"unix\"");
    spec.host = h;
  }
  if (auto socket = r.string("socket")) {
    std::string path = std::filesystem::path(*socket).lexically_normal().string();
    if (!path.starts_with("/run/") && !path.starts_with("/var/run/")) {
      r.fail("socket",
             "expected the socket path the config uses, under /run or /var/run (each "
             "run has a private /run)");
    }
    if (spec.host) r.fail("socket", "a fake stands for a host name or a socket, not both");
    if (spec.unix_socket) r.fail("socket", "replaces listen = \"unix\"");
    spec.socket = path;
    spec.socket_pos = pos_of(*r.raw().get("socket"), file);
  }
  spec.behaviour = r.required_string("behaviour");
  // The real PHP-FPM is a harness-side upstream, validated like a fake's behaviour.
  bool real_php_fpm =
      spec.protocol == fakes::Protocol::fastcgi && spec.behaviour == kPhpFpmBehaviour;
  const fakes::BehaviourInfo* info = fakes::find_behaviour(spec.behaviour, spec.protocol);
  if (!info && !real_php_fpm) {
    std::vector<std::string> names;
    for (const auto& b : fakes::behaviour_table()) {
      if (b.protocol == spec.protocol) names.emplace_back(b.name);
    }
    if (spec.protocol == fakes::Protocol::fastcgi) names.emplace_back(kPhpFpmBehaviour);
    r.fail("behaviour", fmt::format("unknown {} behaviour \"{}\" (known: {})", protocol,
                                    spec.behaviour, fmt::join(names, ", ")));
  }
  std::vector<std::string> non_scalar;
  for (const auto& [k, v] : r.raw()) {
    std::string key(k.str());
    if (key == "protocol" || key == "listen" || key == "behaviour" || key == "host" ||
        key == "socket") {
      continue;
    }
    // A table or array is no parameter value, but whether the key is one of the behaviour's
    // parameters at all is the first thing worth saying: decided once the behaviour is built.
    if (v.is_table() || v.is_array()) {
      non_scalar.push_back(key);
      continue;
    }
    spec.params[key] = to_param(v, r, r.field(key));
  }
  // Build once now so a bad parameter is a load error, not a run-time surprise.
  fakes::Params params(spec.params);
  try {
    if (real_php_fpm) {
      PhpFpmSpec::from_params(params);
    } else {
      info->make(params);
    }
  } catch (const fakes::ParamError& e) {
    const toml::node* n = r.raw().get(e.key());
    r.fail_at(n ? n->source() : node.source(), r.field(e.key()), e.what());
  }
  // The behaviour's parameters as documented (`serve --help`, `explain`).
  std::vector<std::string> valid;
  for (const fakes::ParamInfo& p :
       real_php_fpm ? std::span<const fakes::ParamInfo>(kPhpFpmParameters) : info->parameters) {
    valid.emplace_back(p.name);
  }
  const std::string unknown =
      valid.empty()
          ? std::string("unknown parameter: this behaviour has none")
          : fmt::format("unknown parameter for this behaviour (valid: {})", fmt::join(valid, ", "));
  for (const auto& key : non_scalar) {
    const toml::node* n = r.raw().get(key);
    if (std::find(valid.begin(), valid.end(), key) != valid.end()) {
      to_param(*n, r, r.field(key));  // fails: the wrong type for a parameter it has
    }
    for (const auto& [k, v] : r.raw()) {
      if (k.str() == key) r.fail_at(k.source(), r.field(key), unknown);
    }
  }
  try {
    params.reject_unused();
  } catch (const fakes::ParamError& e) {
    // An unknown parameter is an unknown key: point at the key, as reject_unknown() does.
    for (const auto& [k, v] : r.raw()) {
      if (k.str() == e.key()) r.fail_at(k.source(), r.field(e.key()), unknown);
    }
    r.fail_at(node.source(), r.field(e.key()), unknown);
  }
  return spec;
}

// Far more than any fault needs; each fake is a listening socket (or a PHP-FPM pool).
constexpr std::size_t kMaxFakes = 64;
// All groups together: each response is kept for the verdicts, each body is held in memory.
constexpr std::size_t kMaxResponses = 100'000;
constexpr std::size_t kMaxBodyBytes = 64 << 20;

std::map<std::string, FakeSpec> read_fakes(const toml::table& table, const std::string& path,
                                           const std::string& file) {
  if (table.size() > kMaxFakes) {
    fail_at(file, table.source(), path,
            fmt::format("{} fakes (at most {})", table.size(), kMaxFakes));
  }
  std::map<std::string, FakeSpec> out;
  for (const auto& [k, v] : table) {
    std::string name(k.str());
    out[name] = read_fake(name, v, path + "." + name, file);
  }
  return out;
}

// A multi-line string drops a newline right after its opening delimiter, so its first line is
// the next one in the file.
SnippetOrigin snippet_origin(const toml::node& n, const std::string& field, const std::string& file,
                             std::string_view source) {
  SnippetOrigin origin{field, pos_of(n, file), 0};
  std::size_t at = 0;
  for (int line = 1; line < origin.value.line && at != std::string_view::npos; ++line) {
    at = source.find('\n', at);
    if (at != std::string_view::npos) ++at;
  }
  if (at == std::string_view::npos) return origin;
  const std::string_view rest = source.substr(at);
  const auto column = static_cast<std::size_t>(std::max(origin.value.column - 1, 0));
  const std::size_t quote = rest.find_first_of("\"'", std::min(column, rest.size()));
  if (quote == std::string_view::npos) return origin;
  const std::string_view opening = rest.substr(quote);
  if (opening.starts_with("\"\"\"") || opening.starts_with("'''")) {
    const std::string_view after = opening.substr(3);
    const bool newline = after.starts_with("\n") || after.starts_with("\r\n");
    origin.first_line = origin.value.line + (newline ? 1 : 0);
  }
  return origin;
}

NginxSpec read_nginx(Reader& r, const std::string& file, std::string_view source) {
  NginxSpec spec;
  spec.http = r.string("http");
  spec.server = r.string("server");
  spec.location = r.string("location");
  for (const char* key : {"http", "server", "location"}) {
    if (const toml::node* n = r.get(key); n && n->is_string()) {
      spec.origins[key] = snippet_origin(*n, r.field(key), file, source);
    }
  }
  spec.user = r.string("user");
  if (spec.user) {
    if (auto e = check_user_name(*spec.user, true); !e.empty()) r.fail("user", e);
  }
  if (const toml::node* n = r.get("start")) {
    if (!n->is_boolean()) r.fail("start", "expected true or false");
    spec.start = n->as_boolean()->get();
  }
  if (auto config = r.string("config")) {
    // Relative to the scenario file, so a scenario and the config it tests travel together.
    std::filesystem::path p = *config;
    if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
    p = std::filesystem::absolute(p).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::exists(p, ec))
      r.fail("config", fmt::format("{} does not exist", p.string()));
    if (std::filesystem::is_directory(p) && !std::filesystem::exists(p / "nginx.conf")) {
      r.fail("config", fmt::format("{} has no nginx.conf", p.string()));
    }
    spec.config = p.string();
    for (const char* key : {"http", "server", "location", "user"}) {
      if (r.has(key)) {
        r.fail(key, "cannot be combined with nginx.config: the config is tested as it is");
      }
    }
  }
  if (auto port = r.integer("port", 1, 65535)) {
    if (!spec.config)
      r.fail("port", "only with nginx.config (the rendered config listens where the harness says)");
    spec.port = static_cast<std::uint16_t>(*port);
  }
  r.reject_unknown();
  return spec;
}

// /var/run is a symlink to /run on every system nginx runs on: one socket, two spellings.
std::string same_run_path(const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  return p.starts_with("/var/run/") ? p.substr(4) : p;
}

[[noreturn]] void fail_at_pos(const SourcePos& pos, const std::string& field,
                              const std::string& message) {
  throw ScenarioError(fmt::format("{}: {}: {}", pos.str(), field, message));
}

// With nginx.config the config is scanned here, so a fake that stands for no name the config
// uses, or a name no fake stands for, is a load error naming both files, not an nginx -t failure.
void check_own_config(Reader& nr, NginxSpec& nginx, const std::vector<FakeSpec*>& fakes,
                      const std::string& fakes_field) {
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
  std::set<std::string> names_used;
  for (const auto& ref : facts.hosts) names_used.insert(ref.host);
  // IP literals may be stood for too, but need not be: one no fake stands for is the config's
  // business (e.g. a port nothing listens on), so only names are checked at the end.
  for (const auto& ref : facts.addresses) names_used.insert(ref.host);
  std::set<std::pair<std::string, std::uint16_t>> taken;
  std::set<std::string> sockets_used;
  for (const auto& ref : facts.sockets) sockets_used.insert(same_run_path(ref.path));
  std::set<std::string> sockets_taken;
  for (FakeSpec* f : fakes) {
    std::string field = fmt::format("{}.{}.host", fakes_field, f->name);
    if (f->socket) {
      std::string socket_field = fmt::format("{}.{}.socket", fakes_field, f->name);
      if (!sockets_used.count(same_run_path(*f->socket))) {
        fail_at_pos(
            f->socket_pos, socket_field,
            fmt::format(
                "the config never connects to unix:{} (its sockets: {})", *f->socket,
                sockets_used.empty() ? "none" : fmt::format("{}", fmt::join(sockets_used, ", "))));
      }
      if (!sockets_taken.insert(same_run_path(*f->socket)).second) {
        fail_at_pos(f->socket_pos, socket_field, "another fake already stands for this socket");
      }
      continue;
    }
    if (!f->host) {
      fail_at_pos(f->pos, field,
                  "is required with nginx.config: the host name (and port), or the socket, the "
                  "config connects to");
    }
    auto ports = facts.ports_of(f->host->name);
    if (ports.empty()) {
      fail_at_pos(f->host->pos, field,
                  fmt::format("the config never connects to \"{}\" (it connects to: {})",
                              f->host->name, fmt::join(names_used, ", ")));
    }
    if (f->host->port == 0) {
      if (ports.size() > 1) {
        fail_at_pos(f->host->pos, field,
                    fmt::format("the config connects to {} on ports {}: say which (\"{}:{}\")",
                                f->host->name, fmt::join(ports, ", "), f->host->name, ports[0]));
      }
      f->host->port = ports[0];
    } else if (std::find(ports.begin(), ports.end(), f->host->port) == ports.end()) {
      fail_at_pos(f->host->pos, field,
                  fmt::format("the config connects to {} on port {}, not {}", f->host->name,
                              fmt::join(ports, ", "), f->host->port));
    }
    const auto& wildcard = facts.wildcard_listen_ports;
    if (std::binary_search(wildcard.begin(), wildcard.end(), f->host->port)) {
      // nginx binds the port on every address of the run's network namespace, where the fakes
      // live too: whichever binds second fails ("Address already in use").
      fail_at_pos(f->host->pos, field,
                  fmt::format("the config's nginx listens on port {} on every address (listen "
                              "{}), so a fake for {}:{} cannot listen there too; use another port "
                              "for the upstream or make nginx listen on one address",
                              f->host->port, f->host->port, f->host->name, f->host->port));
    }
    if (!taken.emplace(f->host->name, f->host->port).second) {
      fail_at_pos(
          f->host->pos, field,
          fmt::format("another fake already stands for {}:{}", f->host->name, f->host->port));
    }
  }
  for (const auto& ref : facts.sockets) {
    if (!sockets_taken.count(same_run_path(ref.path))) {
      nr.fail("config",
              fmt::format("{}:{}: {} connects to unix:{}, which no fake stands for (add "
                          "a fake with socket = \"{}\")",
                          ref.where.file, ref.where.line, ref.directive, ref.path, ref.path));
    }
  }
  for (const auto& ref : facts.hosts) {
    if (!taken.count({ref.host, ref.port})) {
      nr.fail("config", fmt::format("{}:{}: {} connects to {}:{}, which no fake stands for (add a "
                                    "fake with host = \"{}:{}\")",
                                    ref.where.file, ref.where.line, ref.directive, ref.host,
                                    ref.port, ref.host, ref.port));
    }
  }
}

// An own config has no harness access log: nothing records $upstream_addr per request.
void reject_access_log_checks(Reader& r, const ExpectationSet& set, const std::string& field) {
  bool uses = set.base.upstream_attempts.has_value();
  for (const auto& v : set.by_version) uses = uses || v.patch.upstream_attempts.has_value();
  if (uses) {
    const toml::node* n = r.raw().get("upstream_attempts");
    r.fail_at(n ? n->source() : r.raw().source(), field + ".upstream_attempts",
              "needs the harness's access log, which an own config (nginx.config) does not have; "
              "count connections with expect.fakes.NAME.connections");
  }
  uses = set.base.request_time.has_value();
  for (const auto& v : set.by_version) uses = uses || v.patch.request_time.has_value();
  if (uses) {
    const toml::node* n = r.raw().get("request_time");
    r.fail_at(n ? n->source() : r.raw().source(), field + ".request_time",
              "needs the harness's access log, which an own config (nginx.config) does not have; "
              "bound the client's time with expect.elapsed");
  }
}

void check_regexes(Reader& r, std::string_view key, const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    try {
      Regex re(p);
    } catch (const RegexError& e) {
      // The pattern itself may be huge: its offset in the message says where.
      r.fail(key, fmt::format("invalid regular expression: {}", e.what()));
    }
  }
}

Expectation read_expectation(Reader& r) {
  Expectation e;
  e.status = r.integers("status", 0, 999);
  e.status_in = r.integers("status_in", 0, 999);
  if (const toml::table* t = r.table("status_counts")) {
    std::map<int, int> counts;
    for (const auto& [k, v] : *t) {
      std::string field = r.field("status_counts." + std::string(k.str()));
      int code = 0;
      auto key = k.str();
      auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), code);
      if (ec != std::errc{} || ptr != key.data() + key.size() || code < 0 || code > 999) {
        fail_at(r.file(), k.source(), field, "keys are status codes, e.g. \"502\" = 3");
      }
      if (!v.is_integer() || v.as_integer()->get() < 0 || v.as_integer()->get() > 1'000'000)
        fail_at(r.file(), v.source(), field, "expected a count in [0, 1000000]");
      counts[code] = static_cast<int>(v.as_integer()->get());
    }
    e.status_counts = counts;
  }
  if (auto g = r.strings("generated_by")) {
    for (const auto& v : *g) {
      if (v != "nginx" && v != "upstream" && v != "none")
        r.fail("generated_by", "expected \"nginx\", \"upstream\" or \"none\"");
    }
    e.generated_by = g;
  }
  if (auto o = r.strings("outcome")) {
    for (const auto& v : *o) {
      if (v != "complete" && v != "truncated" && v != "empty_reply" && v != "not_http" &&
          v != "connect_failed" && v != "timeout") {
        r.fail("outcome",
               fmt::format("\"{}\" is not one of complete, truncated, empty_reply, not_http, "
                           "connect_failed, timeout",
                           v));
      }
    }
    e.outcome = o;
  }
  e.interim = r.integers("interim", 100, 199);
  e.error_log = r.strings("error_log");
  if (e.error_log) check_regexes(r, "error_log", *e.error_log);
  e.no_error_log = r.strings("no_error_log");
  if (e.no_error_log) check_regexes(r, "no_error_log", *e.no_error_log);
  for (const char* key : {"elapsed", "request_time"}) {
    const toml::table* t = r.table(key);
    if (!t) continue;
    Reader er(*t, r.field(key), r.file());
    TimeBound b{er.duration("min"), er.duration("max")};
    if (b.min && b.max && *b.min > *b.max) er.fail("max", "is smaller than min");
    er.reject_unknown();
    (std::string_view(key) == "elapsed" ? e.elapsed : e.request_time) = b;
  }
  e.upstream_attempts = r.integers("upstream_attempts", 0, 100);
  if (const toml::table* t = r.table("fakes")) {
    for (const auto& [k, v] : *t) {
      std::string name(k.str());
      if (!v.is_table()) r.fail_at(v.source(), r.field("fakes." + name), "expected a table");
      Reader fr(*v.as_table(), r.field("fakes." + name), r.file());
      FakeCounts c;
      c.connections = fr.integer("connections", 0, 1'000'000);
      c.requests = fr.integer("requests", 0, 1'000'000);
      fr.reject_unknown();
      e.fakes[name] = c;
    }
  }
  return e;
}

void check_counts_name_fakes(Reader& r, const std::vector<std::string>& names);
void check_per_response_lengths(Reader& r, const Expectation& e, std::size_t responses);

ExpectationSet read_expectation_set(Reader& r, const std::vector<std::string>& fake_names,
                                    std::size_t responses) {
  ExpectationSet set;
  set.base = read_expectation(r);
  check_counts_name_fakes(r, fake_names);
  check_per_response_lengths(r, set.base, responses);
  if (const toml::node* n = r.get("versions")) {
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) r.fail("versions", "expected [[...versions]] tables");
    for (const auto& item : *arr) {
      Reader vr(*item.as_table(), r.field("versions"), r.file());
      std::string text = vr.required_string("nginx");
      std::string error;
      auto range = VersionRange::parse(text, &error);
      if (!range) vr.fail("nginx", error);
      set.by_version.push_back({*range, read_expectation(vr)});
      check_counts_name_fakes(vr, fake_names);
      check_per_response_lengths(vr, set.by_version.back().patch, responses);
      vr.reject_unknown();
    }
  }
  r.reject_unknown();
  return set;
}

// `body_bytes` counts the bodies of the groups before this one: all of them are held in memory.
RequestSpec read_request(Reader& r, std::size_t& body_bytes) {
  RequestSpec q;
  if (auto m = r.string("method")) {
    if (auto e = check_method(*m); !e.empty()) r.fail("method", e);
    q.method = *m;
  }
  if (auto p = r.string("path")) {
    if (p->empty() || p->front() != '/') r.fail("path", "must start with /");
    q.path = *p;
  }
  if (const toml::table* h = r.table("headers")) {
    for (const auto& [k, v] : *h) {
      std::string field = r.field(std::string("headers.") + std::string(k.str()));
      if (!v.is_string()) r.fail_at(v.source(), field, "expected a string");
      // A CR or LF would split the request the client sends into two.
      if (auto e = check_single_line(v.as_string()->get()); !e.empty())
        r.fail_at(v.source(), field, e);
      q.headers.emplace_back(std::string(k.str()), v.as_string()->get());
    }
  }
  q.body = r.string("body").value_or("");
  auto body_size = r.integer("body_size", 0, static_cast<std::int64_t>(kMaxBodyBytes));
  const std::size_t size = body_size ? static_cast<std::size_t>(*body_size) : q.body.size();
  if (body_bytes + size > kMaxBodyBytes) {
    r.fail(body_size ? "body_size" : "body",
           fmt::format("request bodies of {} bytes in all (at most {})", body_bytes + size,
                       kMaxBodyBytes));
  }
  body_bytes += size;
  if (body_size) q.body.assign(size, 'b');  // checked first: never more than the cap
  q.count = static_cast<int>(r.integer("count", 1, 10'000).value_or(1));
  q.concurrency = static_cast<int>(r.integer("concurrency", 1, 1'000).value_or(1));
  q.delay = r.duration("delay").value_or(Millis(0));
  q.timeout = r.duration("timeout").value_or(Millis(5000));
  if (q.timeout.count() <= 0) r.fail("timeout", "must be greater than 0");
  r.reject_unknown();
  return q;
}

// Placeholders must name fakes that exist in the phase that uses them. Positions come from the
// raw file text, so quotes, the newline trimmed after """ and escapes do not shift them.
void check_snippets(Reader& r, const std::vector<std::string>& fake_names,
                    std::string_view source) {
  for (const char* key : {"http", "server", "location"}) {
    const toml::node* n = r.raw().get(key);
    if (!n || !n->is_string()) continue;
    const auto found = find_placeholders(n->as_string()->get());
    for (std::size_t i = 0; i < found.size(); ++i) {
      std::string error = check_placeholder(found[i].name, fake_names);
      if (error.empty()) continue;
      auto region = n->source();
      std::size_t start = 0;  // of the value (its opening quote) in `source`
      for (toml::source_index line = 1; line < region.begin.line && start < source.size(); ++line) {
        start = std::min(source.find('\n', start), source.size() - 1) + 1;
      }
      start = std::min(start + region.begin.column - 1, source.size());
      const auto raw = find_placeholders(source.substr(start));
      if (i < raw.size()) {
        auto before = source.substr(start, raw[i].offset);
        auto newlines = std::count(before.begin(), before.end(), '\n');
        auto column =
            newlines ? raw[i].offset - before.rfind('\n') : region.begin.column + raw[i].offset;
        region.begin.line += static_cast<toml::source_index>(newlines);
        region.begin.column = static_cast<toml::source_index>(column);
      }
      r.fail_at(region, r.field(key), error);
    }
  }
}

std::vector<std::string> names_of(const std::map<std::string, FakeSpec>& a,
                                  const std::map<std::string, FakeSpec>* b = nullptr) {
  std::vector<std::string> names;
  for (const auto& [n, _] : a) names.push_back(n);
  if (b) {
    for (const auto& [n, _] : *b) names.push_back(n);
  }
  return names;
}

// Counts must name fakes of the phase; reported at the offending key, also inside [[versions]].
void check_counts_name_fakes(Reader& r, const std::vector<std::string>& names) {
  const toml::table* t = r.raw().get_as<toml::table>("fakes");
  if (!t) return;
  for (const auto& [k, v] : *t) {
    std::string name(k.str());
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      r.fail_at(k.source(), r.field("fakes." + name), fmt::format("no fake named \"{}\"", name));
    }
  }
}

void check_per_response_lengths(Reader& r, const Expectation& e, std::size_t responses) {
  auto check = [&](const char* key, std::size_t n) {
    if (n != 1 && n != responses) {
      r.fail(key, fmt::format("has {} values but the scenario sends {} requests (give 1 or {})", n,
                              responses, responses));
    }
  };
  if (e.status) check("status", e.status->size());
  if (e.outcome) check("outcome", e.outcome->size());
  if (e.generated_by) check("generated_by", e.generated_by->size());
  if (e.upstream_attempts) check("upstream_attempts", e.upstream_attempts->size());
}

Scenario read_scenario(const toml::table& root, const std::string& file, std::string_view source) {
  Reader r(root, "", file);
  Scenario s;
  s.origin = {file, 0, 0};
  s.requests_origin = s.origin;
  if (auto v = r.integer("format", 1, 1); v && *v != 1) r.fail("format", "only format 1 exists");
  s.name = r.required_string("name");
  if (auto e = check_scenario_name(s.name); !e.empty()) r.fail("name", e);
  s.description = r.required_string("description");
  s.cause = r.required_string("cause");
  if (std::find_if(std::begin(kCauses), std::end(kCauses),
                   [&](const char* c) { return s.cause == c; }) == std::end(kCauses)) {
    r.fail("cause",
           fmt::format("unknown cause \"{}\" (known: {})", s.cause, fmt::join(kCauses, ", ")));
  }
  s.teaches = r.required_string("teaches");
  s.directive = r.string("directive").value_or("");
  if (const toml::node* n = r.get("only")) {
    if (!n->is_boolean()) r.fail("only", "expected true or false");
    s.only = n->as_boolean()->get();
  }
  s.skip = r.string("skip");
  if (s.skip && s.skip->empty()) r.fail("skip", "must not be empty: give the reason it is skipped");
  if (s.skip && s.only)
    r.fail("only", "cannot be combined with skip: a skipped scenario never runs");

  if (const toml::table* f = r.table("fakes")) s.fakes = read_fakes(*f, "fakes", file);
  if (const toml::table* n = r.table("nginx")) {
    Reader nr(*n, "nginx", file);
    s.nginx = read_nginx(nr, file, source);
    check_snippets(nr, names_of(s.fakes), source);
    if (s.nginx.config) {
      std::vector<FakeSpec*> fakes;
      for (auto& [_, f] : s.fakes) fakes.push_back(&f);
      check_own_config(nr, s.nginx, fakes, "fakes");
    }
  }
  if (!s.nginx.location && !s.nginx.server && !s.nginx.config) {
    r.fail_at(root.source(), "nginx", "needs nginx.location, nginx.server or nginx.config");
  }
  if (!s.nginx.config) {
    for (const auto& [name, f] : s.fakes) {
      if (f.host) fail_at_pos(f.host->pos, "fakes." + name + ".host", "only with nginx.config");
      if (f.socket)
        fail_at_pos(f.socket_pos, "fakes." + name + ".socket", "only with nginx.config");
    }
  }

  if (const toml::node* n = r.get("requests")) {
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) r.fail("requests", "expected [[requests]] tables");
    s.requests_origin = pos_of(*n, file);
    std::size_t responses = 0, body_bytes = 0;
    for (const auto& item : *arr) {
      Reader qr(*item.as_table(), "requests", file);
      s.requests.push_back(read_request(qr, body_bytes));
      responses += static_cast<std::size_t>(s.requests.back().count);
      if (responses > kMaxResponses) {
        qr.fail_at(item.source(), "requests",
                   fmt::format("{} requests in all (at most {})", responses, kMaxResponses));
      }
    }
  }
  if (s.requests.empty()) s.requests.emplace_back();

  const toml::table* expect = r.table("expect");
  if (!expect) r.fail_at(root.source(), "expect", "is required");
  Reader er(*expect, "expect", file);
  s.expect = read_expectation_set(er, names_of(s.fakes), s.response_count());
  if (s.nginx.config) reject_access_log_checks(er, s.expect, "expect");
  if (!s.expect.base.status && !s.expect.base.status_counts && !s.expect.base.status_in) {
    er.fail_at(expect->source(), "expect.status",
               "is required (or expect.status_counts / expect.status_in)");
  }

  if (const toml::table* fix = r.table("fix")) {
    Reader fr(*fix, "fix", file);
    FixSpec f;
    f.description = fr.required_string("description");
    if (const toml::table* ff = fr.table("fakes")) f.fakes = read_fakes(*ff, "fix.fakes", file);
    if (const toml::table* n = fr.table("nginx")) {
      Reader nr(*n, "fix.nginx", file);
      f.nginx = read_nginx(nr, file, source);
      check_snippets(nr, names_of(s.fakes, &f.fakes), source);
      if (f.nginx.config && !s.nginx.config) {
        nr.fail("config", "the broken run must use nginx.config too");
      }
    }
    if (s.nginx.config) {
      // The fixed run: its config (the fix's or the same) against the fakes it will have.
      const toml::table* fn = fr.raw().get_as<toml::table>("nginx");
      Reader nr(fn ? *fn : *fix, fn ? "fix.nginx" : "fix", file);
      for (const char* key : {"http", "server", "location", "user"}) {
        if (fn && nr.has(key)) {
          nr.fail(key, "cannot be combined with nginx.config: the config is tested as it is");
        }
      }
      NginxSpec fixed = s.nginx;
      if (f.nginx.config) {
        fixed.config = f.nginx.config;
        fixed.port = f.nginx.port;
      } else if (f.nginx.port) {
        fixed.port = f.nginx.port;
      }
      // A fake the fix replaces stands for the same name unless it says otherwise.
      for (auto& [name, spec] : f.fakes) {
        auto it = s.fakes.find(name);
        if (!spec.host && !spec.socket && it != s.fakes.end()) {
          spec.host = it->second.host;
          spec.socket = it->second.socket;
          spec.socket_pos = it->second.socket_pos;
        }
      }
      std::map<std::string, FakeSpec> all = s.fakes;
      for (const auto& [name, spec] : f.fakes) all[name] = spec;
      std::vector<FakeSpec*> fakes;
      for (auto& [name, spec] : all) fakes.push_back(&spec);
      check_own_config(nr, fixed, fakes, "fix.fakes");
      f.nginx.port = fixed.port;
      for (auto& [name, spec] : f.fakes) spec.host = all[name].host;  // with the port resolved
    }
    // The fixed run expects a healthy answer unless it says otherwise.
    f.expect.base.status = std::vector<int>{200};
    f.expect.base.generated_by = std::vector<std::string>{"upstream"};
    if (const toml::table* fe = fr.table("expect")) {
      Reader fer(*fe, "fix.expect", file);
      ExpectationSet patch =
          read_expectation_set(fer, names_of(s.fakes, &f.fakes), s.response_count());
      f.expect.base.overlay(patch.base);
      f.expect.by_version = patch.by_version;
      if (s.nginx.config) reject_access_log_checks(fer, patch, "fix.expect");
    }
    if (f.nginx.http || f.nginx.server || f.nginx.location || f.nginx.start || f.nginx.user ||
        f.nginx.config || !f.fakes.empty()) {
      // ok: the fix changes something
    } else {
      fr.fail_at(fix->source(), "fix", "changes nothing: set fix.nginx.* or fix.fakes.*");
    }
    fr.reject_unknown();
    s.fix = std::move(f);
  }
  r.reject_unknown();
  return s;
}

}  // namespace

Scenario load_scenario_string(std::string_view text, const std::string& file_label) {
  // Before toml++ sees the text: see toml_prescan.hpp for the inputs it must never get.
  if (auto p = prescan_toml(text)) {
    SourcePos pos{file_label, p->line, p->column};
    throw ScenarioError(fmt::format("{}: TOML syntax: {}", pos.str(), p->message));
  }
  toml::table root;
  try {
    root = toml::parse(text, file_label);
  } catch (const toml::parse_error& e) {
    SourcePos pos{file_label, static_cast<int>(e.source().begin.line),
                  static_cast<int>(e.source().begin.column)};
    throw ScenarioError(fmt::format("{}: TOML syntax: {}", pos.str(), e.description()));
  }
  return read_scenario(root, file_label, text);
}

Scenario load_scenario_file(const std::filesystem::path& path) {
  std::string text;
  try {
    text = read_bounded_file(path);
  } catch (const InputFileError& e) {
    throw ScenarioError(e.what());
  }
  return load_scenario_string(text, path.string());
}

}  // namespace badgateway
