#include "fakes/fastcgi/responder.hpp"

#include <chrono>

#include <fmt/format.h>

namespace badgateway::fakes::fastcgi {

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

SeenRequest to_seen(const FastcgiRequest& request) {
  SeenRequest seen;
  seen.method = request.param("REQUEST_METHOD");
  seen.target = request.params.contains("REQUEST_URI") ? request.param("REQUEST_URI")
                                                       : request.param("SCRIPT_NAME");
  seen.headers.assign(request.params.begin(), request.params.end());
  seen.body_bytes = request.stdin_bytes;
  seen.at = std::chrono::steady_clock::now();
  return seen;
}

}  // namespace

std::string FastcgiRequest::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

Task<std::optional<FastcgiRequest>> read_fastcgi_request(Connection& c, RecordDecoder& decoder) {
  RequestAssembler assembler;
  bool partial = decoder.buffered() > 0;
  for (;;) {
    while (auto record = decoder.next()) {
      partial = true;
      if (record->request_id == 0) {  // management record (GET_VALUES): nginx never sends one
        c.recorder().note(
            fmt::format("fastcgi: ignored management record {}", record_type_name(record->type)));
        continue;
      }
      if (!assembler.consume(*record)) {
        c.recorder().note(fmt::format("fastcgi request not read: {}", assembler.error()));
        co_return std::nullopt;
      }
      if (assembler.ready()) {
        FastcgiRequest request;
        request.id = assembler.request_id();
        request.role = assembler.role();
        request.keep_conn = assembler.keep_conn();
        request.params = assembler.params();
        request.stdin_bytes = assembler.stdin_bytes();
        c.record_request(to_seen(request));
        co_return request;
      }
    }
    if (decoder.failed()) {
      c.recorder().note(fmt::format("fastcgi request not read: {}", decoder.error()));
      co_return std::nullopt;
    }
    std::string bytes;
    std::size_t n = co_await c.read_some(bytes, kReadChunk);
    if (n == 0) {
      // Between requests a close is how nginx ends a kept connection; anything else is worth a
      // note.
      if (partial || decoder.buffered() > 0 || c.requests_served() == 0) {
        c.recorder().note(partial ? "fastcgi request not read: connection ended mid-request"
                                  : "fastcgi request not read: connection ended before a request");
      }
      co_return std::nullopt;
    }
    partial = true;
    decoder.feed(bytes);
  }
}

Task<std::optional<FastcgiRequest>> read_fastcgi_request(Connection& c) {
  RecordDecoder decoder;
  auto request = co_await read_fastcgi_request(c, decoder);
  co_return request;
}

std::string cgi_status(int status) {
  return fmt::format("{} {}", status, reason_phrase(status));
}

std::string cgi_head(const Connection& c, std::optional<int> status, const HeaderList& headers) {
  std::string head;
  if (status) head += fmt::format("Status: {}\r\n", cgi_status(*status));
  head += fmt::format("{}: {}\r\n", kFakeHeader, c.endpoint_name());
  for (const auto& [name, value] : headers) head += fmt::format("{}: {}\r\n", name, value);
  head += "\r\n";
  return head;
}

std::string cgi_page(const Connection& c, int status, std::string_view body) {
  HeaderList headers{{"Content-Type", "text/html"}};
  return cgi_head(c, status, headers) + std::string(body);
}

std::string fastcgi_response(std::uint16_t id, std::string_view cgi_output,
                             std::uint32_t app_status) {
  return encode_stream(RecordType::stdout_, id, cgi_output) +
         encode_record(RecordType::stdout_, id, "") + encode_end_request(id, app_status);
}

Task<void> serve_fastcgi_requests(Connection& c, const Responder& respond) {
  RecordDecoder decoder;
  for (;;) {
    auto request = co_await read_fastcgi_request(c, decoder);
    if (!request) break;
    bool reusable = co_await respond(c, *request);
    if (!reusable || !request->keep_conn) break;
  }
  c.close();
}

Task<void> FastcgiResponder::serve(Connection& c) {
  Responder responder = [this](Connection& conn, const FastcgiRequest& request) {
    return respond(conn, request);
  };
  co_await serve_fastcgi_requests(c, responder);
}

}  // namespace badgateway::fakes::fastcgi
