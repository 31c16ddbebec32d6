#include "harness/scenario/timeline_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "harness/input/names.hpp"
#include "harness/input/suggest.hpp"
#include "harness/php/php_fpm.hpp"
#include "harness/scenario/fakes_reader.hpp"
#include "harness/scenario/latency_reader.hpp"
#include "harness/scenario/network_reader.hpp"
#include "harness/scenario/nginx_reader.hpp"

namespace badgateway {
namespace {

constexpr Millis kMaxOffset{3600 * 1000};
constexpr Millis kMaxDeadline{10 * 60 * 1000};

// Which targets each action applies to.
enum : unsigned { kOnFake = 1, kOnPhpFpm = 2, kOnNginx = 4, kOnNetwork = 8, kOnDns = 16 };

struct ActionName {
  const char* word;
  TimelineActionKind kind;
  const char* verb;  // in the label: "app stops"
  unsigned targets;
};
constexpr ActionName kActions[] = {
    {"stop", TimelineActionKind::stop, "stops", kOnFake | kOnPhpFpm | kOnNginx},
    {"start", TimelineActionKind::start, "starts", kOnFake | kOnPhpFpm | kOnNginx},
    {"close_connections", TimelineActionKind::close_connections, "closes connections", kOnFake},
    {"reset_connections", TimelineActionKind::reset_connections, "resets connections", kOnFake},
    {"behave", TimelineActionKind::behave, "behaves", kOnFake},
    {"reload", TimelineActionKind::reload, "reloads", kOnPhpFpm | kOnNginx},
    {"kill", TimelineActionKind::kill, "is killed", kOnPhpFpm},
    {"restart", TimelineActionKind::restart, "restarts", kOnPhpFpm | kOnNginx},
    {"firewall", TimelineActionKind::firewall, "changes", kOnNetwork},
    {"answer", TimelineActionKind::answer, "answers anew", kOnDns},
    {"move", TimelineActionKind::move, "moves", kOnFake},
};

std::string target_names(unsigned targets) {
  std::vector<std::string> names;
  if (targets & kOnFake) names.emplace_back("a fake");
  if (targets & kOnPhpFpm) names.emplace_back("a real PHP-FPM pool");
  if (targets & kOnNginx) names.emplace_back("nginx (no `fake`)");
  if (targets & kOnNetwork) names.emplace_back("the run's network (no `fake`)");
  if (targets & kOnDns) names.emplace_back("a DNS fake");
  std::string out = names.front();
  for (std::size_t i = 1; i < names.size(); ++i) {
    out += (i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return out;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(' ');
  return std::string(s.substr(b, e - b + 1));
}

// `with.listen` of a move: a loopback address, with a port or without (then the fake keeps its
// own). An address on the run's links would need an upstream host made for it at the start.
fakes::Address read_move_address(Reader& wr) {
  fakes::Address address = read_ip_with_port(
      wr, "listen", wr.required_string("listen"),
      "expected a loopback address with an optional port: \"127.0.0.3\", \"127.0.0.3:8080\", "
      "\"[::1]\"");
  if (!address.is_loopback()) {
    wr.fail("listen", fmt::format("{} is not a loopback address: a fake moves within loopback "
                                  "(127.0.0.0/8, ::1)",
                                  address.host));
  }
  return address;
}

TimelineAction read_action(Reader& r, const std::map<std::string, FakeSpec>& fakes, bool own_config,
                           std::string_view source) {
  TimelineAction a;
  a.pos = pos_of(r.raw(), r.file());
  auto at = r.duration("at");
  if (!at) r.fail("at", "is required: when the action happens, from the start of traffic");
  if (at->count() < 0 || *at > kMaxOffset) r.fail("at", "must be from 0s to 1h");
  a.at = *at;
  const std::string action = r.required_string("action");
  const auto* known = std::find_if(std::begin(kActions), std::end(kActions),
                                   [&](const ActionName& n) { return action == n.word; });
  if (known == std::end(kActions)) {
    std::vector<std::string> words;
    for (const auto& n : kActions) words.emplace_back(n.word);
    auto near = closest_name(action, words);
    r.fail("action",
           near ? fmt::format("unknown action \"{}\" (did you mean \"{}\"?)", action, *near)
                : fmt::format("unknown action \"{}\" (known: {})", action, fmt::join(words, ", ")));
  }
  a.kind = known->kind;
  auto fake = r.string("fake");
  if (fake) {
    auto it = fakes.find(*fake);
    if (it == fakes.end()) {
      std::vector<std::string> names;
      for (const auto& entry : fakes) names.push_back(entry.first);
      auto near = closest_name(*fake, names);
      r.fail("fake", near ? fmt::format("no fake \"{}\" (did you mean \"{}\"?)", *fake, *near)
                          : fmt::format("no fake \"{}\" in [fakes]", *fake));
    }
    a.target = it->second.zone                                         ? TimelineTarget::dns
               : is_php_fpm(it->second.protocol, it->second.behaviour) ? TimelineTarget::php_fpm
                                                                       : TimelineTarget::fake;
    a.fake = *fake;
    a.protocol = it->second.protocol;
    a.label = fmt::format("{} {}", a.fake, known->verb);
  } else if (known->targets == kOnNetwork) {
    a.target = TimelineTarget::network;
    a.label = fmt::format("{} {}", action, known->verb);
  } else {
    a.target = TimelineTarget::nginx;
    a.label = fmt::format("nginx {}", known->verb);
  }
  const unsigned target = a.target == TimelineTarget::fake      ? kOnFake
                          : a.target == TimelineTarget::php_fpm ? kOnPhpFpm
                          : a.target == TimelineTarget::network ? kOnNetwork
                          : a.target == TimelineTarget::dns     ? kOnDns
                                                                : kOnNginx;
  if (!(known->targets & target)) {
    const char* what = a.target == TimelineTarget::fake      ? "a fake"
                       : a.target == TimelineTarget::php_fpm ? "a real PHP-FPM pool"
                       : a.target == TimelineTarget::dns     ? "a DNS fake"
                                                             : "nginx";
    r.fail(fake ? "fake" : "action",
           fmt::format("\"{}\" {}: it acts on {}", action,
                       fake ? fmt::format("is not an action on {} (\"{}\")", what, *fake)
                            : std::string("needs `fake`"),
                       target_names(known->targets)));
  }
  if (auto name = r.string("name")) {
    if (name->empty() || name->size() > 100) r.fail("name", "must have 1 to 100 characters");
    if (parse_duration(*name) || name->find_first_of("+-") != std::string::npos) {
      r.fail("name", "must not look like a duration or hold + or - (windows refer to it)");
    }
    a.label = *name;
  }
  if (auto d = r.duration("deadline")) {
    if (d->count() <= 0 || *d > kMaxDeadline)
      r.fail("deadline", "must be more than 0, at most 10m");
    a.deadline = *d;
  }
  const toml::table* with = r.table("with");
  if (a.kind == TimelineActionKind::behave) {
    if (!with) r.fail("with", "is required: { behaviour = \"...\", parameters... } as in [fakes]");
    Reader wr(*with, r.field("with"), r.file());
    read_behaviour_change(wr, fakes.at(a.fake), a.behaviour, a.params);
  } else if (a.kind == TimelineActionKind::kill) {
    a.process = "all";
    if (with) {
      Reader wr(*with, r.field("with"), r.file());
      if (auto p = wr.string("process")) {
        if (*p != "all" && *p != "master" && *p != "workers" && *p != "worker") {
          wr.fail("process", fmt::format("unknown process \"{}\" (expected all, master, workers or "
                                         "worker)",
                                         *p));
        }
        a.process = *p;
      }
      wr.reject_unknown();
    }
  } else if (a.kind == TimelineActionKind::reload && a.target == TimelineTarget::nginx) {
    if (with) {
      if (own_config) {
        r.fail("with", "an own config (nginx.config) is reloaded as it is: no snippets");
      }
      Reader wr(*with, r.field("with"), r.file());
      a.snippets = read_nginx(wr, source);
      if (a.snippets.start || a.snippets.user || a.snippets.config || a.snippets.port) {
        wr.fail(a.snippets.start  ? "start"
                : a.snippets.user ? "user"
                                  : "config",
                "a reload changes snippets only (main, events, http, server, location)");
      }
      std::vector<std::string> names;
      for (const auto& entry : fakes) names.push_back(entry.first);
      check_snippets(wr, names, source);
    }
  } else if (a.kind == TimelineActionKind::answer) {
    if (!with) {
      r.fail("with",
             "is required: { name = \"app.test\", a = \"127.0.0.2\" }, the name and what "
             "it answers from now on (a, aaaa, cname, ttl, fault, delay)");
    }
    Reader wr(*with, r.field("with"), r.file());
    const std::string name = wr.required_string("name");
    const fakes::dns::Zone& zone = *fakes.at(a.fake).zone;
    a.dns_name = fakes::dns::Zone::canonical(name);
    HostAndPort parsed;
    if (auto e = check_host_and_port(a.dns_name, parsed); !e.empty() || parsed.port != 0)
      wr.fail("name", e.empty() ? "a name, without a port" : e);
    if (const fakes::dns::NameAnswer* written = zone.find(a.dns_name)) a.dns_answer = *written;
    bool says = false;
    for (const char* key : {"a", "aaaa", "cname", "ttl", "fault", "delay"}) says |= wr.has(key);
    if (!says) {
      wr.fail_at(with->source(), wr.path(),
                 "changes nothing: give what the name answers from now on (a, aaaa, cname, ttl, "
                 "fault or delay)");
    }
    read_answer_keys(wr, a.dns_answer);
    wr.reject_unknown();
  } else if (a.kind == TimelineActionKind::firewall) {
    if (!with) {
      r.fail("with",
             "is required: { rules = [ { fake = \"app\", action = \"drop\" } ] } as in "
             "[[network.firewall]], or rules = [] to remove the timeline's rules");
    }
    Reader wr(*with, r.field("with"), r.file());
    const toml::node* rules = wr.get("rules");
    if (!rules) wr.fail("rules", "is required: a list of rules as in [[network.firewall]], or []");
    const toml::array* list = rules->as_array();
    if (!list || (!list->empty() && !list->is_array_of_tables()))
      wr.fail("rules", "expected a list of tables: [ { fake = \"app\", action = \"drop\" } ]");
    if (list->size() > kMaxFirewallRules)
      wr.fail("rules", fmt::format("at most {} rules", kMaxFirewallRules));
    for (const auto& item : *list) {
      Reader fr(*item.as_table(), wr.field("rules"), r.file());
      a.firewall.push_back(read_firewall_rule(fr, fakes));
    }
    wr.reject_unknown();
  } else if (a.kind == TimelineActionKind::move) {
    const FakeSpec& spec = fakes.at(a.fake);
    if (spec.unix_socket || spec.socket || (spec.listen_on && !spec.listen_on->is_loopback())) {
      r.fail("fake", fmt::format("\"{}\" does not listen on a loopback TCP address: only such a "
                                 "fake moves (to another loopback address)",
                                 a.fake));
    }
    if (!with) r.fail("with", "is required: { listen = \"127.0.0.3\" } (the port: the fake's own)");
    Reader wr(*with, r.field("with"), r.file());
    a.move_to = read_move_address(wr);
    wr.reject_unknown();
  } else if (with) {
    r.fail("with", fmt::format("\"{}\" takes no arguments", action));
  }
  r.reject_unknown();
  return a;
}

CountBound read_count_bound(Reader& r, std::string_view key, const toml::node& n) {
  const std::string field = r.field(key);
  if (n.is_integer()) {  // `count."5xx" = 0`: exactly
    const auto v = n.as_integer()->get();
    if (v < 0) r.fail_at(n.source(), field, "must be 0 or more");
    return {v, v};
  }
  if (!n.is_table()) r.fail_at(n.source(), field, "expected a count or { min = N, max = N }");
  Reader br(*n.as_table(), field, r.file());
  CountBound b{br.integer("min", 0, 10'000'000), br.integer("max", 0, 10'000'000)};
  if (!b.min && !b.max) br.fail_at(n.source(), field, "needs min, max or both");
  if (b.min && b.max && *b.min > *b.max) br.fail("min", "is above max");
  br.reject_unknown();
  return b;
}

std::optional<double> read_fraction(Reader& r, std::string_view key) {
  const toml::node* n = r.get(key);
  if (!n) return std::nullopt;
  double v = 0;
  if (n->is_floating_point()) {
    v = n->as_floating_point()->get();
  } else if (n->is_integer()) {
    v = static_cast<double>(n->as_integer()->get());
  } else {
    r.fail(key, "expected a fraction from 0 to 1");
  }
  if (!(v >= 0 && v <= 1)) r.fail(key, "expected a fraction from 0 to 1");
  return v;
}

// "502", "0", "5xx", "success", "failure".
bool valid_status_key(std::string_view key) {
  if (key == "success" || key == "failure") return true;
  if (key.size() == 3 && key[0] >= '1' && key[0] <= '5' && key.substr(1) == "xx") return true;
  int v = -1;
  auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), v);
  return ec == std::errc{} && end == key.data() + key.size() && (v == 0 || (v >= 100 && v <= 599));
}

std::map<std::string, CountBound> read_counts(Reader& r) {
  std::map<std::string, CountBound> out;
  const toml::table* t = r.table("count");
  if (!t) return out;
  Reader cr(*t, r.field("count"), r.file());
  for (const auto& [k, v] : *t) {
    const std::string key(k.str());
    if (!valid_status_key(key)) {
      fail_at(r.file(), k.source(), cr.field(key),
              "expected a status (\"502\", \"0\" for none), a class (\"5xx\"), \"success\" or "
              "\"failure\"");
    }
    cr.get(key);
    out[key] = read_count_bound(cr, key, v);
  }
  return out;
}

std::map<std::string, ShareBound> read_shares(Reader& r) {
  std::map<std::string, ShareBound> out;
  const toml::table* t = r.table("share");
  if (!t) return out;
  Reader sr(*t, r.field("share"), r.file());
  for (const auto& [k, v] : *t) {
    const std::string key(k.str());
    if (!valid_status_key(key)) {
      fail_at(r.file(), k.source(), sr.field(key),
              "expected a status (\"502\"), a class (\"5xx\"), \"success\" or \"failure\"");
    }
    sr.get(key);
    if (!v.is_table()) sr.fail(key, "expected { min = FRACTION, max = FRACTION }");
    Reader br(*v.as_table(), sr.field(key), r.file());
    ShareBound b{read_fraction(br, "min"), read_fraction(br, "max")};
    if (!b.min && !b.max) br.fail_at(v.source(), sr.field(key), "needs min, max or both");
    br.reject_unknown();
    out[key] = b;
  }
  return out;
}

std::optional<DurationBound> read_duration_bound(Reader& r, std::string_view key) {
  const toml::table* t = r.table(key);
  if (!t) return std::nullopt;
  Reader br(*t, r.field(key), r.file());
  DurationBound b{br.duration("min"), br.duration("max")};
  if (!b.min && !b.max) br.fail_at(t->source(), r.field(key), "needs min, max or both");
  if (b.min && b.max && *b.min > *b.max) br.fail("min", "is above max");
  br.reject_unknown();
  return b;
}

WindowSpec read_window(Reader& r, const std::vector<TimelineAction>& timeline,
                       const std::map<std::string, FakeSpec>& fakes) {
  WindowSpec w;
  w.pos = pos_of(r.raw(), r.file());
  for (const char* key : {"from", "until"}) {
    if (auto text = r.string(key)) {
      TimeMark mark;
      if (auto e = parse_time_mark(*text, timeline, mark); !e.empty()) r.fail(key, e);
      (std::string_view(key) == "from" ? w.from : w.until) = mark;
    }
  }
  if (w.from && w.until && !w.from->action && !w.until->action &&
      w.until->offset <= w.from->offset) {
    r.fail("until", "must be after from");
  }
  if (auto up = r.string("upstream")) {
    auto it = fakes.find(*up);
    if (it == fakes.end() || it->second.zone) {
      std::vector<std::string> names;
      for (const auto& [name, spec] : fakes) {
        if (!spec.zone) names.push_back(name);
      }
      auto near = closest_name(*up, names);
      r.fail("upstream",
             near ? fmt::format("no upstream fake \"{}\" (did you mean \"{}\"?)", *up, *near)
                  : fmt::format("no upstream fake \"{}\" in [fakes]", *up));
    }
    w.upstream = *up;
  }
  w.name = r.string("name").value_or(
      fmt::format("{}..{}", w.from ? w.from->text : "start", w.until ? w.until->text : "end"));
  if (const toml::node* n = r.get("responses")) {
    w.responses = read_count_bound(r, "responses", *n);
  } else {
    w.responses.min = 1;  // an empty window would pass every check below
  }
  w.count = read_counts(r);
  w.share = read_shares(r);
  w.max_failure_run = r.integer("max_failure_run", 0, 10'000'000);
  w.first_success = read_duration_bound(r, "first_success");
  w.sustained_success = read_duration_bound(r, "sustained_success");
  w.latency = read_latency_bounds(r);
  if (w.count.empty() && w.share.empty() && !w.max_failure_run && !w.first_success &&
      !w.sustained_success && w.latency.empty() && !r.has("responses")) {
    r.fail_at(r.raw().source(), r.path(),
              "checks nothing: give count, share, max_failure_run, first_success, "
              "sustained_success, latency or responses");
  }
  r.reject_unknown();
  return w;
}

}  // namespace

std::string_view to_string(TimelineActionKind kind) {
  for (const auto& n : kActions) {
    if (n.kind == kind) return n.word;
  }
  return "?";
}

std::optional<double> parse_rate(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view unit = text.substr(slash + 1);
  const double per = unit == "s" ? 1.0 : unit == "m" ? 60.0 : 0.0;
  if (per == 0) return std::nullopt;
  const std::string number(text.substr(0, slash));
  if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos) {
    return std::nullopt;
  }
  double v = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (ec != std::errc{} || end != number.data() + number.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v / per;
}

std::string parse_time_mark(std::string_view text, const std::vector<TimelineAction>& timeline,
                            TimeMark& out) {
  out = TimeMark{};
  out.text = std::string(text);
  if (auto d = parse_duration(text)) {
    if (d->count() < 0 || *d > kMaxOffset) return "must be from 0s to 1h";
    out.offset = *d;
    return "";
  }
  std::string label = trim(text);
  const auto sign = label.find_first_of("+-");
  if (sign != std::string::npos) {
    auto d = parse_duration(trim(std::string_view(label).substr(sign + 1)));
    if (!d || d->count() < 0 || *d > kMaxOffset) {
      return fmt::format("\"{}\": expected ACTION {} DURATION (\"app stops + 200ms\")", text,
                         label[sign]);
    }
    out.offset = label[sign] == '+' ? *d : -*d;
    label = trim(std::string_view(label).substr(0, sign));
  }
  const auto n = std::count_if(timeline.begin(), timeline.end(),
                               [&](const TimelineAction& a) { return a.label == label; });
  if (n == 0) {
    std::vector<std::string> labels;
    for (const auto& a : timeline) labels.push_back(a.label);
    auto near = closest_name(label, labels);
    if (timeline.empty()) {
      return fmt::format(
          "\"{}\" is neither a duration (\"500ms\") nor a timeline action "
          "(there is no [[timeline]])",
          text);
    }
    return near ? fmt::format("no timeline action \"{}\" (did you mean \"{}\"?)", label, *near)
                : fmt::format("no timeline action \"{}\" (actions: {})", label,
                              fmt::join(labels, ", "));
  }
  if (n > 1) {
    return fmt::format("\"{}\" names {} timeline actions: give the one meant a `name`", label, n);
  }
  out.action = label;
  return "";
}

std::vector<TimelineAction> read_timeline(const toml::node& node, const std::string& file,
                                          const std::map<std::string, FakeSpec>& fakes,
                                          bool own_config, std::string_view source,
                                          const std::string& path) {
  const toml::array* arr = node.as_array();
  if (!arr || !arr->is_array_of_tables()) {
    fail_at(file, node.source(), path, "expected [[" + path + "]] tables");
  }
  if (arr->size() > kMaxTimelineActions) {
    fail_at(file, node.source(), path,
            fmt::format("{} actions (at most {})", arr->size(), kMaxTimelineActions));
  }
  std::vector<TimelineAction> out;
  for (const auto& item : *arr) {
    Reader r(*item.as_table(), path, file);
    out.push_back(read_action(r, fakes, own_config, source));
  }
  // In time order: the scheduler plays them so; two at the same time keep the file's order.
  std::stable_sort(out.begin(), out.end(),
                   [](const TimelineAction& a, const TimelineAction& b) { return a.at < b.at; });
  return out;
}

std::vector<WindowSpec> read_windows(Reader& r, const std::vector<TimelineAction>& timeline,
                                     const std::map<std::string, FakeSpec>& fakes) {
  std::vector<WindowSpec> out;
  const toml::node* n = r.get("window");
  if (!n) return out;
  const toml::array* arr = n->as_array();
  if (!arr || !arr->is_array_of_tables()) {
    r.fail("window", "expected [[" + r.field("window") + "]] tables");
  }
  if (arr->size() > 1000) r.fail("window", "at most 1000 windows");
  for (const auto& item : *arr) {
    Reader wr(*item.as_table(), r.field("window"), r.file());
    out.push_back(read_window(wr, timeline, fakes));
  }
  return out;
}

}  // namespace badgateway
