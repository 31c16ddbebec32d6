#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_overload(Params& params);
}  // namespace badgateway::fakes
