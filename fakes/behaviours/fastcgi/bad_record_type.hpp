#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_bad_record_type(Params& params);
}  // namespace badgateway::fakes
