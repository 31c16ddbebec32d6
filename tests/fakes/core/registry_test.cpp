#include "fakes/behaviours/registry.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <ranges>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace badgateway::fakes;

namespace {

bool is_snake_case(std::string_view name) {
  static const std::regex pattern("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  return std::regex_match(name.begin(), name.end(), pattern);
}

// Keys named in a `parameters` help string such as "capacity=1, mode=refuse|reset (status)".
std::vector<std::string> documented_keys(std::string_view parameters) {
  std::vector<std::string> keys;
  std::size_t pos = 0;
  while (pos <= parameters.size()) {
    auto end = parameters.find_first_of(",|", pos);
    if (end == std::string_view::npos) end = parameters.size();
    std::string_view item = parameters.substr(pos, end - pos);
    if (auto eq = item.find('='); eq != std::string_view::npos) {
      std::string_view key = item.substr(0, eq);
      while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
      while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
      keys.emplace_back(key);
    }
    pos = end + 1;
  }
  return keys;
}

}  // namespace

TEST_CASE("registry: the table is not empty and lists the HTTP behaviours") {
  CHECK(behaviour_table().size() >= 17);
  for (const char* name :
       {"ok", "refuse", "blackhole", "close_on_accept", "close_after_request", "reset", "stall",
        "stall_body", "dribble", "garbage", "big_header", "bad_chunked", "duplicate_length",
        "status", "keepalive_race", "overload", "flaky"}) {
    CAPTURE(std::string(name));
    const BehaviourInfo* info = find_behaviour(name, Protocol::http);
    REQUIRE(info != nullptr);
    CHECK(info->name == name);
  }
}

TEST_CASE("registry: every entry constructs with default params") {
  for (const BehaviourInfo& info : behaviour_table()) {
    CAPTURE(std::string(info.name));
    Params params;
    BehaviourPtr behaviour;
    CHECK_NOTHROW(behaviour = make_behaviour(info, params));
    CHECK(behaviour != nullptr);
  }
}

TEST_CASE("registry: make_behaviour rejects an unknown parameter, naming it") {
  for (const BehaviourInfo& info : behaviour_table()) {
    CAPTURE(std::string(info.name));
    Params params;
    params.set("no_such_param", std::string("1"));
    try {
      make_behaviour(info, params);
      FAIL("unknown parameter accepted");
    } catch (const ParamError& e) {
      CHECK(e.key() == "no_such_param");
    }
  }
}

TEST_CASE("registry: every documented parameter is one the behaviour reads") {
  for (const BehaviourInfo& info : behaviour_table()) {
    for (const std::string& key : documented_keys(describe_parameters(info.parameters))) {
      CAPTURE(std::string(info.name));
      CAPTURE(key);
      CHECK(is_snake_case(key));
      Params params;
      params.set(key, std::string("x"));  // usually invalid, but must not be *unknown*
      try {
        make_behaviour(info, params);
      } catch (const ParamError& e) {
        CHECK(e.key() == key);
        CHECK(std::string(e.what()).find("unknown parameter") == std::string::npos);
      }
    }
  }
}

TEST_CASE("registry: the parameters help names exactly the listed parameters") {
  for (const BehaviourInfo& info : behaviour_table()) {
    CAPTURE(std::string(info.name));
    std::vector<std::string> names;
    for (const ParamInfo& p : info.parameters) names.emplace_back(p.name);
    CHECK(documented_keys(describe_parameters(info.parameters)) == names);
  }
}

TEST_CASE("registry: describe_parameters spells defaults, allowed values and alternatives") {
  auto help = [](std::string_view name, Protocol protocol) {
    const BehaviourInfo* info = find_behaviour(name, protocol);
    REQUIRE(info != nullptr);
    return describe_parameters(info->parameters);
  };
  CHECK(help("ok", Protocol::http) ==
        "status=200, body_size=64 | body=TEXT, latency=0ms, "
        "latency_distribution=fixed|uniform|lognormal (fixed), latency_jitter=0ms, "
        "latency_max=DURATION (uniform), latency_p99=DURATION (lognormal), latency_seed=1");
  CHECK(help("reset", Protocol::http) ==
        "at=accept|request|headers|body (request), body_size=4096, delay=0ms");
  CHECK(help("bad_chunked", Protocol::http) == R"(valid_chunks=1, gap=0ms, bad="zz\r\n")");
  CHECK(help("refuse", Protocol::http).empty());
}

// A default or allowed value the help shows but the behaviour rejects would mislead.
TEST_CASE("registry: every documented default and allowed value is accepted") {
  for (const BehaviourInfo& info : behaviour_table()) {
    std::set<std::string_view> names;
    for (const ParamInfo& p : info.parameters) names.insert(p.name);
    for (const ParamInfo& p : info.parameters) {
      std::vector<std::string> accepted;
      // Quoted for the reader; a default naming another parameter ("second=body_size") is a
      // reference, not a value.
      std::string fallback(p.fallback);
      if (fallback.size() >= 2 && fallback.front() == '"' && fallback.back() == '"')
        fallback = fallback.substr(1, fallback.size() - 2);
      if (!fallback.empty() && !names.contains(fallback)) accepted.push_back(fallback);
      if (p.values.find('|') != std::string_view::npos) {
        // Not std::views::split: clang 14 (the sanitizer build) cannot compile libstdc++ 12's.
        for (std::size_t at = 0; at <= p.values.size();) {
          const std::size_t bar = std::min(p.values.find('|', at), p.values.size());
          accepted.emplace_back(p.values.substr(at, bar - at));
          at = bar + 1;
        }
      }
      for (const std::string& value : accepted) {
        CAPTURE(std::string(info.name));
        CAPTURE(std::string(p.name));
        CAPTURE(value);
        Params params;
        params.set(std::string(p.name), value);
        // A latency distribution other than fixed needs its shape (latency.hpp).
        if (p.name == "latency_distribution" && value == "uniform")
          params.set("latency_max", std::string("1s"));
        if (p.name == "latency_distribution" && value == "lognormal") {
          params.set("latency", std::string("100ms"));
          params.set("latency_p99", std::string("1s"));
        }
        CHECK_NOTHROW(make_behaviour(info, params));
      }
    }
  }
}

TEST_CASE("registry: names are snake_case and unique per protocol") {
  std::set<std::pair<int, std::string>> seen;
  for (const BehaviourInfo& info : behaviour_table()) {
    CAPTURE(std::string(info.name));
    CHECK(is_snake_case(info.name));
    CHECK(seen.emplace(static_cast<int>(info.protocol), std::string(info.name)).second);
    CHECK_FALSE(info.summary.empty());
    CHECK(static_cast<bool>(info.make));
    CHECK(find_behaviour(info.name, info.protocol) == &info);
  }
}

TEST_CASE("registry: each HTTP behaviour lives in the file named after it") {
  for (const BehaviourInfo& info : behaviour_table()) {
    if (info.protocol != Protocol::http) continue;
    CAPTURE(std::string(info.name));
    auto path = std::filesystem::path(BADGATEWAY_SOURCE_DIR) / "fakes" / "behaviours" /
                (std::string(info.name) + ".cpp");
    CHECK(std::filesystem::exists(path));
  }
}

TEST_CASE("registry: unknown names and the wrong protocol find nothing") {
  CHECK(find_behaviour("no_such_behaviour", Protocol::http) == nullptr);
  CHECK(find_behaviour("", Protocol::http) == nullptr);
  CHECK(find_behaviour("OK", Protocol::http) == nullptr);
  for (const BehaviourInfo& info : behaviour_table()) {
    CAPTURE(std::string(info.name));
    for (Protocol p : {Protocol::http, Protocol::fastcgi}) {
      const BehaviourInfo* found = find_behaviour(info.name, p);
      if (found) CHECK(found->protocol == p);
    }
  }
}
