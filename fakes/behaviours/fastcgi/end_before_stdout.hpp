#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_fastcgi_end_before_stdout(Params& params);
}  // namespace badgateway::fakes
