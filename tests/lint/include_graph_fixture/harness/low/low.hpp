#pragma once
// Reaches up: the edge the check must name.
#include "harness/high/high.hpp"
