#include "harness/metrics/publisher.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "harness/error.hpp"

namespace badgateway {
namespace {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MetricsPublisher::MetricsPublisher(MetricsOptions options, LiveBoard& board, std::FILE* notes)
    : options_(std::move(options)), board_(board) {
  write_textfile();  // a path that cannot be written fails the run before anything runs
  if (options_.graphite) graphite_.emplace(*options_.graphite, notes);
  if (options_.listen) {
    server_ = std::make_unique<PrometheusServer>(*options_.listen, [this] { return exposition(); });
    fmt::print(notes, "metrics: http://{}/metrics\n", server_->address().to_string());
    std::fflush(notes);
  }
  board_.on_leave([this](const LiveView& view) { collector_.observe(view, true); });
  thread_ = std::thread([this] { run(); });
}

MetricsPublisher::~MetricsPublisher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  board_.on_leave({});
}

void MetricsPublisher::run() {
  using Clock = std::chrono::steady_clock;
  auto next = Clock::now();
  std::unique_lock lock(mutex_);
  while (!stop_) {
    next += options_.period;
    // Late by more than a period (a slow Graphite): the next tick is a period from now, not a
    // burst of ticks to catch up.
    if (next < Clock::now()) next = Clock::now() + options_.period;
    if (wake_.wait_until(lock, next, [this] { return stop_; })) break;
    lock.unlock();
    tick();
    lock.lock();
    ++ticks_;
  }
}

void MetricsPublisher::tick() {
  board_.visit([this](const LiveView& view) { collector_.observe(view, false); });
  if (graphite_)
    graphite_->send(format_graphite(collector_.families(), options_.graphite_prefix, unix_now()));
}

void MetricsPublisher::finish() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (graphite_)
    graphite_->send(format_graphite(collector_.families(), options_.graphite_prefix, unix_now()));
  write_textfile();
}

void MetricsPublisher::write_textfile() const {
  if (options_.textfile.empty()) return;
  const std::filesystem::path file = options_.textfile;
  const std::filesystem::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << exposition();
    out.close();
    if (!out)
      throw HarnessError(
          fmt::format("--metrics-textfile {}: cannot write {}", file.string(), tmp.string()));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec)
    throw HarnessError(fmt::format("--metrics-textfile {}: cannot rename {}: {}", file.string(),
                                   tmp.string(), ec.message()));
}

std::string MetricsPublisher::exposition() const {
  return format_exposition(collector_.families());
}

std::uint64_t MetricsPublisher::ticks() const {
  std::lock_guard lock(mutex_);
  return ticks_;
}

}  // namespace badgateway
