#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_blackhole(Params& params);
}  // namespace badgateway::fakes
