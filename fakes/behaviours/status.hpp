#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_status(Params& params);
}  // namespace badgateway::fakes
