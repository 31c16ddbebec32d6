#pragma once
// Times on lines a user lines up against other logs (nginx's error log is in local time, to the
// second; its access log can have milliseconds with $msec).
#include <chrono>
#include <string>

namespace badgateway {

// ISO 8601 in the local time zone, to the millisecond (truncated, as nginx does):
// "2026-11-30T05:31:02.123". No zone suffix: nginx's error log has none either.
std::string local_timestamp(std::chrono::system_clock::time_point at);

}  // namespace badgateway
