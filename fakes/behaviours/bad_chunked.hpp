#pragma once
#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {
BehaviourPtr make_bad_chunked(Params& params);
}  // namespace badgateway::fakes
