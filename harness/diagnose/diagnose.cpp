#include "harness/diagnose/diagnose.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "harness/input/placeholders.hpp"
#include "harness/regex/regex.hpp"

namespace badgateway {
namespace {

// Every error_log pattern of a scenario's broken run (any nginx version), compiled; a
// placeholder ({{fakes.app}}: an address in the run) matches anything in a production log.
struct ScenarioPatterns {
  std::string name;
  std::vector<std::unique_ptr<Regex>> patterns;
  // What its `teaches` line is, read like a log message: its signature and nginx's action.
  const Signature* teaches = nullptr;
  std::string teaches_action;
};

// `teaches` is an error-log message as the docs show it, with a remark in parentheses at the end
// ("... while connecting to upstream (fastcgi://...)", "... (nginx >= 1.23)").
ErrorLogLine teaches_as_line(std::string_view teaches) {
  if (teaches.ends_with(')')) {
    if (auto open = teaches.rfind(" ("); open != std::string_view::npos) {
      std::string_view remark = teaches.substr(open + 2);
      // Not a message's own parentheses: "(110: Connection timed out)" is nginx's.
      if (!remark.empty() && !std::isdigit(static_cast<unsigned char>(remark.front())))
        teaches = teaches.substr(0, open);
    }
  }
  ErrorLogLine line;
  std::tie(line.message, line.action) = split_action(teaches);
  return line;
}

std::vector<ScenarioPatterns> compile_catalog(const std::vector<Scenario>& catalog) {
  std::vector<ScenarioPatterns> out;
  for (const auto& s : catalog) {
    ScenarioPatterns sp{s.name, {}, nullptr, {}};
    auto add = [&](const Expectation& e) {
      for (const auto& p : e.error_log.value_or(std::vector<std::string>{})) {
        sp.patterns.push_back(std::make_unique<Regex>(
            expand_placeholders(p, [](const std::string&) { return std::string(".*"); })));
      }
    };
    add(s.broken.expect.base);
    for (const auto& v : s.broken.expect.by_version) add(v.patch);
    ErrorLogLine taught = teaches_as_line(s.teaches);
    sp.teaches = classify(taught);
    sp.teaches_action = taught.action;
    if (!sp.patterns.empty() || sp.teaches) out.push_back(std::move(sp));
  }
  return out;
}

// A scenario reproduces a group when one of its own error_log patterns matches one of the
// group's lines (the same message, the same details), or when what it teaches is the same kind
// of message in the same phase (the details of a production log differ: paths, names, texts).
bool reproduces(const ScenarioPatterns& sp, const DiagnosisGroup& g, bool& exact) {
  exact = std::any_of(sp.patterns.begin(), sp.patterns.end(), [&](const auto& re) {
    return std::any_of(g.samples.begin(), g.samples.end(),
                       [&](const std::string& s) { return re->search(s); });
  });
  if (exact) return true;
  return g.signature && sp.teaches == g.signature &&
         (sp.teaches_action.empty() || g.action.empty() || sp.teaches_action == g.action);
}

// The peer of an upstream: field without the request's URI ("http://10.0.0.5:8080/api/x?id=7" is
// "http://10.0.0.5:8080"); a unix socket keeps its path ("fastcgi://unix:/run/php.sock:").
std::string upstream_address(std::string_view upstream) {
  auto scheme = upstream.find("://");
  std::size_t from = scheme == std::string_view::npos ? 0 : scheme + 3;
  if (upstream.substr(from).starts_with("unix:")) return std::string(upstream);
  return std::string(upstream.substr(0, upstream.find('/', from)));
}

// Digits folded, so lines that differ only in pids, ids, ports and times count as one.
std::string fold_digits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      if (out.empty() || out.back() != '#') out += '#';
    } else {
      out += c;
    }
  }
  return out;
}

// The group a line joins: its signature and nginx's action, or for an unknown message the
// message itself with its variable parts folded.
std::string group_key(const Signature* sig, const ErrorLogLine& line) {
  return sig ? fmt::format("{}|{}", sig->id, line.action)
             : fmt::format("?|{}|{}", fold_digits(line.message), line.action);
}

}  // namespace

namespace {

// Builds a Diagnosis line by line.
class Grouper {
 public:
  void add(const std::string& line) {
    ++d_.lines;
    auto parsed = parse_error_log_line(line);
    // A line about an upstream names one, or its action is one of the upstream phases.
    const bool about_upstream =
        parsed && (!parsed->upstream.empty() || !describe_action(parsed->action).empty());
    const Signature* sig = parsed ? classify(*parsed) : nullptr;
    if (!parsed || (!sig && !about_upstream)) {
      std::string key = fold_digits(parsed ? parsed->message : line);
      if (other_[key]++ == 0) other_order_.push_back(key);
      return;
    }
    if (sig) ++d_.explained;
    auto [it, fresh] = index_.emplace(group_key(sig, *parsed), d_.groups.size());
    if (fresh) {
      DiagnosisGroup g;
      g.signature = sig;
      g.message = parsed->message;
      g.action = parsed->action;
      g.sample = line;
      g.first = parsed->time;
      g.request = parsed->request;
      g.host = parsed->host;
      g.server = parsed->server;
      d_.groups.push_back(std::move(g));
      sample_keys_.emplace_back();
    }
    DiagnosisGroup& g = d_.groups[it->second];
    // Folded once per line, and only while the group still takes samples.
    if (g.samples.size() < DiagnosisGroup::kMaxSamples &&
        sample_keys_[it->second].insert(fold_digits(line)).second) {
      g.samples.push_back(line);
    }
    ++g.count;
    g.last = parsed->time;
    if (auto seconds = error_log_time_seconds(parsed->time)) {
      const std::int64_t minute = *seconds / 60;
      ++g.per_minute[minute];
      if (!timed_) d_.first_minute = d_.last_minute = minute;
      timed_ = true;
      d_.first_minute = std::min(d_.first_minute, minute);
      d_.last_minute = std::max(d_.last_minute, minute);
    }
    if (!parsed->upstream.empty()) ++g.upstreams[upstream_address(parsed->upstream)];
  }

  Diagnosis finish(const std::vector<Scenario>& catalog) {
    const auto compiled = compile_catalog(catalog);
    for (auto& g : d_.groups) {
      for (const auto& sp : compiled) {
        bool exact = false;
        if (!reproduces(sp, g, exact)) continue;
        g.scenarios.push_back(sp.name);
        if (exact) g.exact.push_back(sp.name);
      }
    }
    std::stable_sort(d_.groups.begin(), d_.groups.end(),
                     [](const auto& a, const auto& b) { return a.count > b.count; });
    for (const auto& key : other_order_) d_.other.emplace_back(key, other_[key]);
    std::stable_sort(d_.other.begin(), d_.other.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return std::move(d_);
  }

 private:
  Diagnosis d_;
  std::map<std::string, std::size_t> index_;  // group key -> position in d_.groups
  std::map<std::string, std::size_t> other_;
  std::vector<std::string> other_order_;
  std::vector<std::set<std::string>> sample_keys_;  // per group: its samples, digits folded
  bool timed_ = false;                              // a line had a time: d_'s span is set
};

}  // namespace

Diagnosis diagnose(const std::vector<std::istream*>& logs, const std::vector<Scenario>& catalog) {
  Grouper grouper;
  std::string line;
  for (std::istream* log : logs) {
    while (std::getline(*log, line)) {
      if (!line.empty() && line != "\r") grouper.add(line);
    }
  }
  return grouper.finish(catalog);
}

std::string render_diagnosis(const Diagnosis& d, std::size_t max_other) {
  std::size_t upstream_lines = 0;
  for (const auto& g : d.groups) upstream_lines += g.count;
  auto count = [](std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
  };
  std::string out = fmt::format(
      "{}: {} about upstreams in {} ({} explained by a known nginx message), {} other\n",
      count(d.lines, "line", "lines"), upstream_lines, count(d.groups.size(), "group", "groups"),
      d.explained, d.lines - upstream_lines);
  std::size_t n = 0;
  for (const auto& g : d.groups) {
    out += fmt::format("\n[{}] {}x  {}{}\n", ++n, g.count, g.message,
                       g.action.empty() ? "" : " while " + g.action);
    out += fmt::format("    first {}, last {}\n", g.first, g.last);
    if (auto rate = render_rate(g.per_minute, d.first_minute, d.last_minute); !rate.empty())
      out += fmt::format("    rate:       {}\n", rate);
    if (!g.upstreams.empty()) {
      // The busiest first, a few of them: a log can name thousands.
      std::vector<std::pair<std::string, std::size_t>> by_count(g.upstreams.begin(),
                                                                g.upstreams.end());
      std::stable_sort(by_count.begin(), by_count.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      constexpr std::size_t kShown = 5;
      std::vector<std::string> ups;
      for (std::size_t i = 0; i < by_count.size() && i < kShown; ++i)
        ups.push_back(fmt::format("{} ({})", by_count[i].first, by_count[i].second));
      if (by_count.size() > kShown) ups.push_back(fmt::format("{} more", by_count.size() - kShown));
      out += fmt::format("    upstreams:  {}\n", fmt::join(ups, ", "));
    }
    if (auto words = describe_action(g.action); !words.empty())
      out += fmt::format("    nginx was:  {}\n", words);
    if (g.signature) {
      out += fmt::format("    cause:      {}\n", g.signature->cause);
      out += fmt::format("    directives: {}\n", g.signature->directives);
    } else {
      out +=
          "    cause:      not a message badgateway knows yet (the phase above still says "
          "where it failed)\n";
    }
    out += g.scenarios.empty() ? "    reproduce:  no scenario yet\n"
                               : fmt::format("    reproduce:  {} (badgateway explain NAME)\n",
                                             fmt::join(g.scenarios, ", "));
  }
  if (!d.other.empty()) {
    out +=
        fmt::format("\nOther lines ({} kinds, not about an upstream or not in nginx's format):\n",
                    d.other.size());
    for (std::size_t i = 0; i < d.other.size() && i < max_other; ++i)
      out += fmt::format("  {}x  {}\n", d.other[i].second, d.other[i].first);
    if (d.other.size() > max_other)
      out += fmt::format("  ... {} more kinds\n", d.other.size() - max_other);
  }
  return out;
}

}  // namespace badgateway
