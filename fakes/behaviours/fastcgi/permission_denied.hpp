#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_permission_denied(Params& params);
}  // namespace badgateway::fakes
