#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_stall(Params& params);
}  // namespace badgateway::fakes
