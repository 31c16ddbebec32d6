#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_close_on_accept(Params& params);
}  // namespace badgateway::fakes
