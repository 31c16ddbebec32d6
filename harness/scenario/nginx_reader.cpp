#include "harness/scenario/nginx_reader.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "harness/regex/regex.hpp"

#include "harness/input/names.hpp"
#include "harness/input/placeholders.hpp"

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
  r.reject_unknown();
  return spec;
}

// Placeholders must name fakes that exist in the phase that uses them. Positions come from the
// raw file text, so quotes, the newline trimmed after """ and escapes do not shift them.
void check_snippets(Reader& r, const std::vector<std::string>& fake_names,
                    std::string_view source) {
  for (const char* key : kSnippetKeys) {
    const toml::node* n = r.raw().get(key);
    if (!n || !n->is_string()) continue;
    const auto found = find_placeholders(n->as_string()->get());
    for (std::size_t i = 0; i < found.size(); ++i) {
      std::string error = check_placeholder(found[i].name, fake_names);
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
