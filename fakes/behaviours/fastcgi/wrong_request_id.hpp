#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_wrong_request_id(Params& params);
}  // namespace badgateway::fakes
