#include <cctype>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fakes/behaviours/registry.hpp"
#include "harness/cli/catalog.hpp"
#include "harness/cli/commands.hpp"
#include "harness/input/suggest.hpp"
#include "harness/scenario/loader.hpp"

namespace badgateway {
namespace {

std::vector<Scenario> load_or_report(std::vector<std::string> paths, int& exit_code) {
  if (paths.empty()) paths.push_back(catalog_dir().string());
  try {
    return load_scenarios(paths);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "badgateway: {}\n", e.what());
    exit_code = kExitUsage;
    return {};
  }
}

std::string describe_dns_answer(const fakes::dns::NameAnswer& a) {
  std::vector<std::string> records = a.a;
  records.insert(records.end(), a.aaaa.begin(), a.aaaa.end());
  if (!a.cname.empty()) records.push_back("CNAME " + a.cname);
  const bool answers =
      a.fault == fakes::dns::Fault::none || a.fault == fakes::dns::Fault::truncated;
  std::string what = !answers          ? std::string(fakes::dns::to_string(a.fault))
                     : records.empty() ? std::string("no records")
                                       : fmt::format("{}", fmt::join(records, ", "));
  if (a.fault == fakes::dns::Fault::truncated) what += " (truncated over UDP)";
  if (a.delay.count() > 0) what += fmt::format(" after {}ms", a.delay.count());
  return what;
}

std::string describe_dns_fake(const fakes::dns::Zone& zone) {
  std::vector<std::string> names;
  for (const auto& [name, a] : zone.names) {
    std::string what = describe_dns_answer(a);
    if (auto it = zone.changes.find(name); it != zone.changes.end()) {
      for (const auto& change : it->second) {
        const std::string when =
            change.after_queries
                ? fmt::format("after {} {}", *change.after_queries,
                              *change.after_queries == 1 ? "query" : "queries")
                : fmt::format("{} after its first query", format_duration(*change.after));
        what += fmt::format(", then ({}) {}", when, describe_dns_answer(change.answer));
      }
    }
    names.push_back(fmt::format("{} -> {}", name, what));
  }
  names.push_back(fmt::format("any other name -> {}", fakes::dns::to_string(zone.unknown)));
  return fmt::format("DNS server (UDP and TCP): {}", fmt::join(names, "; "));
}

std::string describe_fake(const FakeSpec& f) {
  if (f.zone) return describe_dns_fake(*f.zone);
  const auto* info = fakes::find_behaviour(f.behaviour, f.protocol);
  std::string params;
  for (const auto& [k, v] : f.params) {
    params += fmt::format("{}{}={}", params.empty() ? "" : ", ", k,
                          std::visit([](const auto& x) { return fmt::format("{}", x); }, v));
  }
  std::string where = f.unix_socket ? "unix socket" : "tcp";
  if (f.host) where = fmt::format("as {}:{}", f.host->name, f.host->port);
  return fmt::format("{} ({}{}): {}", f.behaviour, where, params.empty() ? "" : "; " + params,
                     info ? info->summary : "?");
}

template <typename T>
std::string joined(const std::vector<T>& values) {
  std::vector<std::string> text;
  for (const auto& v : values) text.push_back(fmt::format("{}", v));
  return values.size() == 1 ? text[0] : fmt::format("[{}]", fmt::join(text, ", "));
}

// What a phase must show, in one line: the status mix, who answered and how, and the error-log
// patterns. The base expectation: version-bound overrides are in the file.
std::string describe_expectation(const Expectation& e) {
  std::vector<std::string> parts;
  if (e.status) parts.push_back("status " + joined(*e.status));
  if (e.status_in) parts.push_back("status one of " + joined(*e.status_in));
  if (e.status_counts) {
    std::vector<std::string> counts;
    for (const auto& [status, n] : *e.status_counts)
      counts.push_back(fmt::format("{} x{}", status, n));
    parts.push_back("statuses " + fmt::format("{}", fmt::join(counts, ", ")));
  }
  if (e.generated_by) {
    std::vector<std::string> by;
    for (auto g : *e.generated_by) by.emplace_back(to_string(g));
    parts.push_back("from " + joined(by));
  }
  if (e.outcome) {
    std::vector<std::string> outcomes;
    for (auto o : *e.outcome) outcomes.emplace_back(to_string(o));
    parts.push_back("outcome " + joined(outcomes));
  }
  if (e.upstream_attempts) parts.push_back("upstream attempts " + joined(*e.upstream_attempts));
  for (const auto& [label, bound] :
       {std::pair{"elapsed", e.elapsed}, std::pair{"$request_time", e.request_time}}) {
    if (!bound) continue;
    std::string range = bound->min ? ">= " + format_duration(*bound->min) : "";
    if (bound->max) range += (range.empty() ? "<= " : ", <= ") + format_duration(*bound->max);
    parts.push_back(fmt::format("{} {}", label, range));
  }
  for (const auto& [fake, counts] : e.fakes) {
    if (counts.connections)
      parts.push_back(fmt::format("{} connections {}", fake, *counts.connections));
    if (const auto& b = counts.connections_range) {
      parts.push_back(fmt::format("{} connections {}..{}", fake, b->min.value_or(0),
                                  b->max ? fmt::format("{}", *b->max) : ""));
    }
    if (counts.requests) parts.push_back(fmt::format("{} requests {}", fake, *counts.requests));
    for (const auto& [key, b] : counts.queries) {
      const std::string n =
          b.min && b.max && *b.min == *b.max
              ? fmt::format("{}", *b.min)
              : fmt::format("{}..{}", b.min.value_or(0), b.max ? fmt::format("{}", *b.max) : "");
      parts.push_back(fmt::format("{} queries for {} {}", fake, key, n));
    }
  }
  for (const auto& p : e.error_log.value_or(std::vector<std::string>{})) {
    parts.push_back(fmt::format("error log /{}/", p));
  }
  if (e.error_log && e.error_log->empty()) parts.emplace_back("no error-log line required");
  return fmt::format("{}", fmt::join(parts, "; "));
}

// One [[expect.window]] on a line: its span and what it checks.
std::string describe_window(const WindowSpec& w) {
  auto count = [](const CountBound& b) {
    if (b.min && b.max && *b.min == *b.max) return fmt::format("{}", *b.min);
    return fmt::format("{}..{}", b.min.value_or(0), b.max ? fmt::format("{}", *b.max) : "");
  };
  auto time = [](const DurationBound& b) {
    return fmt::format("{}..{}", b.min ? format_duration(*b.min) : "0",
                       b.max ? format_duration(*b.max) : "");
  };
  std::vector<std::string> parts;
  for (const auto& [key, b] : w.count) parts.push_back(fmt::format("{} {}", key, count(b)));
  for (const auto& [key, b] : w.share) {
    parts.push_back(fmt::format("share {} {}..{}", key, b.min.value_or(0.0), b.max.value_or(1.0)));
  }
  if (w.max_failure_run)
    parts.push_back(fmt::format("failures in a row <= {}", *w.max_failure_run));
  if (w.first_success) parts.push_back("first success " + time(*w.first_success));
  if (w.sustained_success) parts.push_back("sustained success " + time(*w.sustained_success));
  for (const auto& [key, b] : w.latency)
    parts.push_back(fmt::format("latency {} {}", key, time(b)));
  return fmt::format("\"{}\" ({}..{}): {}", w.name, w.from ? w.from->text : "start",
                     w.until ? w.until->text : "end", fmt::join(parts, "; "));
}

// The base expectation, then what each nginx version range changes (`[[expect.versions]]`), then
// the windows of a scenario in time.
void print_expectations(std::string_view first_label, std::string_view range_indent,
                        const ExpectationSet& set) {
  fmt::print("{}{}\n", first_label, describe_expectation(set.base));
  for (const auto& v : set.by_version) {
    // "on nginx >=1.25", "on OpenSSL >=3.2", "on nginx >=1.25 with OpenSSL >=3.2".
    std::string on = v.range.text().empty() ? "" : fmt::format("nginx {}", v.range.text());
    if (v.openssl) {
      on += fmt::format("{}OpenSSL {}", on.empty() ? "" : " with ", v.openssl->text());
    }
    fmt::print("{}on {}: {}\n", range_indent, on, describe_expectation(v.patch));
  }
  for (const auto& w : set.windows) fmt::print("{}window {}\n", range_indent, describe_window(w));
}

// [[traffic]] and [[timeline]], one line each.
void print_in_time(const Scenario& s) {
  for (const auto& t : s.traffic) {
    std::string what = fmt::format("{} {}", t.request.method, t.request.path);
    if (!t.mix.empty()) {
      std::vector<std::string> entries;
      for (const auto& e : t.mix) {
        entries.push_back(fmt::format("{} {} x{}", e.request.method, e.request.path, e.weight));
      }
      what = fmt::format("a mix of {}", fmt::join(entries, ", "));
    }
    fmt::print("Traffic:      {} {} for {}{}{}\n", what,
               t.loop == TrafficSpec::Loop::open ? fmt::format("at {}/s", t.rate)
                                                 : fmt::format("from {} clients", t.clients),
               format_duration(t.duration),
               t.start.count() ? fmt::format(" from {}", format_duration(t.start)) : "",
               t.keepalive ? ", keep-alive" : "");
  }
  auto print_timeline = [](const char* title, const std::vector<TimelineAction>& timeline) {
    for (const auto& a : timeline) {
      fmt::print("{:<14}{} {}{}\n", title, format_duration(a.at), a.label,
                 a.kind == TimelineActionKind::behave ? fmt::format(" ({})", a.behaviour) : "");
    }
  };
  print_timeline("Timeline:", s.timeline);
  if (s.fix && s.fix->timeline) print_timeline("Fix timeline:", *s.fix->timeline);
}

// A description on one line: a TOML multi-line string keeps its line breaks.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> split_lines(const std::optional<std::string>& text) {
  std::vector<std::string> lines;
  if (!text) return lines;
  std::string_view rest = *text;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    lines.emplace_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? "" : rest.substr(nl + 1);
  }
  return lines;
}

// A line diff (longest common subsequence; snippets are a few lines): "  " kept, "- " removed,
// "+ " added.
std::vector<std::string> line_diff(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b) {
  std::vector<std::vector<std::size_t>> common(a.size() + 1,
                                               std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      common[i][j] =
          a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::vector<std::string> out;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out.push_back("  " + a[i++]);
      ++j;
    } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
      out.push_back("- " + a[i++]);
    } else {
      out.push_back("+ " + b[j++]);
    }
  }
  return out;
}

// The nginx spec's changes from the broken run to the fixed one: what to edit, diff-style.
std::vector<std::string> config_change(const NginxSpec& broken, const NginxSpec& fixed) {
  std::vector<std::string> lines;
  auto field = [&](const char* name, const std::optional<std::string>& was,
                   const std::optional<std::string>& now) {
    if (was == now) return;
    lines.push_back(fmt::format("{}:", name));
    for (const auto& line : line_diff(split_lines(was), split_lines(now)))
      lines.push_back("  " + line);
  };
  field("nginx.http", broken.http, fixed.http);
  field("nginx.server", broken.server, fixed.server);
  field("nginx.location", broken.location, fixed.location);
  field("nginx.user", broken.user, fixed.user);
  field("nginx.config", broken.config, fixed.config);
  auto started = [](const NginxSpec& n) {
    return std::optional<std::string>(n.start.value_or(true) ? "started" : "not started");
  };
  field("nginx", started(broken), started(fixed));
  return lines;
}

}  // namespace

int command_list(const ListArgs& args) {
  int code = kExitOk;
  auto scenarios = load_or_report(args.paths, code);
  if (code) return code;
  std::size_t w = 0, cw = 0;
  for (const auto& s : scenarios) {
    w = std::max(w, s.name.size());
    cw = std::max(cw, s.cause.size());
  }
  for (const auto& s : scenarios)
    fmt::print("{:<{}}  {:<{}}  {}\n", s.name, w, s.cause, cw, one_line(s.description));
  return kExitOk;
}

int command_explain(const ExplainArgs& args) {
  const std::string& name = args.name;
  int code = kExitOk;
  auto scenarios = load_or_report(args.paths, code);
  if (code) return code;
  for (const auto& s : scenarios) {
    if (s.name != name) continue;
    fmt::print("{}\n  {}\n\n", s.name, one_line(s.description));
    fmt::print("Cause:        {}\n", s.cause);
    if (s.nginx.config) {
      fmt::print("Config:       {} (unchanged; requests to port {})\n", *s.nginx.config,
                 s.nginx.port.value_or(0));
    }
    for (const auto& [fname, f] : s.fakes)
      fmt::print("Fake {:<8} {}\n", fname + ":", describe_fake(f));
    print_in_time(s);
    print_expectations("Expect:       ", "              ", s.broken.expect);
    fmt::print("Look for:     {}\n", s.teaches);
    if (!s.directive.empty()) fmt::print("Directive:    {}\n", s.directive);
    if (s.fix) {
      fmt::print("Fix:          {}\n", s.fix->description);
      for (const auto& line : config_change(s.broken.nginx, s.fixed->nginx))
        fmt::print("  {}\n", line);
      for (const auto& [fname, f] : s.fix->fakes)
        fmt::print("  then {:<8} {}\n", fname + ":", describe_fake(s.fixed->fakes.at(fname)));
      print_expectations("  then expect ", "    ", s.fixed->expect);
    } else {
      fmt::print("Fix:          none: a single run that must stay as expected\n");
    }
    fmt::print("File:         {}\n", s.origin.file);
    return kExitOk;
  }
  std::vector<std::string> names;
  for (const auto& s : scenarios) names.push_back(s.name);
  auto near = closest_name(name, names);
  fmt::print(stderr, "badgateway: no scenario named \"{}\"{} (see badgateway list [PATH...])\n",
             name, near ? fmt::format(" (did you mean \"{}\"?)", *near) : "");
  return kExitUsage;
}

}  // namespace badgateway
