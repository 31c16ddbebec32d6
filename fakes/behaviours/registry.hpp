#pragma once
// The behaviours. Each one's entry is defined beside its code, in fakes/behaviours/<name>.cpp
// (FastCGI: fastcgi/<name>.cpp); registry.cpp lists them. The name is the file name, the
// scenario's `behaviour` string and the `serve --behaviour` argument.
#include <ranges>
#include <span>
#include <string_view>

#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {

struct BehaviourInfo {
  std::string_view name;
  Protocol protocol = Protocol::http;
  std::string_view summary;  // one line, for `serve --help` and `explain`
  std::span<const ParamInfo> parameters = {};
  BehaviourPtr (*make)(Params&) = nullptr;
};

struct Dereference {
  const BehaviourInfo& operator()(const BehaviourInfo* info) const { return *info; }
};
// A range of `const BehaviourInfo&`, in `serve --help` order.
using BehaviourTable =
    std::ranges::transform_view<std::span<const BehaviourInfo* const>, Dereference>;

BehaviourTable behaviour_table();
const BehaviourInfo* find_behaviour(std::string_view name, Protocol protocol);

// Builds the behaviour and rejects parameters it did not read. Throws ParamError.
BehaviourPtr make_behaviour(const BehaviourInfo& info, Params& params);

}  // namespace badgateway::fakes
