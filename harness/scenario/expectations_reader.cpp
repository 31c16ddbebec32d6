#include "harness/scenario/expectations_reader.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "harness/input/names.hpp"
#include "harness/input/placeholders.hpp"
#include "harness/regex/regex.hpp"

namespace badgateway {
namespace {

// The query types a `queries` key may name: those nginx's resolver asks (A, AAAA, SRV for
// `resolve service=`, PTR for reverse lookups) and CNAME.
constexpr std::string_view kQueryTypes[] = {"A", "AAAA", "CNAME", "SRV", "PTR"};

// `fakes.NAME.queries`: a DNS fake's queries for a name, of any type ("app.test") or of one
// ("app.test AAAA"), each a count (exactly) or { min = N, max = N }.
std::map<std::string, CountBound> read_query_counts(Reader& fr) {
  std::map<std::string, CountBound> out;
  const toml::table* t = fr.table("queries");
  if (!t) return out;
  Reader qr(*t, fr.field("queries"), fr.file());
  for (const auto& [k, v] : *t) {
    const std::string key(k.str());
    const std::string field = qr.field(fmt::format("\"{}\"", key));
    qr.get(key);
    const std::size_t space = key.find(' ');
    const std::string name = fakes::dns::Zone::canonical(key.substr(0, space));
    const std::string type = space == key.npos ? "" : key.substr(space + 1);
    HostAndPort parsed;
    std::string error = check_host_and_port(name, parsed);
    if (error.empty() && parsed.port != 0) error = "a name, without a port";
    if (error.empty() && space != key.npos &&
        std::find(std::begin(kQueryTypes), std::end(kQueryTypes), type) == std::end(kQueryTypes))
      error = fmt::format("unknown query type \"{}\" (expected A, AAAA, CNAME, SRV or PTR)", type);
    if (!error.empty()) {
      fail_at(fr.file(), k.source(), field,
              fmt::format("{}: a key is a name (\"app.test\": queries of any type) or a name and "
                          "a type (\"app.test AAAA\")",
                          error));
    }
    CountBound b;
    if (v.is_integer()) {
      const auto n = v.as_integer()->get();
      if (n < 0 || n > 10'000'000) fail_at(fr.file(), v.source(), field, "expected 0 to 10000000");
      b = {n, n};
    } else if (v.is_table()) {
      Reader br(*v.as_table(), field, fr.file());
      b = {br.integer("min", 0, 10'000'000), br.integer("max", 0, 10'000'000)};
      if (!b.min && !b.max) fail_at(fr.file(), v.source(), field, "needs min, max or both");
      if (b.min && b.max && *b.min > *b.max) br.fail("min", "is above max");
      br.reject_unknown();
    } else {
      fail_at(fr.file(), v.source(), field, "expected a count or { min = N, max = N }");
    }
    out[type.empty() ? name : name + " " + type] = b;
  }
  return out;
}

// From format 2 a pattern may name the run's values ({{fakes.app}}), which the runner quotes in;
// format 1 matched such text as regex text, so there it is an error saying what to change.
void check_regexes(Reader& r, std::string_view key, const std::vector<std::string>& patterns,
                   const std::vector<std::string>& fake_names, int format) {
  for (const auto& p : patterns) {
    for (const Placeholder& ph : find_placeholders(p)) {
      if (format < 2) {
        if (ph.name.empty()) break;  // an unterminated {{ is regex text in format 1
        r.fail(key, fmt::format("has the placeholder {{{{{}}}}}, which format {} matches as "
                                "regex text: put `format = 2` at the top of the file to have "
                                "it replaced by the run's value, or write \\{{\\{{ for "
                                "literal braces",
                                ph.name, format));
      }
      if (std::string error = check_placeholder(ph.name, fake_names); !error.empty()) {
        r.fail(key, error);
      }
    }
    try {
      // A placeholder stands for a quoted literal: any one compiles the same.
      Regex re(format < 2 ? p : expand_placeholders(p, [](const std::string&) { return "x"; }));
    } catch (const RegexError& e) {
      // The pattern itself may be huge: its offset in the message says where.
      r.fail(key, fmt::format("invalid regular expression: {}", e.what()));
    }
  }
}

// `outcome_key`: "nginx" in [expect] and [fix.expect]; "nginx_outcome" in [[expect.versions]],
// whose `nginx` is the version range.
Expectation read_expectation(Reader& r, const std::vector<std::string>& fake_names, int format,
                             const char* outcome_key = "nginx") {
  Expectation e;
  if (auto n = r.string(outcome_key)) {
    e.nginx = parse_nginx_outcome(*n);
    if (!e.nginx)
      r.fail(outcome_key, fmt::format("\"{}\" is not one of {}", *n, kNginxOutcomeNames));
  }
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
    e.generated_by.emplace();
    for (const auto& v : *g) {
      auto by = parse_generated_by(v);
      if (!by) r.fail("generated_by", fmt::format("expected {}", kGeneratedByNames));
      e.generated_by->push_back(*by);
    }
  }
  if (auto o = r.strings("outcome")) {
    e.outcome.emplace();
    for (const auto& v : *o) {
      auto outcome = parse_outcome(v);
      if (!outcome) r.fail("outcome", fmt::format("\"{}\" is not one of {}", v, kOutcomeNames));
      e.outcome->push_back(*outcome);
    }
  }
  e.interim = r.integers("interim", 100, 199);
  e.error_log = r.strings("error_log");
  if (e.error_log) check_regexes(r, "error_log", *e.error_log, fake_names, format);
  e.no_error_log = r.strings("no_error_log");
  if (e.no_error_log) check_regexes(r, "no_error_log", *e.no_error_log, fake_names, format);
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
      if (const toml::node* cn = fr.raw().get("connections"); cn && cn->is_table()) {
        fr.get("connections");
        Reader br(*cn->as_table(), fr.field("connections"), r.file());
        CountBound b{br.integer("min", 0, 1'000'000), br.integer("max", 0, 1'000'000)};
        if (!b.min && !b.max) {
          br.fail_at(cn->source(), fr.field("connections"), "needs min, max or both");
        }
        if (b.min && b.max && *b.min > *b.max) br.fail("min", "is above max");
        br.reject_unknown();
        c.connections_range = b;
      } else {
        c.connections = fr.integer("connections", 0, 1'000'000);
      }
      c.requests = fr.integer("requests", 0, 1'000'000);
      c.queries = read_query_counts(fr);
      fr.reject_unknown();
      e.fakes[name] = c;
    }
  }
  if (e.nginx && *e.nginx != NginxOutcome::runs) {
    // No request is sent to an nginx that never ran: what the responses would be is moot.
    for (const char* key : {"status", "status_counts", "status_in", "generated_by", "outcome",
                            "interim", "elapsed", "request_time", "upstream_attempts"}) {
      if (r.has(key)) {
        r.fail(key, fmt::format("{} = \"{}\" sends no request: leave {} out (expect the "
                                "line nginx prints with error_log)",
                                outcome_key, to_string(*e.nginx), key));
      }
    }
  }
  return e;
}

// Counts must name fakes of the phase, and only those that count it; reported at the offending
// key, also inside [[versions]].
void check_counts_name_fakes(Reader& r, const CountableFakes& fakes) {
  const toml::table* t = r.raw().get_as<toml::table>("fakes");
  if (!t) return;
  auto among = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const auto& [k, v] : *t) {
    std::string name(k.str());
    if (!among(fakes.names, name)) {
      r.fail_at(k.source(), r.field("fakes." + name), fmt::format("no fake named \"{}\"", name));
    }
    const toml::node* queries = v.as_table() ? v.as_table()->get("queries") : nullptr;
    if (queries && !among(fakes.dns, name)) {
      r.fail_at(queries->source(), r.field("fakes." + name + ".queries"),
                fmt::format("only a DNS fake (protocol = \"dns\") counts queries; \"{}\" is not "
                            "one",
                            name));
    }
    const toml::node* connections = v.as_table() ? v.as_table()->get("connections") : nullptr;
    if (connections && among(fakes.requests_only, name)) {
      r.fail_at(connections->source(), r.field("fakes." + name + ".connections"),
                fmt::format("PHP-FPM (behaviour = \"php_fpm\") and a DNS fake (protocol = "
                            "\"dns\": its queries) count requests, not connections: use "
                            "fakes.{}.requests",
                            name));
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

}  // namespace

ExpectationSet read_expectation_set(Reader& r, const CountableFakes& fakes, std::size_t responses,
                                    int format) {
  ExpectationSet set;
  set.base = read_expectation(r, fakes.names, format);
  check_counts_name_fakes(r, fakes);
  check_per_response_lengths(r, set.base, responses);
  if (const toml::node* n = r.get("versions")) {
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) r.fail("versions", "expected [[...versions]] tables");
    for (const auto& item : *arr) {
      Reader vr(*item.as_table(), r.field("versions"), r.file());
      // `nginx`, `openssl` or both (both must hold).
      auto read_range = [&](std::string_view key,
                            std::string_view subject) -> std::optional<VersionRange> {
        auto text = vr.string(key);
        if (!text) return std::nullopt;
        std::string error;
        auto range = VersionRange::parse(*text, &error, subject);
        if (!range) vr.fail(key, error);
        return range;
      };
      auto nginx_range = read_range("nginx", "nginx");
      auto openssl_range = read_range("openssl", "OpenSSL");
      set.by_version.push_back({nginx_range.value_or(VersionRange{}), openssl_range,
                                read_expectation(vr, fakes.names, format, "nginx_outcome")});
      check_counts_name_fakes(vr, fakes);
      check_per_response_lengths(vr, set.by_version.back().patch, responses);
      vr.reject_unknown();  // first, so a misspelt `nginx` is named as such
      // An entry with neither would apply to every nginx: that is [expect] itself.
      if (!nginx_range && !openssl_range) {
        vr.fail("nginx",
                "is required (the nginx version range, nginx = \">=1.23\"), unless openssl = "
                "\"RANGE\" is given");
      }
    }
  }
  r.reject_unknown();
  return set;
}

void reject_access_log_checks(Reader& r, const ExpectationSet& set, const std::string& field) {
  auto reject = [&](auto Expectation::*member, const std::string& key, const char* instead) {
    bool uses = (set.base.*member).has_value();
    for (const auto& v : set.by_version) uses = uses || (v.patch.*member).has_value();
    if (!uses) return;
    const toml::node* n = r.raw().get(key);
    r.fail_at(n ? n->source() : r.raw().source(), field + "." + key,
              fmt::format("needs the harness's access log, which an own config (nginx.config) does "
                          "not have; {}",
                          instead));
  };
  reject(&Expectation::upstream_attempts, "upstream_attempts",
         "count connections with expect.fakes.NAME.connections");
  reject(&Expectation::request_time, "request_time", "bound the client's time with expect.elapsed");
  for (const auto& w : set.windows) {
    if (!w.upstream) continue;
    fail_at_pos(
        w.pos, field + ".window.upstream",
        "needs the harness's access log ($upstream_addr), which an own config (nginx.config) "
        "does not have; count connections with expect.fakes.NAME.connections");
  }
}

}  // namespace badgateway
