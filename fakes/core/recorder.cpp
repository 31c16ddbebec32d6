#include "fakes/core/recorder.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace badgateway::fakes {

std::string SeenRequest::header(std::string_view name) const {
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  for (const auto& [k, v] : headers) {
    if (same(k, name)) return v;
  }
  return {};
}

void Recorder::on_connection() {
  Listener l;
  {
    std::lock_guard lock(mutex_);
    ++stats_.connections;
    l = listener_;
  }
  if (l) l("connection accepted");
}

void Recorder::on_request(SeenRequest request) {
  Listener l;
  std::string line;
  {
    std::lock_guard lock(mutex_);
    ++stats_.requests;
    if (listener_) {  // the line only for someone who reads it: this runs once per request
      l = listener_;
      line = fmt::format("request {} {} ({} body bytes)", request.method, request.target,
                         request.body_bytes);
    }
    if (window_ > 0) {
      if (recent_.size() == window_) recent_.pop_front();
      recent_.push_back(std::move(request));
    }
  }
  if (l) l(line);
}

void Recorder::on_bytes_in(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  stats_.bytes_in += n;
}

void Recorder::on_bytes_out(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  stats_.bytes_out += n;
}

void Recorder::on_reset() {
  Listener l;
  {
    std::lock_guard lock(mutex_);
    ++stats_.resets_sent;
    l = listener_;
  }
  if (l) l("connection reset (RST sent)");
}

void Recorder::note(const std::string& line) {
  Listener l;
  {
    std::lock_guard lock(mutex_);
    l = listener_;
  }
  if (l) l(line);
}

EndpointStats Recorder::snapshot() const {
  std::lock_guard lock(mutex_);
  EndpointStats copy = stats_;
  copy.seen.assign(recent_.begin(), recent_.end());
  return copy;
}

EndpointStats Recorder::counters() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Recorder::set_listener(Listener listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

}  // namespace badgateway::fakes
