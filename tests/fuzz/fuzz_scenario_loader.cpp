// A scenario file from bytes: every input must load or throw ScenarioError (a one-line message),
// never crash. Files the scenario names are resolved against a label that does not exist.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "harness/scenario/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)badgateway::load_scenario_string(text, "/nonexistent/fuzz.toml");
  } catch (const badgateway::ScenarioError&) {
  }
  return 0;
}
