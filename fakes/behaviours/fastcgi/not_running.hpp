#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_not_running(Params& params);
}  // namespace badgateway::fakes
