#include "harness/diagnose/write_scenarios.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include "harness/scenario/toml.hpp"

#include "harness/input/bounded_file.hpp"
#include "harness/input/names.hpp"
#include "harness/nginx/config_scan.hpp"
#include "harness/regex/regex.hpp"
#include "harness/scenario/loader.hpp"
#include "harness/scenario/toml_guard.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "http://10.0.0.5:8080" -> "http"; nginx writes the scheme of the *_pass that made the request.
std::string scheme_of(std::string_view peer) {
  auto at = peer.find("://");
  return at == std::string_view::npos ? "" : std::string(peer.substr(0, at));
}

fakes::Protocol protocol_of_scheme(std::string_view scheme) {
  return scheme == "fastcgi" ? fakes::Protocol::fastcgi : fakes::Protocol::http;
}

// The fake a scenario breaks: the first its fix replaces that does not answer normally, else the
// first that does not answer normally. nullptr when every fake is healthy (the fault is nginx's).
const FakeSpec* fault_fake(const Scenario& s) {
  auto unhealthy = [](const FakeSpec& f) { return f.behaviour != "ok"; };
  if (s.fix) {
    for (const auto& [name, fake] : s.fakes) {
      if (s.fix->fakes.contains(name) && unhealthy(fake)) return &fake;
    }
  }
  for (const auto& [name, fake] : s.fakes) {
    if (unhealthy(fake)) return &fake;
  }
  return nullptr;
}

// The group's message as a pattern that holds in any run: the signature's own pattern (not
// anchored: an error_log pattern is searched in the whole line) and nginx's phase.
std::optional<std::string> group_pattern(const DiagnosisGroup& g) {
  if (!g.signature) return std::nullopt;
  std::string p(g.signature->pattern);
  if (p.starts_with('^')) p.erase(0, 1);
  if (!g.action.empty()) p += ".* while " + regex_quote(g.action);
  return p;
}

std::string toml_text(const toml::table& t) {
  std::ostringstream out;
  out << toml::toml_formatter(
      t, toml::toml_formatter::default_flags & ~toml::format_flags::indentation);
  return out.str();
}

// `key = value` lines, in the order given (toml++ writes a table's keys sorted).
template <typename V>
std::string line(std::string_view key, V&& value) {
  toml::table t;
  t.insert(key, std::forward<V>(value));
  return toml_text(t) + "\n";
}

std::string comment(std::string_view text) {
  std::string out;
  std::istringstream in{std::string(text)};
  for (std::string l; std::getline(in, l);) {
    // The log's bytes are anybody's: no control characters in the written file.
    for (char& c : l) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    out += "# " + l + "\n";
  }
  return out;
}

// ---- the user's own config ----------------------------------------------------------------

struct ConfigUpstream {
  std::string fake;  // the fake's name in the written scenario
  std::string host;  // a name or IP literal, or "" for a socket
  std::uint16_t port = 0;
  std::string socket;    // a unix socket path, or ""
  std::string block;     // the upstream{} it belongs to, or ""
  bool fastcgi = false;  // named by fastcgi_pass (itself or through its group)
  bool faulted = false;
};

std::string fake_name_for(std::string_view text, std::set<std::string>& taken) {
  std::string name;
  for (char c : lower(text)) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (name.empty() || !std::islower(static_cast<unsigned char>(name.front()))) name = "up_" + name;
  if (name.size() > 60) name.resize(60);
  std::string unique = name;
  for (int i = 2; taken.contains(unique); ++i) unique = fmt::format("{}_{}", name, i);
  taken.insert(unique);
  return unique;
}

std::vector<ConfigUpstream> config_upstreams(const ConfigFacts& facts) {
  std::vector<ConfigUpstream> out;
  std::set<std::string> taken;
  auto fastcgi = [&](const std::string& directive, const std::string& block) {
    if (directive == "fastcgi_pass") return true;
    auto it = facts.group_passes.find(lower(block));
    return !block.empty() && it != facts.group_passes.end() && it->second == "fastcgi_pass";
  };
  for (const auto* refs : {&facts.hosts, &facts.addresses}) {
    for (const UpstreamHostRef& r : *refs) {
      if (r.port == 0) continue;  // nginx refuses it
      const bool seen = std::any_of(out.begin(), out.end(), [&](const ConfigUpstream& u) {
        return lower(u.host) == lower(r.host) && u.port == r.port;
      });
      if (seen) continue;
      const bool on_one_port = facts.ports_of(r.host).size() == 1;
      ConfigUpstream u;
      u.fake = fake_name_for(on_one_port ? r.host : fmt::format("{}_{}", r.host, r.port), taken);
      u.host = r.host;
      u.port = r.port;
      u.block = r.upstream_block;
      u.fastcgi = fastcgi(r.directive, r.upstream_block);
      out.push_back(std::move(u));
    }
  }
  for (const UpstreamSocketRef& r : facts.sockets) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const ConfigUpstream& u) { return u.socket == r.path; });
    if (seen) continue;
    ConfigUpstream u;
    u.fake = fake_name_for(fs::path(r.path).stem().string(), taken);
    u.socket = r.path;
    u.block = r.upstream_block;
    u.fastcgi = fastcgi(r.directive, r.upstream_block);
    out.push_back(std::move(u));
  }
  return out;
}

// Which of the config's upstreams a logged peer is ("http://10.0.0.5:8080",
// "fastcgi://unix:/run/php.sock:", "http://backend" for a whole group); "" and `why` when none.
std::vector<std::size_t> map_peer(std::string_view peer, const std::vector<ConfigUpstream>& ups,
                                  const ScenarioWriteOptions& o, std::string& why) {
  std::vector<std::size_t> out;
  if (auto at = peer.find("://"); at != std::string_view::npos) peer.remove_prefix(at + 3);
  if (peer.starts_with("unix:")) {
    std::string path(peer.substr(5));
    if (path.ends_with(':')) path.pop_back();
    for (std::size_t i = 0; i < ups.size(); ++i) {
      if (ups[i].socket == path) out.push_back(i);
    }
    if (out.empty()) why = fmt::format("the config never names the socket {}", path);
    return out;
  }
  std::string host(peer);
  std::uint16_t port = 0;
  auto parse_port = [](std::string_view text) -> std::uint16_t {
    unsigned v = 0;
    if (text.empty() || text.size() > 5) return 0;
    for (char c : text) {
      if (c < '0' || c > '9') return 0;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    return v > 65535 ? 0 : static_cast<std::uint16_t>(v);
  };
  if (host.starts_with('[')) {
    auto close = host.find(']');
    if (close == std::string::npos) {
      why = fmt::format("{} is not an address", host);
      return out;
    }
    if (host.substr(close + 1).starts_with(':')) port = parse_port(host.substr(close + 2));
    host = host.substr(1, close - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    port = parse_port(host.substr(colon + 1));
    host.resize(colon);
  }
  if (port == 0) {  // "no live upstreams": nginx names the group
    for (std::size_t i = 0; i < ups.size(); ++i) {
      if (lower(ups[i].block) == lower(host)) out.push_back(i);
    }
    if (out.empty()) why = fmt::format("the config has no upstream{{}} named {}", host);
    return out;
  }
  auto with = [&](auto&& pred) {
    for (std::size_t i = 0; i < ups.size(); ++i) {
      if (ups[i].port == port && pred(ups[i])) out.push_back(i);
    }
  };
  for (const auto& mapping : o.hosts) {
    const std::string& addr = mapping.second;
    if (addr == host || addr == fmt::format("{}:{}", host, port) ||
        addr == fmt::format("[{}]:{}", host, port)) {
      const std::string name = lower(mapping.first);
      with([&](const ConfigUpstream& u) { return lower(u.host) == name; });
    }
  }
  if (out.empty()) with([&](const ConfigUpstream& u) { return u.host == host; });
  if (out.empty()) {
    std::set<std::string> names;
    for (const auto& u : ups) {
      if (u.port == port && !u.host.empty()) names.insert(lower(u.host));
    }
    if (names.size() == 1)
      with([&](const ConfigUpstream& u) { return lower(u.host) == *names.begin(); });
    if (out.empty()) {
      why = fmt::format(
          "which of the config's upstreams is {}:{}? {} (say it with --host NAME={})", host, port,
          names.empty() ? fmt::format("the config uses no host on port {}", port)
                        : fmt::format("the config uses {} on that port", fmt::join(names, ", ")),
          host);
    }
  }
  return out;
}

// ---- one scenario ---------------------------------------------------------------------------

struct Template {
  const Scenario* scenario = nullptr;
  const FakeSpec* fault = nullptr;
};

Template choose_template(const DiagnosisGroup& g, const std::vector<Scenario>& catalog,
                         bool own_config) {
  const std::string scheme = g.upstreams.empty() ? "" : scheme_of(g.upstreams.begin()->first);
  Template best;
  int best_score = -1;
  for (const std::string& name : g.scenarios) {
    auto it = std::find_if(catalog.begin(), catalog.end(),
                           [&](const Scenario& s) { return s.name == name; });
    if (it == catalog.end()) continue;
    const FakeSpec* fault = fault_fake(*it);
    // Without a config the scenario is copied whole, so it must not need its own config's files.
    if (!own_config && it->nginx.config) continue;
    // A scenario in time is no snapshot: without its traffic and timeline (which a written
    // scenario does not copy) it would reproduce nothing.
    if (!it->timeline.empty() || !it->traffic.empty()) continue;
    // Behind the user's config a fake stands for an upstream: a scenario whose fault is nginx's
    // own snippet has nothing to bring, and real PHP-FPM runs the harness's script, not the one
    // the config's SCRIPT_FILENAME names (it would answer "Primary script unknown").
    if (own_config && (!fault || fault->behaviour == "php_fpm")) continue;
    // Its network's rules name its own fakes and addresses, which the user's upstreams are not.
    if (own_config && it->broken.needs_network()) continue;
    int score = 0;
    // One whose own error_log matched the log's lines makes nginx write that very line.
    if (std::find(g.exact.begin(), g.exact.end(), name) != g.exact.end()) score += 4;
    if (fault && !scheme.empty() && fault->protocol == protocol_of_scheme(scheme)) score += 2;
    if (!it->nginx.config) score += 1;
    // What it teaches is this very phase (not another one its error_log also allows).
    if (!g.action.empty() && it->teaches.find(" while " + g.action) != std::string::npos)
      score += 2;
    if (score > best_score) {
      best = {&*it, fault};
      best_score = score;
    }
  }
  return best;
}

std::string header(const DiagnosisGroup& g, std::size_t number, const Scenario& s,
                   const ScenarioWriteOptions& o) {
  std::string text = fmt::format(
      "Written by `badgateway diagnose --write` from {}, group [{}]: {} line{}, first {}, last "
      "{}.\nnginx logged: {}\nBuilt from the catalog scenario {} (badgateway explain {}).\n",
      o.log_label, number, g.count, g.count == 1 ? "" : "s", g.first, g.last, g.sample, s.name,
      s.name);
  return comment(text);
}

std::string top_keys(const DiagnosisGroup& g, std::size_t number, const Scenario& s) {
  const std::string id = g.signature ? std::string(g.signature->id) : "upstream-error";
  std::string teaches = g.message + (g.action.empty() ? "" : " while " + g.action);
  return line("format", 2) + line("name", fmt::format("diagnosed-{:02}-{}", number, id)) +
         line("description", fmt::format("Reproduces {} line{} of a production log: {}", g.count,
                                         g.count == 1 ? "" : "s", teaches)) +
         line("cause", s.cause) + line("teaches", teaches) +
         line("directive", g.signature ? std::string(g.signature->directives) : s.directive);
}

toml::table section(const toml::table& root, std::string_view key) {
  toml::table out;
  if (const toml::node* n = root.get(key)) out.insert(key, *n);
  return out;
}

std::string rendered_scenario(const DiagnosisGroup& g, std::size_t number, const Template& t,
                              const toml::table& tmpl, const ScenarioWriteOptions& o) {
  std::string text = header(g, number, *t.scenario, o) + top_keys(g, number, *t.scenario);
  for (std::string_view key : {"fakes", "network", "nginx", "requests"}) {
    if (tmpl.get(key)) text += "\n" + toml_text(section(tmpl, key)) + "\n";
  }
  toml::table expect = section(tmpl, "expect");
  // The scenario's own patterns, when they match the log's lines, are the ones the catalog keeps
  // stable on every nginx version (some faults show in either of two phases); the group's own
  // pattern otherwise.
  const bool exact = std::find(g.exact.begin(), g.exact.end(), t.scenario->name) != g.exact.end();
  if (auto pattern = group_pattern(g); pattern && !exact && expect.get("expect")) {
    expect.get("expect")->as_table()->insert_or_assign("error_log", *pattern);
  }
  text += "\n" + toml_text(expect) + "\n";
  if (tmpl.get("fix")) text += "\n" + toml_text(section(tmpl, "fix")) + "\n";
  return text;
}

std::optional<std::string> own_config_scenario(const DiagnosisGroup& g, std::size_t number,
                                               const Template& t, const toml::table& tmpl,
                                               const ScenarioWriteOptions& o, std::string& why) {
  const fs::path config = fs::absolute(*o.config);
  const bool is_dir = fs::is_directory(config);
  const fs::path main_file = is_dir ? config / "nginx.conf" : config;
  const ConfigFacts facts = scan_nginx_config(main_file, is_dir ? config : config.parent_path());
  std::vector<ConfigUpstream> ups = config_upstreams(facts);
  if (ups.empty()) {
    why = "the config names no upstream a fake can stand for";
    return std::nullopt;
  }
  for (const auto& [peer, n] : g.upstreams) {
    std::string peer_why;
    auto found = map_peer(peer, ups, o, peer_why);
    if (found.empty()) {
      why = peer_why;
      return std::nullopt;
    }
    for (std::size_t i : found) ups[i].faulted = true;
  }
  if (std::none_of(ups.begin(), ups.end(), [](const auto& u) { return u.faulted; })) {
    why = "its lines name no upstream";
    return std::nullopt;
  }
  std::string text = header(g, number, *t.scenario, o) + top_keys(g, number, *t.scenario);
  // Relative to the written file, as the loader reads it, so that DIR and the config can move
  // together.
  std::error_code ec;
  fs::path rel = fs::relative(config, fs::absolute(o.dir), ec);
  const auto ups_count = std::count(rel.begin(), rel.end(), fs::path(".."));
  const bool near = !ec && !rel.empty() && ups_count <= 2;
  toml::table nginx{{"config", (near ? rel : config).string()}};
  toml::table fakes_table;
  const toml::node* fault_node = tmpl.at_path(fmt::format("fakes.{}", t.fault->name)).node();
  for (const ConfigUpstream& u : ups) {
    toml::table f;
    if (u.faulted && fault_node && fault_node->is_table()) {
      f = *fault_node->as_table();
      for (std::string_view key : {"host", "socket", "unix_socket", "listen", "protocol"})
        f.erase(key);
      // The protocol the config speaks to it, whatever the catalog scenario's fake spoke.
      if (u.fastcgi) f.insert("protocol", "fastcgi");
    } else {
      f.insert("behaviour", "ok");
      if (u.fastcgi) f.insert("protocol", "fastcgi");
    }
    if (!u.socket.empty()) {
      f.insert("socket", u.socket);
    } else {
      f.insert("host", fmt::format("{}:{}", u.host, u.port));
    }
    fakes_table.insert(u.fake, std::move(f));
  }
  // The log's request, as many times and in the way (concurrency, bodies) the catalog scenario
  // sends its own.
  toml::array requests;
  const auto words = [&] {
    std::vector<std::string> w;
    std::istringstream in(g.request);
    for (std::string s; in >> s;) w.push_back(s);
    return w;
  }();
  const toml::array* tmpl_requests = tmpl["requests"].as_array();
  const std::size_t n_requests = tmpl_requests ? tmpl_requests->size() : 1;
  for (std::size_t i = 0; i < n_requests; ++i) {
    toml::table r;
    if (tmpl_requests && tmpl_requests->get(i) && tmpl_requests->get(i)->is_table())
      r = *tmpl_requests->get(i)->as_table();
    if (words.size() >= 2 && words[1].starts_with('/') && check_single_line(words[1]).empty()) {
      r.insert_or_assign("path", words[1]);
      if (!r.contains("body") && check_method(words[0]).empty())
        r.insert_or_assign("method", words[0]);
    }
    if (!g.host.empty() && check_single_line(g.host).empty())
      r.insert_or_assign("headers", toml::table{{"Host", g.host}});
    requests.push_back(std::move(r));
  }
  toml::table expect;
  // The client's status holds only when no healthy upstream of the same group can take over.
  const bool alternative = std::any_of(ups.begin(), ups.end(), [&](const ConfigUpstream& u) {
    return !u.faulted && !u.block.empty() &&
           std::any_of(ups.begin(), ups.end(),
                       [&](const ConfigUpstream& f) { return f.faulted && f.block == u.block; });
  });
  std::string status_note;
  const toml::node* status = tmpl.at_path("expect.status").node();
  if (!status) status = tmpl.at_path("expect.status_in").node();
  if (status && !alternative) {
    expect.insert("status", *status);
    if (const toml::node* by = tmpl.at_path("expect.generated_by").node())
      expect.insert("generated_by", *by);
  } else if (status && status->is_integer()) {
    // Which server of the group a request meets is nginx's choice (round robin, and
    // proxy_next_upstream after a failure): the fault's status, or a healthy server's answer.
    expect.insert("status_in", toml::array{*status->value<std::int64_t>(), 200});
    status_note = comment(
        "Another server of the same upstream group is healthy here: nginx's balancing (and\n"
        "proxy_next_upstream) decide whether a request meets the failing one. Give the others\n"
        "the failing behaviour too to see only the failure.");
  }
  if (auto pattern = group_pattern(g)) {
    expect.insert("error_log", *pattern);
  } else if (const toml::node* e = tmpl.at_path("expect.error_log").node()) {
    expect.insert("error_log", *e);
  }
  toml::table root_fakes{{"fakes", std::move(fakes_table)}};
  toml::table root_nginx{{"nginx", std::move(nginx)}};
  toml::table root_requests{{"requests", std::move(requests)}};
  toml::table root_expect{{"expect", std::move(expect)}};
  text += "\n" + toml_text(root_fakes) + "\n\n" + toml_text(root_nginx) + "\n\n" +
          toml_text(root_requests) + "\n\n" + status_note + toml_text(root_expect) + "\n";
  text += "\n" +
          comment(fmt::format("Add a [fix] with your config change and run both: see `badgateway "
                              "explain {}` for the catalog's fix.",
                              t.scenario->name));
  return text;
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the scenario", file.string()));
}

}  // namespace

WriteResult write_scenarios(const Diagnosis& d, const std::vector<Scenario>& catalog,
                            const ScenarioWriteOptions& o) {
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec || !fs::is_directory(o.dir)) {
    throw std::runtime_error(
        fmt::format("{}: cannot create the directory: {}", o.dir.string(), ec.message()));
  }
  WriteResult result;
  TomlGuardSession guard;  // one parser child for the templates and the files written
  for (std::size_t i = 0; i < d.groups.size(); ++i) {
    const DiagnosisGroup& g = d.groups[i];
    const std::size_t number = i + 1;
    if (g.scenarios.empty()) {
      result.skipped.push_back({number, "no catalog scenario reproduces it yet"});
      continue;
    }
    const Template t = choose_template(g, catalog, o.config.has_value());
    if (!t.scenario) {
      result.skipped.push_back(
          {number, o.config ? "the scenarios that reproduce it break nginx's own snippet or run "
                              "real PHP-FPM (which runs the harness's script, not your "
                              "config's): none has a fake to stand behind your config"
                            : "the scenarios that reproduce it need their own config"});
      continue;
    }
    const toml::table tmpl =
        parse_toml(read_bounded_file(t.scenario->origin.file), t.scenario->origin.file);
    std::string why;
    std::optional<std::string> text =
        o.config ? own_config_scenario(g, number, t, tmpl, o, why)
                 : std::optional<std::string>(rendered_scenario(g, number, t, tmpl, o));
    if (!text) {
      result.skipped.push_back({number, why});
      continue;
    }
    const std::string id = g.signature ? std::string(g.signature->id) : "upstream-error";
    const fs::path file = o.dir / fmt::format("{:02}-{}.toml", number, id);
    write_file(file, *text);
    try {
      (void)load_scenario_file(file);
    } catch (const std::exception& e) {
      fs::remove(file, ec);
      result.skipped.push_back(
          {number, fmt::format("the written scenario does not load: {}", e.what())});
      continue;
    }
    result.written.push_back({number, file, t.scenario->name});
  }
  return result;
}

std::string render_write_result(const WriteResult& r) {
  std::string out;
  if (!r.written.empty()) {
    out += fmt::format("\nWrote {} scenario{} (run them: badgateway run {}):\n", r.written.size(),
                       r.written.size() == 1 ? "" : "s",
                       r.written.front().file.parent_path().string());
    for (const auto& w : r.written)
      out += fmt::format("  [{}] {} (from {})\n", w.group, w.file.string(), w.based_on);
  }
  if (!r.skipped.empty()) {
    out += fmt::format("\nNot written ({}):\n", r.skipped.size());
    for (const auto& s : r.skipped) out += fmt::format("  [{}] {}\n", s.group, s.why);
  }
  if (r.written.empty() && r.skipped.empty()) out += "\nNo group to write a scenario for.\n";
  return out;
}

}  // namespace badgateway
