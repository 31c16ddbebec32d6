#include "harness/diagnose/signatures.hpp"

#include <memory>

#include "harness/regex/regex.hpp"

namespace badgateway {

namespace {

// Most specific first: classify() takes the first match.
constexpr Signature kSignatures[] = {
    {"connect-refused", R"(^connect\(\) (?:to \S+ )?failed \(111: Connection refused\))",
     "nothing listens on the upstream's address and port: the backend is down, not started "
     "yet, or proxy_pass/fastcgi_pass points at the wrong port",
     "proxy_pass, fastcgi_pass, upstream server, proxy_next_upstream"},
    {"connect-no-socket", R"(^connect\(\) to unix:\S+ failed \(2: No such file or directory\))",
     "the unix socket does not exist: PHP-FPM (or the backend) is not running, or listens on "
     "another socket path than the one nginx uses",
     "fastcgi_pass unix:..., listen in the php-fpm pool"},
    {"connect-permission", R"(^connect\(\) to unix:\S+ failed \(13: Permission denied\))",
     "the unix socket exists but nginx's workers may not connect to it: its owner or mode "
     "(listen.owner, listen.group, listen.mode in the php-fpm pool) do not let nginx's user in",
     "user, listen.owner, listen.group, listen.mode"},
    {"connect-backlog-full",
     R"(^connect\(\) to unix:\S+ failed \(11: Resource temporarily unavailable\))",
     "the backend's listen backlog on its unix socket is full: it accepts slower than requests "
     "arrive (all PHP-FPM children busy)",
     "pm.max_children, listen.backlog, fastcgi_pass"},
    {"connect-no-route", R"(^connect\(\) (?:to \S+ )?failed \(113: No route to host\))",
     "the upstream host is unreachable: a firewall REJECT, a host that is down on its network, "
     "or a wrong address",
     "proxy_pass, upstream server"},
    {"connect-unreachable", R"(^connect\(\) (?:to \S+ )?failed \(101: Network is unreachable\))",
     "no route to the upstream's network from nginx's host (often an IPv6 address with no IPv6 "
     "route)",
     "proxy_pass, upstream server, resolver ipv6=off"},
    {"connect-no-address",
     R"(^connect\(\) (?:to \S+ )?failed \(99: Cannot assign requested address\))",
     "nginx has no local address or port left for the connection (ephemeral ports used up by "
     "TIME_WAIT, or a proxy_bind address this host does not have)",
     "keepalive (upstream), proxy_bind, net.ipv4.ip_local_port_range"},
    {"upstream-timed-out", R"(^upstream timed out)",
     "the upstream did not connect, accept the request or answer within nginx's timeout for "
     "that phase (see what nginx was doing)",
     "proxy_connect_timeout, proxy_send_timeout, proxy_read_timeout (fastcgi_*, uwsgi_*, "
     "grpc_*)"},
    {"upstream-closed-fastcgi", R"(^upstream prematurely closed FastCGI (?:stdout|request))",
     "the FastCGI backend closed the connection before it finished its answer: a PHP-FPM "
     "worker crashed or was killed (request_terminate_timeout, OOM)",
     "request_terminate_timeout, max_execution_time, fastcgi_read_timeout"},
    {"upstream-closed", R"(^upstream prematurely closed connection)",
     "the upstream closed the connection before a complete answer: it crashed, restarted, hit "
     "its own timeout, or closed an idle keep-alive connection nginx was reusing",
     "proxy_next_upstream, keepalive_timeout (upstream), the backend's own timeouts"},
    {"connection-reset",
     R"(^(?:connect|recv|readv|read|writev|send|sendfile|SSL_read|SSL_write)\(\) (?:to \S+ )?failed (?:\(SSL:[^)]*\) )?\(104: Connection reset by peer\))",
     "the upstream reset the connection (RST): it crashed, was overloaded, or refused to serve "
     "the request",
     "proxy_next_upstream, proxy_request_buffering"},
    {"broken-pipe",
     R"(^(?:writev|send|sendfile|SSL_write)\(\) failed (?:\(SSL:[^)]*\) )?\(32: Broken pipe\))",
     "the upstream closed its side while nginx was still sending the request (it rejected a "
     "large body, or died)",
     "client_max_body_size on the backend, proxy_request_buffering"},
    {"connect-other", R"(^connect\(\) (?:to \S+ )?failed)",
     "the connection to the upstream could not be made", "proxy_pass, fastcgi_pass"},
    {"header-too-big", R"(^upstream sent too big header)",
     "the upstream's response headers (cookies, long Location, many headers) do not fit in "
     "nginx's buffer",
     "proxy_buffer_size, proxy_buffers, fastcgi_buffer_size, fastcgi_buffers"},
    {"invalid-header", R"(^upstream sent invalid header)",
     "the upstream sent a malformed response header line (nginx 1.23+ quotes it)",
     "the backend's response; proxy_ignore_headers does not help"},
    {"not-http", R"(^upstream sent no valid HTTP/1\.0 header)",
     "the upstream does not speak HTTP: a wrong port (another service), or TLS answered to "
     "plain HTTP. nginx relays the bytes as HTTP/0.9 (status 009 in the access log)",
     "proxy_pass (scheme and port)"},
    {"invalid-chunked", R"(^upstream sent invalid chunked response)",
     "the upstream's chunked body framing is broken",
     "the backend; proxy_http_version 1.0 avoids chunked"},
    {"more-data-than-length",
     R"(^upstream sent more data than specified in "Content-Length" header)",
     "the upstream sent a body longer than its Content-Length", "the backend's Content-Length"},
    {"duplicate-header", R"(^upstream sent duplicate header line)",
     "the upstream sent a header twice that may appear once (Content-Length, Transfer-Encoding, "
     "Host...); nginx 1.23+ refuses it",
     "the backend's response"},
    {"length-and-chunked",
     R"(^upstream sent "Content-Length" and "Transfer-Encoding" headers at the same time)",
     "the upstream sent both Content-Length and Transfer-Encoding: a request smuggling risk, "
     "refused",
     "the backend's response"},
    {"unknown-transfer-encoding", R"(^upstream sent unknown "Transfer-Encoding")",
     "the upstream used a Transfer-Encoding nginx does not know", "the backend's response"},
    {"data-after-final-chunk", R"(^upstream sent data after (?:final chunk|trailers))",
     "the upstream sent bytes after the end of its chunked body", "the backend's response"},
    {"invalid-status", R"(^upstream sent invalid status)",
     "the backend sent a Status header nginx cannot read (FastCGI: `Status: abc`)",
     "the application's Status header"},
    {"fastcgi-version", R"(^upstream sent unsupported FastCGI protocol version)",
     "the backend does not speak FastCGI: fastcgi_pass points at an HTTP port or another "
     "service",
     "fastcgi_pass (the php-fpm listen address)"},
    {"fastcgi-record-type", R"(^upstream sent invalid FastCGI record type)",
     "the backend's FastCGI records are broken (not a FastCGI server, or a buggy one)",
     "fastcgi_pass"},
    {"fastcgi-request-id", R"(^upstream sent unexpected FastCGI request id)",
     "the backend answered with another request's id (a FastCGI multiplexing bug)",
     "fastcgi_keep_conn"},
    {"fastcgi-stderr", R"(^FastCGI sent in stderr: )",
     "the application wrote to stderr (PHP errors and warnings go there): the quoted text is "
     "the application's, often \"Primary script unknown\" (a wrong SCRIPT_FILENAME)",
     "fastcgi_param SCRIPT_FILENAME, root, the application's logs"},
    {"no-live-upstreams", R"(^no live upstreams)",
     "no server of the upstream group may take the request: each is marked failed (max_fails "
     "within fail_timeout: nginx does not try it until fail_timeout passes) or is at its "
     "max_conns (open-source nginx has no queue: the request fails at once)",
     "max_fails, fail_timeout, max_conns, backup servers"},
    {"limit-conn", R"(^limiting connections by zone )",
     "limit_conn rejected the request: its key (often the client address) already had as many "
     "requests in progress as allowed; nginx answered 503 (limit_conn_status) itself and the "
     "upstream never saw it",
     "limit_conn, limit_conn_zone, limit_conn_status"},
    {"limit-req", R"(^limiting requests, excess: )",
     "limit_req rejected the request: its key sent faster than the zone's rate plus burst; nginx "
     "answered 503 (limit_req_status) itself and the upstream never saw it",
     "limit_req (burst, nodelay), limit_req_zone, limit_req_status"},
    {"upstream-disabled", R"(^upstream server temporarily disabled)",
     "a server reached max_fails failures within fail_timeout and is skipped for fail_timeout",
     "max_fails, fail_timeout"},
    {"no-resolver", R"(^no resolver defined to resolve)",
     "proxy_pass uses a variable (or a server ... resolve) with a host name, which nginx must "
     "resolve at request time, and no resolver is configured",
     "resolver, proxy_pass with a variable"},
    {"not-resolved", R"(could not be resolved \()",
     "the DNS resolver nginx uses could not resolve the upstream's name (no such name, a "
     "timeout, or a refused query)",
     "resolver, resolver_timeout, the name in proxy_pass"},
    {"ssl-verify", R"(^upstream SSL certificate verify error)",
     "nginx could not verify the upstream's certificate: an unknown CA, an incomplete chain, "
     "an expired or not yet valid certificate",
     "proxy_ssl_verify, proxy_ssl_trusted_certificate, proxy_ssl_verify_depth"},
    {"ssl-name", R"(^upstream SSL certificate does not match)",
     "the upstream's certificate is not for the name nginx expects",
     "proxy_ssl_name, proxy_ssl_server_name"},
    {"ssl-handshake", R"(^SSL_do_handshake\(\) failed)",
     "the TLS handshake with the upstream failed: no shared protocol version or cipher, SNI "
     "required (unrecognized name), a client certificate required, or plain HTTP on the port",
     "proxy_ssl_protocols, proxy_ssl_ciphers, proxy_ssl_server_name, "
     "proxy_ssl_certificate"},
    {"worker-connections", R"(worker_connections are not enough)",
     "nginx ran out of connection slots (each proxied request takes two)",
     "worker_connections, worker_processes"},
    {"too-many-open-files", R"(\(24: Too many open files\))",
     "nginx's worker ran out of file descriptors", "worker_rlimit_nofile, LimitNOFILE"},
};

}  // namespace

std::span<const Signature> signatures() {
  return kSignatures;
}

const Signature* classify(const ErrorLogLine& line) {
  static const auto compiled = [] {
    std::vector<std::unique_ptr<Regex>> out;
    for (const auto& s : signatures()) out.push_back(std::make_unique<Regex>(s.pattern));
    return out;
  }();
  for (std::size_t i = 0; i < compiled.size(); ++i) {
    if (compiled[i]->search(line.message)) return &signatures()[i];
  }
  return nullptr;
}

std::string_view describe_action(std::string_view action) {
  struct Phase {
    std::string_view action;
    std::string_view words;
  };
  static constexpr Phase kPhases[] = {
      {"connecting to upstream", "connecting to the upstream (TCP connect, or picking a server)"},
      {"sending request to upstream", "sending the request to the upstream"},
      {"reading response header from upstream",
       "reading the response header (the request was sent; waiting for or parsing the answer)"},
      {"reading upstream", "reading the response body from the upstream"},
      {"SSL handshaking to upstream", "the TLS handshake with the upstream"},
      {"requesting certificate status", "asking for the upstream certificate's OCSP status"},
      {"resolving", "resolving the upstream's name"},
  };
  for (const auto& p : kPhases) {
    if (action.starts_with(p.action)) return p.words;
  }
  return {};
}

}  // namespace badgateway
