#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_big_header(Params& params);
}  // namespace badgateway::fakes
