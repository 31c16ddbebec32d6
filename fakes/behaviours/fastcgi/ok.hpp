#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_ok(Params& params);
}  // namespace badgateway::fakes
