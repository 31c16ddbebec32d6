#include "harness/tls/run_credentials.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "harness/error.hpp"

namespace badgateway::tls {
namespace {

constexpr unsigned kPublic = 0644;
constexpr unsigned kSecret = 0600;

std::filesystem::path file_of(const std::filesystem::path& dir, std::string_view placeholder) {
  return dir / find_tls_file(placeholder)->file;
}

}  // namespace

const TlsFile* find_tls_file(std::string_view name) {
  for (const TlsFile& f : kTlsFiles) {
    if (f.placeholder == name) return &f;
  }
  return nullptr;
}

RunCredentials::RunCredentials(std::filesystem::path dir)
    : dir_(std::move(dir)),
      root_(Authority::root("badgateway run CA")),
      intermediate_(root_.intermediate("badgateway intermediate CA", KeyType::ec_p256, 1)),
      second_intermediate_(intermediate_.intermediate("badgateway second intermediate CA")),
      other_(Authority::root("badgateway other CA")) {
  if (::mkdir(dir_.c_str(), 0700) != 0) {
    throw HarnessError(fmt::format("cannot create {}: {}", dir_.string(), std::strerror(errno)));
  }
  const std::string root = root_.credential().certificate_pem();
  write_private_file(file_of(dir_, "ca"), root, kPublic);
  write_private_file(file_of(dir_, "ca_bundle"),
                     root + intermediate_.credential().certificate_pem(), kPublic);
  write_private_file(file_of(dir_, "other_ca"), other_.credential().certificate_pem(), kPublic);
  LeafSpec client;
  client.names = {"badgateway client"};
  client.client = true;
  Credential cert = root_.issue(client);
  write_private_file(file_of(dir_, "client_certificate"), cert.certificate_pem(), kPublic);
  write_private_file(file_of(dir_, "client_certificate_key"), cert.private_key_pem(), kSecret);
}

ServedFiles RunCredentials::issue(const std::string& name, const CertificateSpec& spec) {
  Credential leaf;
  std::string chain;
  switch (spec.issuer) {
    case Issuer::ca:
      leaf = root_.issue(spec.leaf);
      break;
    case Issuer::intermediate:
      leaf = intermediate_.issue(spec.leaf);
      if (spec.full_chain) chain = intermediate_.credential().certificate_pem();
      break;
    case Issuer::second_intermediate:
      leaf = second_intermediate_.issue(spec.leaf);
      if (spec.full_chain) {
        chain = second_intermediate_.credential().certificate_pem() +
                intermediate_.credential().certificate_pem();
      }
      break;
    case Issuer::self:
      leaf = self_signed(spec.leaf);
      break;
    case Issuer::other_ca:
      leaf = other_.issue(spec.leaf);
      break;
  }
  ServedFiles files{dir_ / (name + ".pem"), dir_ / (name + ".key"), file_of(dir_, "ca")};
  write_private_file(files.certificate_chain, leaf.certificate_pem() + chain, kPublic);
  write_private_file(files.private_key, leaf.private_key_pem(), kSecret);
  return files;
}

}  // namespace badgateway::tls
