#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_reset(Params& params);
}  // namespace badgateway::fakes
