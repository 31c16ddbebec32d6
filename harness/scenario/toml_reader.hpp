#pragma once
// Reading a scenario's TOML tables with errors at their source positions: the one place that
// turns a toml++ node into "file:line:column: field: message" (a ScenarioError, exit 2). Every
// section reader (fakes_reader, expectations_reader, nginx_reader, the loader) builds on it.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/toml.hpp"

#include "fakes/base/units.hpp"
#include "harness/input/source_pos.hpp"

namespace badgateway {

// Throws ScenarioError "FILE:LINE:COLUMN: FIELD: MESSAGE" at `where`'s start.
[[noreturn]] void fail_at(const std::string& file, const toml::source_region& where,
                          const std::string& field, const std::string& message);
// The same at a position the loader kept (a fake's host key, checked after the file was read).
[[noreturn]] void fail_at_pos(const SourcePos& pos, const std::string& field,
                              const std::string& message);
SourcePos pos_of(const toml::node& n, const std::string& file);

// Reads one TOML table, remembering which keys were consumed so leftovers are reported as
// unknown at their own position. `path` is the table's dotted field name ("fix.expect"), empty
// for the root. Every typed getter returns nullopt (or nullptr) for an absent key and throws
// ScenarioError for a present one of the wrong type or out of range.
class Reader {
 public:
  Reader(const toml::table& table, std::string path, const std::string& file)
      : table_(table), path_(std::move(path)), file_(file) {}

  std::string field(std::string_view key) const;  // "path.key"
  [[noreturn]] void fail_at(const toml::source_region& where, const std::string& field,
                            const std::string& message) const;
  // At the key's value, or at the table when the key is absent.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;

  const toml::node* get(std::string_view key);  // marks the key as used
  bool has(std::string_view key) const { return table_.contains(key); }
  std::optional<std::string> string(std::string_view key);
  std::string required_string(std::string_view key);  // present and not empty
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(std::string_view key);
  std::optional<Millis> duration(std::string_view key);  // "250ms", "2s" (fakes/base/units)
  const toml::table* table(std::string_view key);
  // A single string or an array of them.
  std::optional<std::vector<std::string>> strings(std::string_view key);
  // A single integer or a non-empty array of them, each in [min, max].
  std::optional<std::vector<int>> integers(std::string_view key, int min, int max);
  // Throws for the first key no getter asked for: "unknown key".
  void reject_unknown() const;
  // The same for one key of this table: throws unless something asked for it.
  void reject_unknown(std::string_view key) const;

  const toml::table& raw() const { return table_; }
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

 private:
  const toml::table& table_;
  std::string path_;
  const std::string& file_;
  std::set<std::string, std::less<>> used_;
};

// The file as a TOML table, after the pre-scan and the guard (toml_prescan.hpp, toml_guard.hpp:
// the inputs toml++ 3.3 must never get in-process). Throws ScenarioError "file:line:column: TOML
// syntax: ...".
toml::table parse_toml(std::string_view text, const std::string& file_label);

}  // namespace badgateway
