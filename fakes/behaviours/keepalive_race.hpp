#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_keepalive_race(Params& params);
}  // namespace badgateway::fakes
