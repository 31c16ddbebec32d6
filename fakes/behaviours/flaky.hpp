#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_flaky(Params& params);
}  // namespace badgateway::fakes
