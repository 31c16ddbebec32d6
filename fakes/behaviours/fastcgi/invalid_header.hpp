#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_invalid_header(Params& params);
}  // namespace badgateway::fakes
