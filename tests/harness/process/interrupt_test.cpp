// What an interrupt hook may run once Child::spawn has closed: bounded, exit code or -1.
#include <doctest/doctest.h>

#include <chrono>

#include "harness/process/interrupt.hpp"

namespace bg = badgateway;

TEST_CASE("run_from_interrupt_hook: the program's exit code") {
  CHECK(bg::run_from_interrupt_hook({"true"}, bg::Millis(5000)) == 0);
  CHECK(bg::run_from_interrupt_hook({"sh", "-c", "exit 3"}, bg::Millis(5000)) == 3);
}

TEST_CASE("run_from_interrupt_hook: a program that does not start is -1") {
  CHECK(bg::run_from_interrupt_hook({"/nonexistent/badgateway-test"}, bg::Millis(5000)) == -1);
}

TEST_CASE("run_from_interrupt_hook: a program past its limit is killed, -1") {
  auto start = std::chrono::steady_clock::now();
  CHECK(bg::run_from_interrupt_hook({"sleep", "30"}, bg::Millis(100)) == -1);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}
