#pragma once
#include <string>

#include "harness/low/low.hpp"
#include "harness/stray.hpp"
