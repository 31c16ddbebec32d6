#include "harness/nginx/local_launcher.hpp"

#include <doctest/doctest.h>

namespace badgateway {

// Regression (issue 10, bug 8): only the probe's lines are the harness's.
TEST_CASE("is_probe_log_line: nginx's line about the readiness probe, nothing else") {
  CHECK(
      is_probe_log_line("2026/11/29 19:40:01 [info] 7#7: *1 client closed connection while "
                        "waiting for request, client: 127.255.255.254, server: 127.0.0.1:8080"));
  CHECK_FALSE(
      is_probe_log_line("2026/11/29 19:40:01 [info] 7#7: *2 client closed connection "
                        "while waiting for request, client: 127.0.0.1, server: "
                        "127.0.0.1:8080"));
  CHECK_FALSE(
      is_probe_log_line("2026/11/29 19:40:01 [error] 7#7: *3 connect() failed (111: "
                        "Connection refused) while connecting to upstream, client: "
                        "127.0.0.1, server: , request: \"GET / HTTP/1.1\""));
}

}  // namespace badgateway
