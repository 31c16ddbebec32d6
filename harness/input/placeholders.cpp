#include "harness/input/placeholders.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/input/suggest.hpp"
#include "harness/input/vary.hpp"
#include "harness/tls/run_credentials.hpp"

namespace badgateway {

std::vector<Placeholder> find_placeholders(std::string_view text) {
  std::vector<Placeholder> found;
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    auto end = text.find("}}", pos + 2);
    if (end == std::string_view::npos) {
      found.push_back({"", pos});
      break;
    }
    std::string name(text.substr(pos + 2, end - pos - 2));
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    found.push_back({name, pos});
    pos = end + 2;
  }
  return found;
}

std::string expand_placeholders(std::string_view text, const PlaceholderLookup& lookup) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& p : find_placeholders(text)) {
    auto end = text.find("}}", p.offset + 2);
    auto value = p.name.empty() ? std::nullopt : lookup(p.name);
    if (!value) throw std::invalid_argument(fmt::format("unknown placeholder {{{{{}}}}}", p.name));
    out.append(text.substr(copied, p.offset - copied));
    out += *value;
    copied = end + 2;
  }
  out.append(text.substr(copied));
  return out;
}

std::string check_placeholder(const std::string& name, const std::vector<std::string>& fake_names,
                              const std::vector<std::string>* vary_names) {
  if (name.empty()) return "unterminated placeholder: \"{{\" without \"}}\"";
  if (name.starts_with(kVaryPrefix)) {
    const std::string varied = name.substr(kVaryPrefix.size());
    if (!vary_names) {
      return fmt::format(
          "{{{{{}}}}} is filled only by `badgateway sweep --vary '{}=v1,v2,...'` (in nginx "
          "snippets): `run` and `check` have no value for it",
          name, varied);
    }
    if (std::find(vary_names->begin(), vary_names->end(), varied) != vary_names->end()) return {};
    return fmt::format("unknown placeholder {{{{{}}}}}: no --vary {}=... was given{}", name, varied,
                       vary_names->empty()
                           ? std::string()
                           : fmt::format(" (varied: {})", fmt::join(*vary_names, ", ")));
  }
  if (name == "run_dir" || name == "nginx.conf_dir") return {};
  if (name.starts_with("tls.")) {
    if (tls::find_tls_file(name.substr(4))) return {};
    std::vector<std::string> known;
    for (const auto& f : tls::kTlsFiles) known.push_back(fmt::format("tls.{}", f.placeholder));
    auto near = closest_name(name, known);
    return fmt::format("unknown placeholder {{{{{}}}}}: {}", name,
                       near ? fmt::format("did you mean \"{}\"?", *near)
                            : fmt::format("expected one of {}", fmt::join(known, ", ")));
  }
  if (!name.starts_with("fakes.")) {
    return fmt::format(
        "unknown placeholder {{{{{}}}}}: expected fakes.NAME[.host|.port|.path], tls.FILE, "
        "run_dir or nginx.conf_dir",
        name);
  }
  std::string rest = name.substr(6);
  std::string fake = rest.substr(0, rest.find('.'));
  std::string attr = rest.find('.') == std::string::npos ? "" : rest.substr(rest.find('.') + 1);
  if (std::find(fake_names.begin(), fake_names.end(), fake) == fake_names.end()) {
    auto near = closest_name(fake, fake_names);
    return fmt::format("unknown placeholder {{{{{}}}}}: no fake named \"{}\"{}", name, fake,
                       near ? fmt::format(" (did you mean \"{}\"?)", *near) : "");
  }
  if (rest.find('.') != std::string::npos && attr != "host" && attr != "port" && attr != "path") {
    return fmt::format("unknown placeholder {{{{{}}}}}: \"{}\" is not host, port or path", name,
                       attr);
  }
  return {};
}

PlaceholderLookup placeholder_lookup(const std::map<std::string, fakes::Address>& bound,
                                     const std::string& run_dir, const std::string& conf_dir) {
  return [bound, run_dir, conf_dir](const std::string& name) -> std::optional<std::string> {
    if (name == "run_dir") return run_dir;
    if (name == "nginx.conf_dir") return conf_dir;
    if (name.starts_with("tls.")) {
      const tls::TlsFile* f = tls::find_tls_file(name.substr(4));
      if (!f) return std::nullopt;
      return (std::filesystem::path(run_dir) / tls::kTlsDir / f->file).string();
    }
    if (!name.starts_with("fakes.")) return std::nullopt;
    std::string rest = name.substr(6);
    auto dot = rest.find('.');
    auto it = bound.find(rest.substr(0, dot));
    if (it == bound.end()) return std::nullopt;
    const fakes::Address& a = it->second;
    if (dot == std::string::npos) return a.to_string();
    std::string attr = rest.substr(dot + 1);
    if (attr == "host") return a.host;
    if (attr == "port") return std::to_string(a.port);
    if (attr == "path") return a.path;
    return std::nullopt;
  };
}

}  // namespace badgateway
