#include "harness/client/traffic_progress.hpp"

namespace badgateway {

void TrafficProgress::record(int status) {
  std::lock_guard lock(mutex_);
  ++by_status_[status];
}

std::map<int, std::uint64_t> TrafficProgress::counts() const {
  std::lock_guard lock(mutex_);
  return by_status_;
}

}  // namespace badgateway
