#include "harness/verdict/windows.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/client/latency_histogram.hpp"
#include "harness/scenario/latency_reader.hpp"

namespace badgateway {
namespace {

using Clock = std::chrono::steady_clock;

struct Sent {
  const Response* response;
  Micros at;  // sent_at, from the start of traffic
};

std::string bound_text(const std::optional<std::int64_t>& min,
                       const std::optional<std::int64_t>& max) {
  if (min && max && *min == *max) return fmt::format("{}", *min);
  return fmt::format("{}..{}", min ? fmt::format("{}", *min) : "0",
                     max ? fmt::format("{}", *max) : "");
}

std::string duration_bound_text(const DurationBound& b) {
  return fmt::format("{}..{}", b.min ? format_duration(*b.min) : "0",
                     b.max ? format_duration(*b.max) : "");
}

bool within(const DurationBound& b, Micros t) {
  return (!b.min || t >= *b.min) && (!b.max || t <= *b.max);
}

// Where a mark lies, from the start of traffic; nullopt when its action did not happen.
std::optional<Micros> resolve(const TimeMark& mark, const Observation& seen, std::string& why) {
  if (!mark.action) return Micros(mark.offset);
  for (const auto& e : seen.timeline) {
    if (e.label != *mark.action) continue;
    if (!e.happened) {
      why = fmt::format("timeline action \"{}\" did not happen ({})", e.label, e.error);
      return std::nullopt;
    }
    return *e.happened + Micros(mark.offset);
  }
  why = fmt::format("timeline action \"{}\" was not played", *mark.action);
  return std::nullopt;
}

// The address of the response's last upstream attempt, from the access log's $upstream_addr
// ("127.0.0.1:8081, 127.0.0.1:8082" after a retry; ':' separates internal redirects); empty
// without an attempt or an access-log line.
std::string last_upstream_addr(const Response& r, const Observation& seen) {
  auto it = seen.access.find(r.request_id);
  if (it == seen.access.end()) return "";
  const std::string& addrs = it->second.upstream_addr;
  // An address has ':' in it too: split on ", " and " : " only.
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < addrs.size(); ++i) {
    if ((addrs[i] == ',' && addrs[i + 1] == ' ') ||
        (addrs[i] == ' ' && addrs[i + 1] == ':' && i + 2 < addrs.size() && addrs[i + 2] == ' ')) {
      start = i + (addrs[i] == ',' ? 2 : 3);
    }
  }
  std::string last = addrs.substr(start);
  return last == "-" ? "" : last;
}

std::string when(const Sent& s) {
  return fmt::format("{} {} sent at {}", s.response->method, s.response->path,
                     format_duration(s.at));
}

// latency.KEY: the window's latency percentiles (latency_histogram.hpp), of the responses that
// ended; a window with none fails each.
template <typename Add>
void judge_latency(const WindowSpec& w, const std::vector<Sent>& in, Add& add) {
  LatencyHistogram h;
  std::size_t unfinished = 0;
  for (const auto& s : in) {
    if (auto l = latency_of(*s.response)) {
      h.record(*l);
    } else {
      ++unfinished;
    }
  }
  const std::string note = unfinished ? fmt::format(", {} never ended", unfinished) : "";
  for (const auto& [key, bound] : w.latency) {
    if (h.count() == 0) {
      add(fmt::format("latency {}", key), duration_bound_text(bound),
          fmt::format("no response ended{}", note), false);
      continue;
    }
    const Micros v = h.percentile(latency_quantile(key));
    add(fmt::format("latency {}", key), duration_bound_text(bound),
        fmt::format("{} (of {} responses{})", format_duration(v), h.count(), note),
        within(bound, v));
  }
}

void judge_window(const WindowSpec& w, const std::vector<Sent>& all, const Observation& seen,
                  std::vector<Check>& out) {
  const std::string prefix = fmt::format("window \"{}\": ", w.name);
  auto add = [&](const std::string& what, std::string expected, std::string actual, bool ok) {
    out.push_back({CheckKind::window, prefix + what, std::move(expected), std::move(actual), ok});
  };
  std::string why;
  std::optional<Micros> from = w.from ? resolve(*w.from, seen, why) : Micros(0);
  std::optional<Micros> until =
      w.until ? resolve(*w.until, seen, why) : Micros(std::numeric_limits<Micros::rep>::max());
  if (!from || !until) {
    add("from..until",
        fmt::format("{}..{}", w.from ? w.from->text : "start", w.until ? w.until->text : "end"),
        why, false);
    return;
  }
  std::string served_by;
  const std::vector<std::string>* addresses = nullptr;
  if (w.upstream) {
    auto it = seen.upstream_addresses.find(*w.upstream);
    if (it == seen.upstream_addresses.end() || it->second.empty()) {
      add("upstream", *w.upstream, "no address recorded for it", false);
      return;
    }
    addresses = &it->second;
    served_by = fmt::format(" served by {} ({})", *w.upstream, fmt::join(*addresses, ", "));
  }
  std::vector<Sent> in;
  for (const auto& s : all) {
    if (s.at < *from || s.at >= *until) continue;
    if (addresses && std::find(addresses->begin(), addresses->end(),
                               last_upstream_addr(*s.response, seen)) == addresses->end())
      continue;
    in.push_back(s);
  }
  const auto n = static_cast<std::int64_t>(in.size());
  const std::string span = fmt::format("{}..{}", format_duration(*from),
                                       w.until ? format_duration(*until) : std::string("end"));
  add("responses", bound_text(w.responses.min, w.responses.max),
      fmt::format("{} sent in {}{}", n, span, served_by),
      (!w.responses.min || n >= *w.responses.min) && (!w.responses.max || n <= *w.responses.max));
  for (const auto& [key, bound] : w.count) {
    std::int64_t c = 0;
    const Sent* first = nullptr;
    for (const auto& s : in) {
      if (!counts_as(*s.response, key)) continue;
      if (!first) first = &s;
      ++c;
    }
    add(fmt::format("count {}", key), bound_text(bound.min, bound.max),
        first ? fmt::format("{} (the first: {})", c, when(*first)) : fmt::format("{}", c),
        (!bound.min || c >= *bound.min) && (!bound.max || c <= *bound.max));
  }
  for (const auto& [key, bound] : w.share) {
    std::int64_t c = 0;
    for (const auto& s : in) c += counts_as(*s.response, key) ? 1 : 0;
    const double share = n ? static_cast<double>(c) / static_cast<double>(n) : 0.0;
    add(fmt::format("share {}", key),
        fmt::format("{}..{}", bound.min ? fmt::format("{:.3f}", *bound.min) : "0",
                    bound.max ? fmt::format("{:.3f}", *bound.max) : "1"),
        fmt::format("{:.3f} ({} of {})", share, c, n),
        n > 0 && (!bound.min || share >= *bound.min) && (!bound.max || share <= *bound.max));
  }
  if (w.max_failure_run) {
    std::int64_t longest = 0, run = 0;
    const Sent* longest_start = nullptr;
    const Sent* run_start = nullptr;
    for (const auto& s : in) {
      if (is_success(*s.response)) {
        run = 0;
        continue;
      }
      if (run++ == 0) run_start = &s;
      if (run > longest) {
        longest = run;
        longest_start = run_start;
      }
    }
    add("max_failure_run", fmt::format("0..{}", *w.max_failure_run),
        longest_start ? fmt::format("{} (from {})", longest, when(*longest_start)) : "0",
        longest <= *w.max_failure_run);
  }
  if (w.first_success) {
    auto it =
        std::find_if(in.begin(), in.end(), [](const Sent& s) { return is_success(*s.response); });
    if (it == in.end()) {
      add("first_success", duration_bound_text(*w.first_success),
          fmt::format("no success among {} responses", n), false);
    } else {
      const Micros t = it->at - *from;
      add("first_success", duration_bound_text(*w.first_success),
          fmt::format("{} ({})", format_duration(t), when(*it)), within(*w.first_success, t));
    }
  }
  if (w.sustained_success) {
    auto last_failure = std::find_if(in.rbegin(), in.rend(),
                                     [](const Sent& s) { return !is_success(*s.response); });
    const Sent* first_of_run = nullptr;
    if (last_failure == in.rend()) {
      if (!in.empty()) first_of_run = &in.front();
    } else if (last_failure != in.rbegin()) {
      first_of_run = &*std::prev(last_failure);
    }
    if (!first_of_run) {
      add("sustained_success", duration_bound_text(*w.sustained_success),
          in.empty() ? std::string("no responses")
                     : fmt::format("never: the last response failed ({})", when(in.back())),
          false);
    } else {
      const Micros t = first_of_run->at - *from;
      add("sustained_success", duration_bound_text(*w.sustained_success),
          fmt::format("{} ({}; every later one succeeded)", format_duration(t),
                      when(*first_of_run)),
          within(*w.sustained_success, t));
    }
  }
  if (!w.latency.empty()) judge_latency(w, in, add);
}

}  // namespace

bool is_success(const Response& r) {
  return r.outcome == Outcome::complete && r.status >= 200 && r.status <= 399;
}

bool counts_as(const Response& r, const std::string& key) {
  if (key == "success") return is_success(r);
  if (key == "failure") return !is_success(r);
  if (key.size() == 3 && key[1] == 'x' && key[2] == 'x') return r.status / 100 == key[0] - '0';
  int status = -1;
  std::from_chars(key.data(), key.data() + key.size(), status);
  return r.status == status;
}

std::vector<Check> judge_in_time(const std::vector<WindowSpec>& windows, const Observation& seen) {
  std::vector<Check> out;
  for (const auto& e : seen.timeline) {
    std::string actual;
    if (e.happened) {
      actual =
          fmt::format("happened at {} ({:+.3f}ms from schedule){}", format_duration(*e.happened),
                      static_cast<double>((*e.happened - e.scheduled).count()) / 1000.0,
                      e.done && e.action == "reload"
                          ? fmt::format(", new workers at {}", format_duration(*e.done))
                          : "");
    } else {
      actual = e.error;
    }
    out.push_back({CheckKind::timeline, fmt::format("timeline \"{}\"", e.label),
                   fmt::format("{} {} at {}", e.target, e.action, format_duration(e.scheduled)),
                   actual, e.happened.has_value() && e.error.empty()});
  }
  std::vector<Sent> all;
  if (seen.traffic_start) {
    for (const auto* list : {&seen.responses, &seen.traffic}) {
      for (const auto& r : *list) {
        if (r.sent_at) {
          all.push_back({&r, std::chrono::duration_cast<Micros>(*r.sent_at - *seen.traffic_start)});
        }
      }
    }
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Sent& a, const Sent& b) { return a.at < b.at; });
  for (const auto& w : windows) judge_window(w, all, seen, out);
  return out;
}

}  // namespace badgateway
