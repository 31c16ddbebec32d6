// A working PHP-FPM pool whose unix socket nginx's worker may not open: listen.mode/listen.owner
// set wrong. The mode and owner are real (chmod/chown right after bind), so a worker that is not
// root and lacks write permission gets "connect() to unix:... failed (13: Permission denied)"
// ([crit]). A root worker connects and is served normally.
#include "fakes/behaviours/registry.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "fakes/behaviours/common.hpp"
#include "fakes/fastcgi/responder.hpp"

namespace badgateway::fakes {
namespace {

using namespace fastcgi;

struct Owner {
  uid_t uid;
  gid_t gid;
};

mode_t parse_mode(Params& p) {
  std::string text = p.text("mode", "0600");
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() || value > 07777) {
    throw ParamError("mode",
                     fmt::format("expected an octal file mode such as \"0600\", got \"{}\"", text));
  }
  return static_cast<mode_t>(value);
}

// An owner named explicitly must be applied; the default (root) only when we are root, because
// any other user may not give a file away (the mode alone already locks other users out).
std::optional<Owner> parse_owner(Params& p) {
  bool explicit_owner = p.has("owner");
  std::string name = p.text("owner", "root");
  if (!explicit_owner && ::geteuid() != 0) return std::nullopt;
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16 * 1024);
  int rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (rc != 0 || !found) throw ParamError("owner", fmt::format("no user named \"{}\"", name));
  return Owner{found->pw_uid, found->pw_gid};
}

class PermissionDenied final : public FastcgiResponder {
 public:
  explicit PermissionDenied(Params& p)
      : mode_(parse_mode(p)), owner_(parse_owner(p)), body_(make_body(64)) {}

  void after_bind(const Address& bound) override {
    if (bound.kind != Address::Kind::unix_socket) {
      throw std::runtime_error(
          "permission_denied needs a unix socket (a file mode means nothing to TCP)");
    }
    const char* path = bound.path.c_str();
    if (owner_ && ::chown(path, owner_->uid, owner_->gid) != 0) {
      throw std::system_error(errno, std::generic_category(), fmt::format("chown {}", bound.path));
    }
    // After chown: chown clears set-id bits.
    if (::chmod(path, mode_) != 0) {
      throw std::system_error(errno, std::generic_category(), fmt::format("chmod {}", bound.path));
    }
  }

 protected:
  Task<bool> respond(Connection& c, const FastcgiRequest& request) override {
    std::string response = fastcgi_response(request.id, cgi_page(c, 200, body_));
    bool written = co_await c.write(response);
    co_return written;
  }

 private:
  mode_t mode_;
  std::optional<Owner> owner_;
  std::string body_;
};

constexpr ParamInfo kParameters[] = {
    {"mode", R"("0600")"},
    {"owner", "root"},
};

}  // namespace

extern constexpr BehaviourInfo fastcgi_permission_denied_behaviour{
    .name = "permission_denied",
    .protocol = Protocol::fastcgi,
    .summary =
        "unix socket with a real file mode/owner: a non-root worker without write access gets "
        "EACCES",
    .parameters = kParameters,
    .make = [](Params& p) -> BehaviourPtr { return std::make_unique<PermissionDenied>(p); },
};

}  // namespace badgateway::fakes
