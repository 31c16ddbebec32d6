#include "fakes/behaviours/common.hpp"

namespace badgateway::fakes {

std::string make_body(std::uint64_t size) {
  static constexpr std::string_view pattern = "badgateway-fake-body-0123456789\n";
  std::string body;
  body.reserve(size);
  while (body.size() < size) body += pattern.substr(0, size - body.size());
  return body;
}

std::string make_response(const Connection& c, int status, const std::string& body,
                          const HeaderList& headers, bool keep_alive) {
  HeaderList all = headers;
  all.emplace_back("Content-Type", "text/plain");
  return c.response_head(status, all, body.size(), keep_alive) + body;
}

Task<void> serve_ok_responses(Connection& c, int status, const std::string& body,
                              Latency& latency) {
  while (auto request = co_await c.read_request()) {
    co_await c.pause(latency.next());
    if (!co_await c.write(make_response(c, status, body, {}, request->keep_alive))) co_return;
    if (!request->keep_alive) break;
  }
  c.close();
}

Task<void> serve_ok_responses(Connection& c, int status, const std::string& body, Millis latency) {
  Latency fixed(latency);
  co_await serve_ok_responses(c, status, body, fixed);
}

}  // namespace badgateway::fakes
