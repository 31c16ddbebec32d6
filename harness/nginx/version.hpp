#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace badgateway {

struct NginxVersion {
  int major = 0, minor = 0, patch = 0;
  static std::optional<NginxVersion> parse(std::string_view text);  // "1.22.1"
  // From `nginx -v` output: "nginx version: nginx/1.22.1" or "openresty/1.21.4.1".
  static std::optional<NginxVersion> from_banner(std::string_view banner);
  std::string str() const;
  auto operator<=>(const NginxVersion&) const = default;
};

// ">=1.23", "<1.23", ">=1.23, <1.29.7", "1.22.1" (exact). All clauses must hold. Also read for
// OpenSSL versions (`openssl = "RANGE"`); `subject` names what is versioned in parse()'s errors.
// A default-constructed range has no clause and contains every version.
class VersionRange {
 public:
  static std::optional<VersionRange> parse(std::string_view text, std::string* error = nullptr,
                                           std::string_view subject = "nginx");
  bool contains(const NginxVersion& v) const;
  // No version satisfies every clause; parse() rejects such a range.
  bool impossible() const;
  const std::string& text() const { return text_; }

 private:
  struct Clause {
    std::string op;
    NginxVersion version;
  };
  std::vector<Clause> clauses_;
  std::string text_;
};

}  // namespace badgateway
