#include "fakes/core/params.hpp"

#include <charconv>

#include <fmt/format.h>

namespace badgateway::fakes {
namespace {

// A size written as an integer has the cap of one written as a string: parse_size's 1 GiB.
constexpr std::int64_t kMaxSizeBytes = std::int64_t{1} << 30;

std::string describe(const ParamValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>)
          return fmt::format("\"{}\"", x);
        else if constexpr (std::is_same_v<T, bool>)
          return x ? "true" : "false";
        else
          return fmt::format("{}", x);
      },
      v);
}

}  // namespace

const ParamValue* Params::use(std::string_view key) {
  auto it = values_.find(key);
  if (it == values_.end()) return nullptr;
  used_.emplace(key);
  return &it->second;
}

std::int64_t Params::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                             std::int64_t max) {
  const ParamValue* v = use(key);
  if (!v) return fallback;
  std::int64_t n = 0;
  if (const auto* i = std::get_if<std::int64_t>(v)) {
    n = *i;
  } else if (const auto* s = std::get_if<std::string>(v)) {
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), n);
    if (ec != std::errc{} || ptr != s->data() + s->size()) {
      throw ParamError(std::string(key), fmt::format("expected an integer, got {}", describe(*v)));
    }
  } else {
    throw ParamError(std::string(key), fmt::format("expected an integer, got {}", describe(*v)));
  }
  if (n < min || n > max) {
    throw ParamError(std::string(key), fmt::format("{} is out of range [{}, {}]", n, min, max));
  }
  return n;
}

Millis Params::duration(std::string_view key, Millis fallback) {
  const ParamValue* v = use(key);
  if (!v) return fallback;
  const auto* s = std::get_if<std::string>(v);
  auto d = s ? parse_duration(*s) : std::nullopt;
  if (!d) {
    throw ParamError(
        std::string(key),
        fmt::format("expected a duration with a unit such as \"250ms\" or \"2s\", got {}",
                    describe(*v)));
  }
  return *d;
}

std::uint64_t Params::size(std::string_view key, std::uint64_t fallback) {
  const ParamValue* v = use(key);
  if (!v) return fallback;
  if (const auto* i = std::get_if<std::int64_t>(v); i && *i >= 0) {
    if (*i > kMaxSizeBytes) {
      throw ParamError(std::string(key),
                       fmt::format("{} is out of range [0, {}]", *i, kMaxSizeBytes));
    }
    return static_cast<std::uint64_t>(*i);
  }
  const auto* s = std::get_if<std::string>(v);
  auto n = s ? parse_size(*s) : std::nullopt;
  if (!n) {
    throw ParamError(
        std::string(key),
        fmt::format("expected a size such as 512, \"8k\" or \"1MiB\", got {}", describe(*v)));
  }
  return *n;
}

bool Params::boolean(std::string_view key, bool fallback) {
  const ParamValue* v = use(key);
  if (!v) return fallback;
  if (const auto* b = std::get_if<bool>(v)) return *b;
  if (const auto* s = std::get_if<std::string>(v)) {
    if (*s == "true") return true;
    if (*s == "false") return false;
  }
  throw ParamError(std::string(key), fmt::format("expected true or false, got {}", describe(*v)));
}

std::string Params::text(std::string_view key, std::string fallback) {
  const ParamValue* v = use(key);
  if (!v) return fallback;
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  throw ParamError(std::string(key), fmt::format("expected a string, got {}", describe(*v)));
}

std::string Params::choice(std::string_view key, std::string fallback,
                           std::initializer_list<std::string_view> allowed) {
  std::string value = text(key, std::move(fallback));
  for (auto a : allowed) {
    if (a == value) return value;
  }
  throw ParamError(std::string(key),
                   fmt::format("\"{}\" is not one of: {}", value, fmt::join(allowed, ", ")));
}

void Params::reject_unused() const {
  for (const auto& [key, value] : values_) {
    if (!used_.contains(key)) throw ParamError(key, "unknown parameter for this behaviour");
  }
}

std::string describe_parameters(std::span<const ParamInfo> parameters) {
  std::string out;
  for (const ParamInfo& p : parameters) {
    if (!out.empty()) out += p.alternative ? " | " : ", ";
    out += p.name;
    out += '=';
    if (p.values.empty()) {
      out += p.fallback;
      continue;
    }
    out += p.values;
    if (!p.fallback.empty()) {
      out += " (";
      out += p.fallback;
      out += ')';
    }
  }
  return out;
}

}  // namespace badgateway::fakes
