#pragma once
// The application side of FastCGI on top of Connection, shared by every FastCGI fake: read one
// request, build responses, and serve requests for as long as nginx asks to keep the connection
// (fastcgi_keep_conn on), the way PHP-FPM does.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/core/behaviour.hpp"
#include "fakes/fastcgi/record.hpp"

namespace badgateway::fakes::fastcgi {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct FastcgiRequest {
  std::uint16_t id = 0;
  std::uint16_t role = kRoleResponder;
  bool keep_conn = false;
  std::map<std::string, std::string> params;
  std::uint64_t stdin_bytes = 0;

  // The value of a param, "" if absent.
  std::string param(std::string_view name) const;
};

// Reads records until one complete request (BEGIN_REQUEST, PARAMS, empty PARAMS, STDIN..., empty
// STDIN) arrived, and records it as SeenRequest{REQUEST_METHOD, REQUEST_URI (else SCRIPT_NAME),
// every param, stdin bytes}. nullopt on EOF, timeout (the connection's io_timeout), a read error
// or a protocol violation; each except a clean close between requests leaves a recorder note.
// `decoder` keeps bytes read past the request, so it must live as long as the connection.
Task<std::optional<FastcgiRequest>> read_fastcgi_request(Connection& c, RecordDecoder& decoder);
// For a connection that serves one request: bytes past it are dropped.
Task<std::optional<FastcgiRequest>> read_fastcgi_request(Connection& c);

// "200 OK", "404 Not Found": the value of a CGI Status header.
std::string cgi_status(int status);

// A CGI header block: `Status: <status>` (if given), the fake's signature header
// (X-Badgateway-Fake: <endpoint name>, as in HTTP fakes), `headers`, then the blank line.
std::string cgi_head(const Connection& c, std::optional<int> status,
                     const HeaderList& headers = {});

// The usual document: cgi_head with Content-Type: text/html, then `body`.
std::string cgi_page(const Connection& c, int status, std::string_view body);

// A complete response: `cgi_output` (headers and body) in STDOUT records, the empty STDOUT that
// ends the stream, and END_REQUEST(app_status, REQUEST_COMPLETE).
std::string fastcgi_response(std::uint16_t id, std::string_view cgi_output,
                             std::uint32_t app_status = 0);

// Handles one request. Returns true when the response is complete and the connection may serve
// another request; false when it was ended (closed, reset, held) or must be closed.
using Responder = std::function<Task<bool>(Connection&, const FastcgiRequest&)>;

// Serves requests on the connection while each asks for FCGI_KEEP_CONN; closes the connection
// after a request without it, when the peer closes, or when `respond` returns false.
Task<void> serve_fastcgi_requests(Connection& c, const Responder& respond);

// Base for behaviours that answer each request: serve() is the keep_conn loop around respond().
class FastcgiResponder : public Behaviour {
 public:
  Task<void> serve(Connection& c) override;

 protected:
  virtual Task<bool> respond(Connection& c, const FastcgiRequest& request) = 0;
};

}  // namespace badgateway::fakes::fastcgi
