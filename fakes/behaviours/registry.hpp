#pragma once
// The behaviours. Each one's entry is defined beside its code, in fakes/behaviours/<name>.cpp
// (FastCGI: fastcgi/<name>.cpp); registry.cpp lists them. The name is the file name, the
// scenario's `behaviour` string and the `serve --behaviour` argument.
#include <cstddef>
#include <span>
#include <string_view>

#include "fakes/core/behaviour.hpp"

namespace badgateway::fakes {

struct BehaviourInfo {
  std::string_view name;
  Protocol protocol = Protocol::http;
  std::string_view summary;  // one line, for `serve --help` and `explain`
  std::span<const ParamInfo> parameters = {};
  BehaviourPtr (*make)(Params&) = nullptr;
};

// A range of `const BehaviourInfo&`, in `serve --help` order. Hand-written rather than a
// std::ranges::transform_view: clang 14 (the fuzz and sanitizer builds) cannot compile
// libstdc++ 12's ranges.
class BehaviourTable {
 public:
  class iterator {
   public:
    using value_type = BehaviourInfo;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(const BehaviourInfo* const* at) : at_(at) {}
    const BehaviourInfo& operator*() const { return **at_; }
    const BehaviourInfo* operator->() const { return *at_; }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) { return iterator(at_++); }
    bool operator==(const iterator&) const = default;

   private:
    const BehaviourInfo* const* at_ = nullptr;
  };
  explicit BehaviourTable(std::span<const BehaviourInfo* const> entries) : entries_(entries) {}
  iterator begin() const { return iterator(entries_.data()); }
  iterator end() const { return iterator(entries_.data() + entries_.size()); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::span<const BehaviourInfo* const> entries_;
};

BehaviourTable behaviour_table();
const BehaviourInfo* find_behaviour(std::string_view name, Protocol protocol);

// Builds the behaviour and rejects parameters it did not read. Throws ParamError.
BehaviourPtr make_behaviour(const BehaviourInfo& info, Params& params);

}  // namespace badgateway::fakes
