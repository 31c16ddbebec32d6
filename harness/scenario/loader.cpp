#include "harness/scenario/loader.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include "harness/scenario/toml.hpp"

#include "harness/input/bounded_file.hpp"
#include "harness/input/names.hpp"
#include "harness/input/suggest.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/regex/regex.hpp"
#include "harness/scenario/expectations_reader.hpp"
#include "harness/scenario/fakes_reader.hpp"
#include "harness/scenario/network_reader.hpp"
#include "harness/scenario/nginx_reader.hpp"
#include "harness/scenario/own_config_checks.hpp"
#include "harness/scenario/read_steps.hpp"
#include "harness/scenario/timeline_reader.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {
namespace {

// All groups together: each response is kept for the verdicts, each body is held in memory.
constexpr std::size_t kMaxResponses = 100'000;
constexpr std::size_t kMaxBodyBytes = 64 << 20;

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
  // A count of bytes, or a size with its unit ("4k", "1m").
  std::optional<std::int64_t> body_size;
  if (const toml::node* bs = r.raw().get("body_size"); bs && bs->is_string()) {
    r.get("body_size");
    auto bytes = parse_size(bs->as_string()->get());
    if (!bytes || *bytes > kMaxBodyBytes) {
      r.fail("body_size", fmt::format("\"{}\": expected a size from 0 to 64m (\"512\", \"4k\")",
                                      bs->as_string()->get()));
    }
    body_size = static_cast<std::int64_t>(*bytes);
  } else {
    body_size = r.integer("body_size", 0, static_cast<std::int64_t>(kMaxBodyBytes));
  }
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

std::vector<std::string> names_of(const std::map<std::string, FakeSpec>& a,
                                  const std::map<std::string, FakeSpec>* b = nullptr) {
  std::vector<std::string> names;
  for (const auto& [n, _] : a) names.push_back(n);
  if (b) {
    for (const auto& [n, _] : *b) names.push_back(n);
  }
  return names;
}

// The fakes of a phase: `a`, with `b` (the fix's) replacing or adding some.
CountableFakes countable_fakes(const std::map<std::string, FakeSpec>& a,
                               const std::map<std::string, FakeSpec>* b = nullptr) {
  CountableFakes fakes{names_of(a, b), {}};
  std::map<std::string, const FakeSpec*> phase;
  for (const auto& [n, spec] : a) phase[n] = &spec;
  if (b) {
    for (const auto& [n, spec] : *b) phase[n] = &spec;
  }
  for (const auto& [n, spec] : phase) {
    if (is_php_fpm(spec->protocol, spec->behaviour) || spec->zone) fakes.requests_only.push_back(n);
    if (spec->zone) fakes.dns.push_back(n);
  }
  return fakes;
}

// `format`, first: it decides what later keys mean.
void read_format(Reader& r, Scenario& s) {
  s.format = static_cast<int>(r.integer("format", 1, 1'000'000).value_or(1));
  if (s.format > kLatestFormat) {
    r.fail("format", fmt::format("is {}, newer than this badgateway reads (1 to {}): update "
                                 "badgateway (docs/scenario-format.md, \"Format versions\")",
                                 s.format, kLatestFormat));
  }
}

// The scenario's own keys: name, description, cause, what it teaches, only/skip.
void read_header(Reader& r, Scenario& s) {
  s.name = r.required_string("name");
  if (auto e = check_scenario_name(s.name); !e.empty()) r.fail("name", e);
  s.description = r.required_string("description");
  s.cause = r.required_string("cause");
  if (std::find_if(std::begin(kCauses), std::end(kCauses),
                   [&](const char* c) { return s.cause == c; }) == std::end(kCauses)) {
    auto near = closest_name(s.cause, {std::begin(kCauses), std::end(kCauses)});
    r.fail(
        "cause",
        near ? fmt::format("unknown cause \"{}\" (did you mean \"{}\"?)", s.cause, *near)
             : fmt::format("unknown cause \"{}\" (known: {})", s.cause, fmt::join(kCauses, ", ")));
  }
  s.teaches = r.required_string("teaches");
  s.directive = r.string("directive").value_or("");
  s.only = r.boolean("only").value_or(false);
  s.skip = r.string("skip");
  if (s.skip && s.skip->empty()) r.fail("skip", "must not be empty: give the reason it is skipped");
  if (s.skip && s.only)
    r.fail("only", "cannot be combined with skip: a skipped scenario never runs");
}

// [nginx] of the broken run, checked against its fakes.
void read_broken_nginx(Reader& r, const toml::table& root, Scenario& s, std::string_view source,
                       const std::vector<std::string>* vary_names) {
  if (const toml::table* n = r.table("nginx")) {
    Reader nr(*n, "nginx", r.file());
    s.nginx = read_nginx(nr, source);
    check_snippets(nr, names_of(s.fakes), source, vary_names);
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
}

// A stream's `mix = [ { method = "GET", path = "/a", weight = 3 }, ... ]`: each entry a request
// as in [[requests]] (without count, concurrency, delay and timeout: the stream's) and a weight.
void read_mix(Reader& r, TrafficSpec& t, std::size_t& body_bytes) {
  const toml::node* n = r.get("mix");
  const toml::array* arr = n->as_array();
  if (!arr || !arr->is_array_of_tables() || arr->empty() || arr->size() > 100) {
    r.fail("mix",
           "expected 1 to 100 requests: [ { method = \"GET\", path = \"/a\", weight = 3 } ]");
  }
  for (const char* key : {"method", "path", "headers", "body", "body_size"}) {
    if (r.has(key)) {
      r.fail(key, "is given per request in mix: a stream has either mix or one request");
    }
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    Reader mr(*arr->get(i)->as_table(), r.field(fmt::format("mix[{}]", i)), r.file());
    const int weight = static_cast<int>(mr.integer("weight", 1, 1000).value_or(1));
    for (const char* key : {"count", "concurrency", "delay", "timeout"}) {
      if (mr.has(key)) mr.fail(key, "is the stream's: a mix entry has a request and a weight");
    }
    t.mix.push_back({read_request(mr, body_bytes), weight});
  }
}

// One [[traffic]] stream: its arrival pattern, then the request it repeats (read as a
// [[requests]] entry is, without count, concurrency and delay).
TrafficSpec read_one_traffic(Reader& r, std::size_t& body_bytes, std::size_t& responses) {
  TrafficSpec t;
  auto rate = r.string("rate");
  auto clients = r.integer("clients", 1, 1'000);
  if (rate.has_value() == clients.has_value()) {
    r.fail_at(r.raw().source(), "traffic",
              "needs either rate (open loop: \"50/s\") or clients (closed loop: 4), not both");
  }
  if (rate) {
    auto per_second = parse_rate(*rate);
    if (!per_second || *per_second <= 0 || *per_second > 10'000) {
      r.fail("rate", fmt::format("\"{}\": expected requests per second or minute, more than 0 "
                                 "and at most 10000/s: \"50/s\", \"600/m\"",
                                 *rate));
    }
    t.loop = TrafficSpec::Loop::open;
    t.rate = *per_second;
  } else {
    t.loop = TrafficSpec::Loop::closed;
    t.clients = static_cast<int>(*clients);
  }
  auto duration = r.duration("duration");
  if (!duration) r.fail("duration", "is required: how long the stream lasts (\"3s\")");
  if (duration->count() <= 0 || *duration > Millis(3600 * 1000))
    r.fail("duration", "must be more than 0, at most 1h");
  t.duration = *duration;
  t.start = r.duration("at").value_or(Millis(0));
  if (t.start.count() < 0 || t.start > Millis(3600 * 1000)) r.fail("at", "must be from 0s to 1h");
  for (const char* key : {"count", "concurrency", "delay"}) {
    if (r.has(key)) {
      r.fail(key, "is a [[requests]] key: a stream has rate or clients, duration and at");
    }
  }
  responses += t.scheduled();
  if (responses > kMaxResponses) {
    r.fail("rate", fmt::format("{} requests in all (at most {})", responses, kMaxResponses));
  }
  t.keepalive = r.boolean("keepalive").value_or(false);
  if (r.has("mix")) read_mix(r, t, body_bytes);
  t.request = read_request(r, body_bytes);
  for (auto& entry : t.mix) entry.request.timeout = t.request.timeout;
  return t;
}

void read_traffic(Reader& r, Scenario& s) {
  const toml::node* n = r.get("traffic");
  if (!n) return;
  const toml::array* arr = n->as_array();
  if (!arr || !arr->is_array_of_tables()) r.fail("traffic", "expected [[traffic]] tables");
  if (arr->size() > 100) r.fail("traffic", "at most 100 streams");
  std::size_t body_bytes = 0, responses = 0;
  for (const auto& item : *arr) {
    Reader tr(*item.as_table(), "traffic", r.file());
    s.traffic.push_back(read_one_traffic(tr, body_bytes, responses));
  }
}

void read_requests(Reader& r, Scenario& s) {
  if (const toml::node* n = r.get("requests")) {
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) r.fail("requests", "expected [[requests]] tables");
    s.requests_origin = pos_of(*n, r.file());
    std::size_t responses = 0, body_bytes = 0;
    for (const auto& item : *arr) {
      Reader qr(*item.as_table(), "requests", r.file());
      s.requests.push_back(read_request(qr, body_bytes));
      responses += static_cast<std::size_t>(s.requests.back().count);
      if (responses > kMaxResponses) {
        qr.fail_at(item.source(), "requests",
                   fmt::format("{} requests in all (at most {})", responses, kMaxResponses));
      }
    }
  }
  // A scenario in time may send its traffic only: no default GET / then.
  if (s.requests.empty() && !r.has("traffic")) s.requests.emplace_back();
}

void read_broken_expect(Reader& r, const toml::table& root, Scenario& s) {
  const toml::table* expect = r.table("expect");
  if (!expect) r.fail_at(root.source(), "expect", "is required");
  Reader er(*expect, "expect", r.file());
  std::vector<WindowSpec> windows = read_windows(er, s.timeline, s.fakes);
  s.expect = read_expectation_set(er, countable_fakes(s.fakes), s.response_count(), s.format);
  s.expect.windows = std::move(windows);
  if (!s.traffic.empty() && s.expect.windows.empty()) {
    er.fail_at(expect->source(), "expect.window",
               "is required with [[traffic]]: what must hold of the responses over time");
  }
  if (s.nginx.config) reject_access_log_checks(er, s.expect, "expect");
  const bool runs = s.expect.base.nginx.value_or(NginxOutcome::runs) == NginxOutcome::runs;
  if (runs && !s.requests.empty() && !s.expect.base.status && !s.expect.base.status_counts &&
      !s.expect.base.status_in) {
    er.fail_at(expect->source(), "expect.status",
               "is required (or expect.status_counts / expect.status_in)");
  }
}

// A fake the fix adds (not one it replaces) that no snippet of the fixed config names is
// almost always a misspelt name (`[fix.fakes.ap]` for `app`): the fix would change nothing.
void reject_unused_new_fakes(const Scenario& s, const FixSpec& f, const PhasePlan& fixed) {
  for (const auto& [name, spec] : f.fakes) {
    if (s.fakes.count(name)) continue;
    bool used = false;
    for (const auto* snippet : {&fixed.nginx.http, &fixed.nginx.server, &fixed.nginx.location}) {
      for (const char* end : {"}}", "."}) {  // {{fakes.NAME}}, {{fakes.NAME.port}}
        const std::string use = "{{fakes." + name + end;
        used = used || (*snippet && (*snippet)->find(use) != std::string::npos);
      }
    }
    if (used) continue;
    auto near = closest_name(name, names_of(s.fakes));
    fail_at_pos(
        spec.pos, "fix.fakes." + name,
        fmt::format("a new fake that no snippet of the fixed config uses (no {{{{fakes.{}}}}}){}",
                    name, near ? fmt::format(": did you mean \"{}\"?", *near) : ""));
  }
}

// The fix as written, and the fixed phase's plan with it merged in.
void read_fix(const toml::table& fix, Scenario& s, std::string_view source,
              const std::vector<std::string>* vary_names) {
  const std::string& file = s.origin.file;
  Reader fr(fix, "fix", file);
  FixSpec f;
  f.description = fr.required_string("description");
  if (const toml::table* ff = fr.table("fakes")) f.fakes = read_fakes(*ff, "fix.fakes", file);
  if (const toml::table* n = fr.table("nginx")) {
    Reader nr(*n, "fix.nginx", file);
    f.nginx = read_nginx(nr, source);
    check_snippets(nr, names_of(s.fakes, &f.fakes), source, vary_names);
    if (f.nginx.config && !s.nginx.config) {
      nr.fail("config", "the broken run must use nginx.config too");
    }
  }
  if (const toml::table* n = fr.table("network")) {
    std::map<std::string, FakeSpec> fakes = s.fakes;
    for (const auto& [name, spec] : f.fakes) fakes[name] = spec;
    f.network = read_network(*n, "fix.network", file, fakes);
  }
  if (const toml::node* t = fr.get("timeline")) {
    std::map<std::string, FakeSpec> fakes = s.fakes;
    for (const auto& [name, spec] : f.fakes) fakes[name] = spec;
    f.timeline = read_timeline(*t, file, fakes, s.nginx.config.has_value(), source, "fix.timeline");
  }
  const std::vector<TimelineAction>& timeline = f.timeline ? *f.timeline : s.timeline;
  // The fixed run expects a healthy answer unless it says otherwise.
  f.expect.base.status = std::vector<int>{200};
  f.expect.base.generated_by = std::vector<GeneratedBy>{GeneratedBy::upstream};
  if (const toml::table* fe = fr.table("expect")) {
    Reader fer(*fe, "fix.expect", file);
    f.expect.windows = read_windows(fer, timeline, s.fakes);
    ExpectationSet patch =
        read_expectation_set(fer, countable_fakes(s.fakes, &f.fakes), s.response_count(), s.format);
    f.expect.base.overlay(patch.base);
    if (patch.base.nginx.value_or(NginxOutcome::runs) != NginxOutcome::runs) {
      f.expect.base.status.reset();  // no healthy answer to expect from an nginx that never ran
      f.expect.base.generated_by.reset();
    }
    f.expect.by_version = patch.by_version;
    patch.windows = f.expect.windows;
    if (s.nginx.config) reject_access_log_checks(fer, patch, "fix.expect");
  }
  if (!s.traffic.empty() && f.expect.windows.empty()) {
    const toml::table* fe = fr.raw().get_as<toml::table>("expect");
    fr.fail_at(fe ? fe->source() : fix.source(), "fix.expect.window",
               "is required with [[traffic]]: what must hold of the responses over time");
  }
  if (!f.nginx.main && !f.nginx.events && !f.nginx.http && !f.nginx.server && !f.nginx.location &&
      !f.nginx.start && !f.nginx.user && !f.nginx.config && f.fakes.empty() && !f.network &&
      !f.timeline) {
    fr.fail_at(fix.source(), "fix",
               "changes nothing: set fix.nginx.*, fix.fakes.*, fix.network.* or [[fix.timeline]]");
  }
  fr.reject_unknown();
  PhasePlan fixed = merge_fix(s, f);
  if (s.nginx.config) {
    check_fixed_own_config(fix, file, fixed);
  } else {
    reject_unused_new_fakes(s, f, fixed);
  }
  s.fix = std::move(f);
  s.fixed = std::move(fixed);
}

// The top level's keys: checked first, so that a misspelt section is named as such rather than
// as the section it should have been being missing.
constexpr std::string_view kTopLevelKeys[] = {
    "format", "name",  "description", "cause",  "teaches", "directive", "only",     "skip",
    "fakes",  "nginx", "requests",    "expect", "fix",     "traffic",   "timeline", "network"};

// Sections in the order later ones depend on: fakes before the nginx snippets that name them,
// requests before expectations that count responses.
Scenario read_scenario(const toml::table& root, const std::string& file, std::string_view source,
                       LoadReport* report, const std::vector<std::string>* vary_names) {
  Reader r(root, "", file);
  Scenario s;
  s.origin = {file, 0, 0};
  s.requests_origin = s.origin;
  Steps steps(report);
  for (std::string_view key : kTopLevelKeys) r.get(key);
  for (const auto& entry : root) {
    const toml::key& key = entry.first;  // not a structured binding: clang 14 cannot capture one
    steps.run("", [&] { r.reject_unknown(key.str()); });
  }
  bool format = steps.run("format", [&] { read_format(r, s); });
  steps.run("the header", [&] { read_header(r, s); });
  bool fakes = steps.run("[fakes]", [&] {
    if (const toml::table* f = r.table("fakes")) s.fakes = read_fakes(*f, "fakes", file);
  });
  bool nginx =
      steps.run("[nginx]", [&] { read_broken_nginx(r, root, s, source, vary_names); }, {fakes});
  steps.run(root.contains("network") ? "[network]" : "",
            [&] {
              if (const toml::table* n = r.table("network"))
                s.network = read_network(*n, "network", file, s.fakes);
            },
            {fakes});
  bool traffic = steps.run("[[traffic]]", [&] { read_traffic(r, s); });
  bool requests = steps.run("[[requests]]", [&] { read_requests(r, s); });
  bool timeline = steps.run(root.contains("timeline") ? "[[timeline]]" : "",
                            [&] {
                              if (const toml::node* t = r.get("timeline")) {
                                s.timeline = read_timeline(*t, file, s.fakes,
                                                           s.nginx.config.has_value(), source);
                              }
                            },
                            {fakes, nginx});
  // What [expect] and [fix] read depends on the scenario's time too (windows, their marks).
  requests = requests && timeline && traffic;
  steps.run("[expect]", [&] { read_broken_expect(r, root, s); }, {format, fakes, nginx, requests});
  s.broken = PhasePlan{"broken", s.fakes, s.nginx, s.expect, s.network, s.timeline};
  steps.run(root.contains("fix") ? "[fix]" : "",
            [&] {
              if (const toml::table* fix = r.table("fix")) read_fix(*fix, s, source, vary_names);
            },
            {format, fakes, nginx, requests});
  return s;
}

}  // namespace

std::pair<long, long> error_position(std::string_view message) {
  // The first ":LINE:COLUMN: " (a file name may hold ':' itself, not followed by that).
  static const Regex position(R"(:(\d+):(\d+): )");
  auto groups = position.search_groups(message);
  if (!groups) return {0, 0};
  return {std::stol((*groups)[1]), std::stol((*groups)[2])};
}

Scenario load_scenario_string(std::string_view text, const std::string& file_label,
                              LoadReport* report, const std::vector<std::string>* vary_names) {
  toml::table root;
  try {
    root = parse_toml(text, file_label);
  } catch (const ScenarioError& e) {
    if (!report) throw;
    report->errors.push_back(e.what());  // nothing past a syntax error can be read
    return {};
  }
  return read_scenario(root, file_label, text, report, vary_names);
}

Scenario load_scenario_file(const std::filesystem::path& path, LoadReport* report,
                            const std::vector<std::string>* vary_names) {
  std::string text;
  try {
    text = read_bounded_file(path);
  } catch (const InputFileError& e) {
    if (!report) throw ScenarioError(e.what());
    report->errors.push_back(e.what());
    return {};
  }
  return load_scenario_string(text, path.string(), report, vary_names);
}

}  // namespace badgateway
