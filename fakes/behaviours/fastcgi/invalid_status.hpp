#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_invalid_status(Params& params);
}  // namespace badgateway::fakes
