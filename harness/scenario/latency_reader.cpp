#include "harness/scenario/latency_reader.hpp"

#include <array>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "harness/input/suggest.hpp"

namespace badgateway {
namespace {

constexpr std::array<std::pair<const char*, double>, 5> kKeys{
    {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p99.9", 0.999}, {"max", 1.0}}};

}  // namespace

double latency_quantile(const std::string& key) {
  for (const auto& [name, q] : kKeys) {
    if (key == name) return q;
  }
  return 1.0;
}

std::map<std::string, DurationBound> read_latency_bounds(Reader& r) {
  std::map<std::string, DurationBound> out;
  const toml::node* n = r.raw().get("latency");
  if (!n) return out;
  const toml::table* t = r.table("latency");
  if (!t || t->empty()) {
    r.fail("latency", "expected percentiles with bounds: latency.p99 = { max = \"1s\" }");
  }
  Reader lr(*t, r.field("latency"), r.file());
  std::vector<std::string> names;
  for (const auto& [name, q] : kKeys) names.emplace_back(name);
  for (const auto& [k, v] : *t) {
    const std::string key(k.str());
    const std::string field = lr.field(key);
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      auto near = closest_name(key, names);
      fail_at(r.file(), k.source(), field,
              near ? fmt::format("unknown percentile (did you mean \"{}\"?)", *near)
                   : "unknown percentile (expected p50, p90, p99, \"p99.9\" or max)");
    }
    lr.get(key);
    if (!v.is_table()) {
      lr.fail(key, "expected bounds: { max = \"1s\" }, { min = \"10ms\", max = \"1s\" }");
    }
    Reader br(*v.as_table(), field, r.file());
    DurationBound b{br.duration("min"), br.duration("max")};
    if (!b.min && !b.max) br.fail_at(v.source(), field, "needs min, max or both");
    if (b.min && b.min->count() < 0) br.fail("min", "must be 0 or more");
    if (b.max && b.max->count() <= 0) br.fail("max", "must be more than 0");
    if (b.min && b.max && *b.min > *b.max) br.fail("min", "is above max");
    br.reject_unknown();
    out[key] = b;
  }
  return out;
}

}  // namespace badgateway
