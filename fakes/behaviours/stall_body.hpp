#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_stall_body(Params& params);
}  // namespace badgateway::fakes
