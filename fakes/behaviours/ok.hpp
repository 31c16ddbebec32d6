#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_ok(Params& params);
}  // namespace badgateway::fakes
