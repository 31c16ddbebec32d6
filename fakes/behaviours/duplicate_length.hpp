#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_duplicate_length(Params& params);
}  // namespace badgateway::fakes
