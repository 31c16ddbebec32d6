#include "harness/nginx/spec.hpp"

namespace badgateway {
namespace {

void take_snippet(NginxSpec& into, const NginxSpec& fix, const char* snippet,
                  std::optional<std::string> NginxSpec::*field) {
  if (!(fix.*field)) return;
  into.*field = fix.*field;
  into.origins.erase(snippet);
  if (auto it = fix.origins.find(snippet); it != fix.origins.end()) into.origins.insert(*it);
}

}  // namespace

void NginxSpec::overlay(const NginxSpec& fix) {
  take_snippet(*this, fix, "main", &NginxSpec::main);
  take_snippet(*this, fix, "events", &NginxSpec::events);
  take_snippet(*this, fix, "http", &NginxSpec::http);
  take_snippet(*this, fix, "server", &NginxSpec::server);
  take_snippet(*this, fix, "location", &NginxSpec::location);
  if (fix.start) start = fix.start;
  if (fix.user) user = fix.user;
  if (fix.config) {
    config = fix.config;
    port = fix.port;
  } else if (fix.port) {
    port = fix.port;
  }
  if (fix.tls_files) tls_files = fix.tls_files;
}

}  // namespace badgateway
