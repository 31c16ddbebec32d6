// Tests may include anything: not a back edge.
#include "harness/high/high.hpp"
#include "harness/stray.hpp"
