#include "harness/scenario/tls_reader.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "harness/input/names.hpp"

namespace badgateway {
namespace {

// One of `allowed`, else an error listing them.
std::string choice(Reader& r, std::string_view key, std::string fallback,
                   std::initializer_list<std::string_view> allowed) {
  auto value = r.string(key);
  if (!value) return fallback;
  for (auto a : allowed) {
    if (*value == a) return *value;
  }
  std::string list;
  for (auto a : allowed) list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", a);
  r.fail(key, fmt::format("expected one of {}", list));
}

bool is_ip_literal(const std::string& name) {
  unsigned char bytes[16];
  return ::inet_pton(AF_INET, name.c_str(), bytes) == 1 ||
         ::inet_pton(AF_INET6, name.c_str(), bytes) == 1;
}

std::vector<std::string> read_names(Reader& r, const FakeSpec& spec) {
  auto names = r.strings("names");
  if (!names) {
    std::vector<std::string> defaults{"localhost", "127.0.0.1", "::1"};
    if (spec.host && !is_ip_literal(spec.host->name))
      defaults.insert(defaults.begin(), spec.host->name);
    return defaults;
  }
  if (names->empty()) r.fail("names", "expected at least one name");
  if (names->size() > 100) r.fail("names", "more than 100 names");
  for (const auto& n : *names) {
    if (is_ip_literal(n)) continue;
    // A wildcard is a DNS name too: "*.example.test".
    std::string plain = n.starts_with("*.") ? n.substr(2) : n;
    HostAndPort hp;
    if (auto e = check_host_and_port(plain, hp); !e.empty() || hp.port != 0) {
      r.fail("names", fmt::format("\"{}\" is neither a host name nor an IP address", n));
    }
  }
  return *names;
}

std::optional<int> read_version(Reader& r, std::string_view key) {
  auto text = r.string(key);
  if (!text) return std::nullopt;
  auto v = fakes::parse_tls_version(*text);
  if (!v)
    r.fail(key, fmt::format("expected {} (nginx's ssl_protocols words)", fakes::kTlsVersionNames));
  return v;
}

}  // namespace

std::optional<TlsSpec> read_tls(Reader& fake, const FakeSpec& spec) {
  const toml::node* node = fake.get("tls");
  if (!node) return std::nullopt;
  const std::string field = fake.field("tls");
  if (!node->is_boolean() && !node->is_table()) {
    fail_at(fake.file(), node->source(), field, "expected true, false or a table of TLS settings");
  }
  if (node->is_boolean() && !node->as_boolean()->get()) return std::nullopt;
  if (spec.protocol != fakes::Protocol::http) {
    fail_at(fake.file(), node->source(), field, "TLS is for HTTP fakes (protocol = \"http\")");
  }
  TlsSpec tls;
  if (node->is_boolean()) {
    toml::table empty;
    Reader defaults(empty, field, fake.file());
    tls.certificate.leaf.names = read_names(defaults, spec);
    return tls;
  }
  Reader r(*node->as_table(), field, fake.file());
  tls.certificate.leaf.names = read_names(r, spec);
  const std::string issuer =
      choice(r, "issuer", "ca", {"ca", "intermediate", "second_intermediate", "self", "other_ca"});
  tls.certificate.issuer = issuer == "intermediate"          ? tls::Issuer::intermediate
                           : issuer == "second_intermediate" ? tls::Issuer::second_intermediate
                           : issuer == "self"                ? tls::Issuer::self
                           : issuer == "other_ca"            ? tls::Issuer::other_ca
                                                             : tls::Issuer::ca;
  tls.certificate.full_chain = choice(r, "chain", "full", {"full", "leaf"}) == "full";
  if (r.has("chain") && tls.certificate.issuer != tls::Issuer::intermediate &&
      tls.certificate.issuer != tls::Issuer::second_intermediate) {
    r.fail("chain",
           "only means something with issuer = \"intermediate\" or \"second_intermediate\"");
  }
  const std::string validity =
      choice(r, "validity", "valid", {"valid", "expired", "not_yet_valid"});
  tls.certificate.leaf.validity = validity == "expired"         ? tls::Validity::expired
                                  : validity == "not_yet_valid" ? tls::Validity::not_yet_valid
                                                                : tls::Validity::valid;
  tls.certificate.leaf.key = choice(r, "key", "ec", {"ec", "rsa"}) == "rsa" ? tls::KeyType::rsa2048
                                                                            : tls::KeyType::ec_p256;
  if (choice(r, "sni", "optional", {"optional", "required"}) == "required") {
    tls.options.required_server_names = tls.certificate.leaf.names;
  }
  auto min = read_version(r, "min_version");
  auto max = read_version(r, "max_version");
  if (min && max && *min > *max) r.fail("max_version", "is lower than min_version");
  tls.options.min_version = min.value_or(0);
  tls.options.max_version = max.value_or(0);
  for (const char* key : {"ciphers", "ciphersuites"}) {
    auto list = r.string(key);
    if (!list) continue;
    const bool tls13 = std::string_view(key) == "ciphersuites";
    if (auto e = fakes::check_cipher_list(*list, tls13); !e.empty()) r.fail(key, e);
    (tls13 ? tls.options.ciphersuites : tls.options.ciphers) = *list;
  }
  tls.client_certificate = r.boolean("client_certificate").value_or(false);
  const std::string handshake =
      choice(r, "handshake", "complete", {"complete", "stall", "close", "reset"});
  tls.options.handshake = handshake == "stall"   ? fakes::TlsHandshake::stall
                          : handshake == "close" ? fakes::TlsHandshake::close
                          : handshake == "reset" ? fakes::TlsHandshake::reset
                                                 : fakes::TlsHandshake::complete;
  tls.options.plain_http = choice(r, "plain_http", "close", {"close", "400"}) == "400"
                               ? fakes::PlainHttp::bad_request
                               : fakes::PlainHttp::close;
  if (auto d = r.duration("handshake_timeout")) {
    if (d->count() <= 0 || *d > Millis(600'000)) {
      r.fail("handshake_timeout", "expected more than 0 and at most 10m");
    }
    tls.options.handshake_timeout = *d;
  }
  r.reject_unknown();
  return tls;
}

}  // namespace badgateway
