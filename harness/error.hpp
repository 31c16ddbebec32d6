#pragma once
// The harness's one failure that is not a scenario's: below every unit that throws it (network
// namespaces, ports, launchers) so none of them has to include a launcher to report one.
#include <stdexcept>

namespace badgateway {

// Not a scenario failure: the environment or the config under test is unusable (exit code 2).
class HarnessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace badgateway
