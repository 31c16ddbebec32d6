#pragma once
// A behaviour's own settings, read once at load time. Values come from a TOML table or from
// `--set key=value`; each getter validates and marks the key as used so leftovers are rejected.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include "fakes/base/units.hpp"

namespace badgateway::fakes {

using ParamValue = std::variant<std::int64_t, double, bool, std::string>;

// `key` names the offending setting so the scenario loader can point at its file:line:column.
class ParamError : public std::runtime_error {
 public:
  ParamError(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue, std::less<>> values)
      : values_(std::move(values)) {}

  void set(std::string key, ParamValue value) { values_[std::move(key)] = std::move(value); }
  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }

  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max);
  Millis duration(std::string_view key, Millis fallback);
  std::uint64_t size(std::string_view key, std::uint64_t fallback);
  bool boolean(std::string_view key, bool fallback);
  std::string text(std::string_view key, std::string fallback);
  std::string choice(std::string_view key, std::string fallback,
                     std::initializer_list<std::string_view> allowed);

  // Throws ParamError for the first key no getter asked for (a typo must not be ignored).
  void reject_unused() const;

 private:
  const ParamValue* use(std::string_view key);
  std::map<std::string, ParamValue, std::less<>> values_;
  std::set<std::string, std::less<>> used_;
};

// One parameter as documented (`serve --help`, the loader's list of valid keys). The code
// that reads it from Params uses the same default.
struct ParamInfo {
  std::string_view name;
  // The default as a user would write it ("200", "0ms", "8k", "\"0600\""); empty when there is
  // none or it is too long to show.
  std::string_view fallback = {};
  // The allowed values ("accept|request|body") or what the value stands for ("TEXT"); empty when
  // the default says it all.
  std::string_view values = {};
  // Set instead of the previous parameter, not with it: "body_size=64 | body=TEXT".
  bool alternative = false;
};

// "status=200, body_size=64 | body=TEXT, latency=0ms"; empty when there are none.
std::string describe_parameters(std::span<const ParamInfo> parameters);

}  // namespace badgateway::fakes
