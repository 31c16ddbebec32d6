#pragma once
// One group of requests as a scenario's [[requests]] describes it: what the client sends. Here,
// not in the scenario model, so the client needs nothing above it.
#include <string>
#include <utility>
#include <vector>

#include "fakes/base/units.hpp"

namespace badgateway {

struct RequestSpec {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int count = 1;
  int concurrency = 1;
  Millis delay{0};  // before this group starts: part of the scenario, e.g. an idle gap
  Millis timeout{5000};
};

}  // namespace badgateway
