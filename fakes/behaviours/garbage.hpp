#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_garbage(Params& params);
}  // namespace badgateway::fakes
