#include "harness/nginx/nginx_output.hpp"

#include <doctest/doctest.h>

#include "harness/nginx/launcher.hpp"

namespace badgateway {

TEST_CASE(
    "throw_start_failure: a bind() that found the port taken is PortInUse, with the message") {
  const std::string message =
      "nginx failed to start: exited with status 1: nginx: [emerg] bind() to 127.0.0.1:8080 "
      "failed (98: Address already in use)";
  try {
    throw_start_failure(message);
    FAIL("returned");
  } catch (const PortInUse& e) {
    CHECK(std::string(e.what()) == message);
  }
}

TEST_CASE("throw_start_failure: any other failure is a HarnessError, not PortInUse") {
  const std::string message =
      "nginx failed to start: exited with status 1: nginx: [emerg] bind() to 127.0.0.1:80 failed "
      "(13: Permission denied)";
  try {
    throw_start_failure(message);
    FAIL("returned");
  } catch (const PortInUse&) {
    FAIL("a permission error is no port race");
  } catch (const HarnessError& e) {
    CHECK(std::string(e.what()) == message);
  }
}

}  // namespace badgateway
