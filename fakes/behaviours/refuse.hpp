#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_refuse(Params& params);
}  // namespace badgateway::fakes
