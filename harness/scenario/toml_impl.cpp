// toml++'s implementation, compiled once for badgateway with the checks of toml.hpp
// (toml_internal_check_failed is defined in toml_guard.cpp, which knows when it runs in a child).
#define TOML_IMPLEMENTATION
#include "harness/scenario/toml.hpp"
