// A scenario file from bytes: every input must load or throw ScenarioError (a one-line message),
// never crash. Files the scenario names are resolved against a label that does not exist.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/scenario/loader.hpp"
#include "harness/scenario/toml_guard.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // One parser child for the whole fuzzing run (a fork per input is 20 times slower).
  static badgateway::TomlGuardSession guard;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)badgateway::load_scenario_string(text, "/nonexistent/fuzz.toml");
  } catch (const badgateway::ScenarioError&) {
  }
  return 0;
}
