#pragma once
// The one table of behaviours. The name is the file name, the scenario's `behaviour` string and
// the `serve --behaviour` argument.
#include <span>
#include <string_view>

#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {

struct BehaviourInfo {
  std::string_view name;
  Protocol protocol;
  std::string_view summary;
  std::string_view parameters;  // "key=default, ..." for --help and `explain`
  BehaviourPtr (*make)(Params&);
};

std::span<const BehaviourInfo> behaviour_table();
const BehaviourInfo* find_behaviour(std::string_view name, Protocol protocol);

// Builds the behaviour and rejects parameters it did not read. Throws ParamError.
BehaviourPtr make_behaviour(const BehaviourInfo& info, Params& params);

}  // namespace badgateway::fakes
