#include "harness/scenario/toml_reader.hpp"

#include <fmt/format.h>

#include "harness/input/suggest.hpp"
#include "harness/scenario/loader.hpp"
#include "harness/scenario/toml_guard.hpp"
#include "harness/scenario/toml_prescan.hpp"

namespace badgateway {

void fail_at(const std::string& file, const toml::source_region& where, const std::string& field,
             const std::string& message) {
  SourcePos pos{file, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column)};
  throw ScenarioError(fmt::format("{}: {}: {}", pos.str(), field, message));
}

void fail_at_pos(const SourcePos& pos, const std::string& field, const std::string& message) {
  throw ScenarioError(fmt::format("{}: {}: {}", pos.str(), field, message));
}

SourcePos pos_of(const toml::node& n, const std::string& file) {
  return {file, static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column)};
}

std::string Reader::field(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

void Reader::fail_at(const toml::source_region& where, const std::string& field,
                     const std::string& message) const {
  badgateway::fail_at(file_, where, field, message);
}

void Reader::fail(std::string_view key, const std::string& message) const {
  const toml::node* n = table_.get(key);
  fail_at(n ? n->source() : table_.source(), field(key), message);
}

const toml::node* Reader::get(std::string_view key) {
  used_.emplace(key);
  return table_.get(key);
}

std::optional<std::string> Reader::string(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_string()) fail(key, "expected a string");
  return n->as_string()->get();
}

std::string Reader::required_string(std::string_view key) {
  auto s = string(key);
  if (!s) {
    // A misspelt key is both unknown and the reason the real one is missing: say so here, where
    // the first error is reported.
    for (const auto& [k, v] : table_) {
      if (closest_name(k.str(), {std::string(key)})) {
        fail_at(k.source(), field(key),
                fmt::format("is required; is \"{}\" a misspelling of it?", k.str()));
      }
    }
    fail_at(table_.source(), field(key), "is required");
  }
  if (s->empty()) fail(key, "must not be empty");
  return *s;
}

std::optional<std::int64_t> Reader::integer(std::string_view key, std::int64_t min,
                                            std::int64_t max) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer()) fail(key, "expected an integer");
  std::int64_t v = n->as_integer()->get();
  if (v < min || v > max) fail(key, fmt::format("{} is out of range [{}, {}]", v, min, max));
  return v;
}

std::optional<bool> Reader::boolean(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) fail(key, "expected true or false");
  return n->as_boolean()->get();
}

std::optional<Millis> Reader::duration(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  auto d = n->is_string() ? parse_duration(n->as_string()->get()) : std::nullopt;
  if (!d) fail(key, "expected a duration with a unit, such as \"250ms\" or \"2s\"");
  return d;
}

const toml::table* Reader::table(std::string_view key) {
  const toml::node* n = get(key);
  if (!n) return nullptr;
  if (!n->is_table()) fail(key, "expected a table");
  return n->as_table();
}

std::optional<std::vector<std::string>> Reader::strings(std::string_view key) {
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

std::optional<std::vector<int>> Reader::integers(std::string_view key, int min, int max) {
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

void Reader::reject_unknown() const {
  for (const auto& [k, v] : table_) reject_unknown(k.str());
}

void Reader::reject_unknown(std::string_view key) const {
  if (used_.contains(key)) return;
  const toml::key* k = nullptr;
  for (const auto& [candidate, v] : table_) {
    if (candidate.str() == key) k = &candidate;
  }
  if (!k) return;
  // Every key this table may have was asked for by now: the nearest is the likely intent.
  auto near = closest_name(key, std::vector<std::string>(used_.begin(), used_.end()));
  fail_at(k->source(), field(key),
          near ? fmt::format("unknown key (did you mean \"{}\"?)", *near) : "unknown key");
}

toml::table parse_toml(std::string_view text, const std::string& file_label) {
  if (auto p = prescan_toml(text)) {
    SourcePos pos{file_label, p->line, p->column};
    throw ScenarioError(fmt::format("{}: TOML syntax: {}", pos.str(), p->message));
  }
  if (auto p = check_toml_parser_safety(text)) {
    SourcePos pos{file_label, p->line, p->column};
    throw ScenarioError(fmt::format("{}: TOML syntax: {}", pos.str(), p->message));
  }
  try {
    return toml::parse(text, file_label);
  } catch (const toml::parse_error& e) {
    SourcePos pos{file_label, static_cast<int>(e.source().begin.line),
                  static_cast<int>(e.source().begin.column)};
    throw ScenarioError(fmt::format("{}: TOML syntax: {}", pos.str(), e.description()));
  }
}

}  // namespace badgateway
