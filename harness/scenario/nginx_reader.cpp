#include "harness/scenario/nginx_reader.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "harness/regex/regex.hpp"

#include "harness/input/names.hpp"
#include "harness/input/placeholders.hpp"
#include "harness/input/suggest.hpp"
#include "harness/nginx/launcher.hpp"
#include "harness/tls/run_credentials.hpp"

namespace badgateway {
namespace {

// A multi-line string drops a newline right after its opening delimiter, so its first line is
// the next one in the file.
SnippetOrigin snippet_origin(const toml::node& n, const std::string& field, const std::string& file,
                             std::string_view source) {
  SnippetOrigin origin{field, pos_of(n, file), 0};
  std::size_t at = 0;
  for (int line = 1; line < origin.value.line && at != std::string_view::npos; ++line) {
    at = source.find('\n', at);
    if (at != std::string_view::npos) ++at;
  }
  if (at == std::string_view::npos) return origin;
  const std::string_view rest = source.substr(at);
  const auto column = static_cast<std::size_t>(std::max(origin.value.column - 1, 0));
  const std::size_t quote = rest.find_first_of("\"'", std::min(column, rest.size()));
  if (quote == std::string_view::npos) return origin;
  const std::string_view opening = rest.substr(quote);
  if (opening.starts_with("\"\"\"") || opening.starts_with("'''")) {
    const std::string_view after = opening.substr(3);
    const bool newline = after.starts_with("\n") || after.starts_with("\r\n");
    origin.first_line = origin.value.line + (newline ? 1 : 0);
  }
  return origin;
}

// The main and events snippets may not take what the frame needs (kFrameMainDirectives); events
// is a block of its own, so `events {` inside it is nesting nginx refuses anyway.
void reject_frame_directives(Reader& r, const NginxSpec& spec) {
  if (!spec.main) return;
  for (const char* name : kFrameMainDirectives) {
    Regex re(fmt::format(R"((?m)(^|[;{{}}])\s*{}(\s|\{{|;))", name));
    if (!re.search(*spec.main)) continue;
    r.fail("main",
           std::string_view(name) == "user"
               ? std::string("sets user: set nginx.user instead (the frame writes it)")
           : std::string_view(name) == "events" || std::string_view(name) == "http"
               ? fmt::format("has an {} block: use nginx.{} for what goes inside it (the frame "
                             "writes the block)",
                             name, name)
               : fmt::format("sets {}, which the frame badgateway renders needs as it is (nginx in "
                             "the foreground, its pid and error log in the run directory)",
                             name));
  }
}

// Directories every own-config run replaces with an empty one of its own (docs: "Your own config,
// unchanged"): a file placed there would be hidden, or would hide the run's.
constexpr std::string_view kReplacedDirectories[] = {"/run", "/var/run", "/var/log/nginx",
                                                     "/var/lib/nginx", "/var/cache/nginx"};

// `nginx.tls_files = { "/etc/nginx/ssl/upstream-ca.pem" = "ca", ... }`: where the user's config
// reads certificate files, and which of the run's goes there. Errors at the offending key or value.
std::map<std::string, std::string> read_tls_files(Reader& r, const NginxSpec& spec) {
  const toml::table* t = r.table("tls_files");
  std::map<std::string, std::string> files;
  const std::string field = r.field("tls_files");
  if (!spec.config) {
    r.fail("tls_files",
           "only with nginx.config (a rendered config names the run's files with {{tls.ca}}, ...)");
  }
  std::vector<std::string> names;
  for (const auto& f : tls::kTlsFiles) names.emplace_back(f.placeholder);
  const std::filesystem::path source(*spec.config);
  const bool directory = std::filesystem::is_directory(source);
  for (const auto& entry : *t) {
    // Named references, not a structured binding: clang 14 cannot capture one in a lambda.
    const toml::key& key = entry.first;
    const toml::node& value = entry.second;
    const std::string path(key.str());
    const std::string kfield = fmt::format("{}.\"{}\"", field, path);
    auto fail_key = [&](const std::string& message) { r.fail_at(key.source(), kfield, message); };
    const std::filesystem::path p(path);
    if (path.empty() || p.is_relative()) fail_key("is not an absolute path (as nginx sees it)");
    if (path.size() > 4096) fail_key("is longer than 4096 bytes");
    if (path.find('\0') != std::string::npos || path.find('\n') != std::string::npos) {
      fail_key("has a control character");
    }
    if (p.lexically_normal().string() != path || path.ends_with("/")) {
      fail_key(fmt::format("is not a plain path (write it as nginx opens it: \"{}\")",
                           p.lexically_normal().string()));
    }
    if (path == kOwnConfigMount || path == kOwnConfigFile || path == "/etc/hosts" || path == "/") {
      fail_key("is a path the run itself mounts (the config, its directory or /etc/hosts)");
    }
    for (std::string_view dir : kReplacedDirectories) {
      if (path == dir || path.starts_with(std::string(dir) + "/")) {
        fail_key(
            fmt::format("is under {}, which each run replaces with an empty directory of its "
                        "own; name a path in the config directory or elsewhere",
                        dir));
      }
    }
    // In the config directory, the user's directory is what nginx sees there: a file mounted
    // over needs one to mount over (nginx -t would miss it anyway).
    const std::string mount_prefix = std::string(kOwnConfigMount) + "/";
    if (directory && path.starts_with(mount_prefix)) {
      const std::filesystem::path on_host = source / path.substr(mount_prefix.size());
      std::error_code ec;
      if (!std::filesystem::is_regular_file(on_host, ec)) {
        fail_key(
            fmt::format("{} is not a file: the run's file is mounted over the config's own, "
                        "so the config directory must have one there",
                        on_host.string()));
      }
    }
    const std::string* name = value.as_string() ? &value.as_string()->get() : nullptr;
    if (!name) r.fail_at(value.source(), kfield, "expected the name of one of the run's files");
    if (!tls::find_tls_file(*name)) {
      auto near = closest_name(*name, names);
      r.fail_at(
          value.source(), kfield,
          fmt::format("\"{}\" is not one of the run's files ({}){}", *name, fmt::join(names, ", "),
                      near ? fmt::format(" (did you mean \"{}\"?)", *near) : ""));
    }
    files.emplace(path, *name);
  }
  if (files.empty()) r.fail("tls_files", "is empty: name at least one path");
  return files;
}

}  // namespace

NginxSpec read_nginx(Reader& r, std::string_view source) {
  const std::string& file = r.file();
  NginxSpec spec;
  spec.main = r.string("main");
  spec.events = r.string("events");
  spec.http = r.string("http");
  spec.server = r.string("server");
  spec.location = r.string("location");
  for (const char* key : kSnippetKeys) {
    if (const toml::node* n = r.get(key); n && n->is_string()) {
      spec.origins[key] = snippet_origin(*n, r.field(key), file, source);
    }
  }
  reject_frame_directives(r, spec);
  spec.user = r.string("user");
  if (spec.user) {
    if (auto e = check_user_name(*spec.user, true); !e.empty()) r.fail("user", e);
  }
  if (auto start = r.boolean("start")) spec.start = *start;
  if (auto config = r.string("config")) {
    // Relative to the scenario file, so a scenario and the config it tests travel together.
    std::filesystem::path p = *config;
    if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
    p = std::filesystem::absolute(p).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::exists(p, ec))
      r.fail("config", fmt::format("{} does not exist", p.string()));
    if (std::filesystem::is_directory(p) && !std::filesystem::exists(p / "nginx.conf")) {
      r.fail("config", fmt::format("{} has no nginx.conf", p.string()));
    }
    spec.config = p.string();
    for (const char* key : {"main", "events", "http", "server", "location", "user"}) {
      if (r.has(key)) {
        r.fail(key, "cannot be combined with nginx.config: the config is tested as it is");
      }
    }
  }
  if (auto port = r.integer("port", 1, 65535)) {
    if (!spec.config)
      r.fail("port", "only with nginx.config (the rendered config listens where the harness says)");
    spec.port = static_cast<std::uint16_t>(*port);
  }
  if (r.has("tls_files")) spec.tls_files = read_tls_files(r, spec);
  r.reject_unknown();
  return spec;
}

// Placeholders must name fakes that exist in the phase that uses them. Positions come from the
// raw file text, so quotes, the newline trimmed after """ and escapes do not shift them.
void check_snippets(Reader& r, const std::vector<std::string>& fake_names, std::string_view source,
                    const std::vector<std::string>* vary_names) {
  for (const char* key : kSnippetKeys) {
    const toml::node* n = r.raw().get(key);
    if (!n || !n->is_string()) continue;
    const auto found = find_placeholders(n->as_string()->get());
    for (std::size_t i = 0; i < found.size(); ++i) {
      std::string error = check_placeholder(found[i].name, fake_names, vary_names);
      if (error.empty()) continue;
      auto region = n->source();
      std::size_t start = 0;  // of the value (its opening quote) in `source`
      for (toml::source_index line = 1; line < region.begin.line && start < source.size(); ++line) {
        start = std::min(source.find('\n', start), source.size() - 1) + 1;
      }
      start = std::min(start + region.begin.column - 1, source.size());
      const auto raw = find_placeholders(source.substr(start));
      if (i < raw.size()) {
        auto before = source.substr(start, raw[i].offset);
        auto newlines = std::count(before.begin(), before.end(), '\n');
        auto column =
            newlines ? raw[i].offset - before.rfind('\n') : region.begin.column + raw[i].offset;
        region.begin.line += static_cast<toml::source_index>(newlines);
        region.begin.column = static_cast<toml::source_index>(column);
      }
      r.fail_at(region, r.field(key), error);
    }
  }
}

}  // namespace badgateway
