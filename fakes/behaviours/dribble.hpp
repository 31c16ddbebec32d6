#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_dribble(Params& params);
}  // namespace badgateway::fakes
