#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_close_after_request(Params& params);
}  // namespace badgateway::fakes
