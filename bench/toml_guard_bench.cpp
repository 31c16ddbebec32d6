// Benchmark (not a test): what the toml++ guard (harness/scenario/toml_guard.hpp) costs per
// scenario file. For every file given, the reference is toml::parse alone; the measured path is
// the guard's forked parse, with a child per file and with one child for all (TomlGuardSession,
// what loading the catalog uses). Prints the medians over ROUNDS and the ratios.
// Usage: bench_toml_guard [ROUNDS] FILE...
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "harness/input/bounded_file.hpp"
#include "harness/scenario/toml.hpp"
#include "harness/scenario/toml_guard.hpp"

namespace {

template <typename F>
double micros(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
      .count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_toml_guard ROUNDS FILE...\n");
    return 2;
  }
  const int rounds = std::max(1, std::atoi(argv[1]));
  std::vector<std::string> texts;
  for (int i = 2; i < argc; ++i) texts.push_back(badgateway::read_bounded_file(argv[i]));
  std::vector<double> parse, guard, session;
  for (int r = 0; r < rounds; ++r) {
    parse.push_back(micros([&] {
      for (const auto& t : texts) (void)toml::parse(t);
    }));
    guard.push_back(micros([&] {
      for (const auto& t : texts) {
        if (badgateway::check_toml_parser_safety(t)) std::abort();
      }
    }));
    session.push_back(micros([&] {
      badgateway::TomlGuardSession one_child;
      for (const auto& t : texts) {
        if (badgateway::check_toml_parser_safety(t)) std::abort();
      }
    }));
  }
  const double p = median(parse), g = median(guard), c = median(session);
  std::printf("%zu files, %d rounds (medians)\n", texts.size(), rounds);
  std::printf("  toml::parse alone (reference): %9.0f us, %7.1f us/file\n", p,
              p / static_cast<double>(texts.size()));
  std::printf("  guard (forked parse):          %9.0f us, %7.1f us/file\n", g,
              g / static_cast<double>(texts.size()));
  std::printf("  guard, one child for all:      %9.0f us, %7.1f us/file\n", c,
              c / static_cast<double>(texts.size()));
  std::printf("  ratios to the parse alone: a child per file %.1f, one child %.1f\n", g / p, c / p);
  return 0;
}
