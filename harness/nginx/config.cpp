#include "harness/nginx/config.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "harness/regex/regex.hpp"

#include "harness/input/placeholders.hpp"

namespace badgateway {
namespace {

// Builds the config line by line, remembering which snippet line each rendered line came from.
class Rendered {
 public:
  explicit Rendered(std::vector<RenderedLine>* origins) : origins_(origins) {}

  void frame(std::string_view text) {
    out_ += text;
    if (origins_) {
      for (char c : text) {
        if (c == '\n') origins_->push_back({});
      }
    }
  }
  // Each non-empty line of `text`, indented; empty lines are left out.
  void snippet(const std::string& name, const std::string& text, int spaces) {
    const std::string pad(static_cast<std::size_t>(spaces), ' ');
    std::size_t start = 0;
    for (int number = 1; start <= text.size(); ++number) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + start, end - start);
      if (!line.empty()) {
        out_ += pad + std::string(line) + "\n";
        if (origins_) origins_->push_back({name, number});
      }
      start = end + 1;
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::vector<RenderedLine>* origins_;
};

bool needs_quotes(std::string_view token) {
  return token.find_first_of(" \t\r\n;{}#\"'\\") != std::string_view::npos;
}

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

// Tokenizes as ngx_conf_read_token does, just enough to know where each bare word starts and
// ends: a word whose placeholders expand to something nginx would split (a run directory under a
// TMPDIR with a space or ';') is written as one quoted token instead.
std::string expand_nginx_snippet(std::string_view text, const PlaceholderLookup& lookup) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (space(c) || c == ';' || c == '}' || (c == '{' && text.substr(i, 2) != "{{")) {
      out += c;
      ++i;
      continue;
    }
    std::size_t j = i;
    if (c == '#') {
      j = std::min(text.find('\n', i), text.size());
      out.append(text.substr(i, j - i));
      i = j;
      continue;
    }
    if (c == '"' || c == '\'') {
      for (j = i + 1; j < text.size() && text[j] != c; ++j) {
        if (text[j] == '\\') ++j;
      }
      j = std::min(j + 1, text.size());
      out += expand_placeholders(text.substr(i, j - i), lookup);
      i = j;
      continue;
    }
    while (j < text.size()) {
      if (text.substr(j, 2) == "{{") {
        auto end = text.find("}}", j + 2);
        j = end == std::string_view::npos ? text.size() : end + 2;
        continue;
      }
      const char d = text[j];
      if (space(d) || d == ';' || (d == '{' && (j == 0 || text[j - 1] != '$'))) break;
      ++j;
    }
    const std::string_view word = text.substr(i, j - i);
    std::string expanded = expand_placeholders(word, lookup);
    out += expanded != word && needs_quotes(expanded) ? nginx_quote(expanded) : expanded;
    i = j;
  }
  return out;
}

std::string nginx_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string render_nginx_config(const RenderInput& in, std::vector<RenderedLine>* origins) {
  auto expand = [&](const std::optional<std::string>& s) {
    return s ? expand_nginx_snippet(*s, in.lookup) : std::string();
  };
  // Paths come from TMPDIR: quoted, so a space or ';' in it stays part of the path.
  auto path = [&](std::string_view rest) {
    return nginx_quote(in.run_dir.string() + std::string(rest));
  };
  if (origins) origins->clear();
  Rendered out(origins);
  out.frame(fmt::format("# rendered by badgateway: {}\n", in.title));
  // Whether a snippet sets `name` itself (then the frame's default gives way to it).
  auto sets = [](const std::optional<std::string>& snippet, std::string_view name) {
    return snippet && Regex(fmt::format(R"((?m)(^|[;{{}}])\s*{}\s)", name)).search(*snippet);
  };
  out.frame("daemon off;\nmaster_process on;\n");
  if (!sets(in.spec->main, "worker_processes")) out.frame("worker_processes 1;\n");
  out.snippet("main", expand(in.spec->main), 0);
  // As root, workers would run as nobody and could not use the 0700 run directory.
  if (in.spec->user) {
    out.frame(fmt::format("user {};\n", *in.spec->user));
  } else if (::geteuid() == 0) {
    out.frame("user root root;\n");
  }
  out.frame(
      fmt::format("pid {};\nerror_log {} info;\n", path("/nginx.pid"), path("/logs/error.log")));
  out.frame("events {\n");
  if (!sets(in.spec->events, "worker_connections")) out.frame("    worker_connections 1024;\n");
  out.snippet("events", expand(in.spec->events), 4);
  out.frame("}\n");
  out.frame("http {\n");
  out.frame(fmt::format("    log_format badgateway '{}';\n", kAccessLogFormat));
  out.frame(fmt::format("    access_log {} badgateway;\n",
                        path(std::string("/") + kOtherServersAccessLog)));
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    out.frame(fmt::format("    {}_temp_path {};\n", kind, path(fmt::format("/tmp/{}", kind))));
  }
  out.snippet("http", expand(in.spec->http), 4);
  out.frame("    server {\n");
  out.frame(fmt::format("        listen {};\n", in.listen.to_string()));
  out.frame("        server_name badgateway;\n");
  out.frame(fmt::format("        access_log {} badgateway;\n", path("/logs/access.log")));
  out.snippet("server", expand(in.spec->server), 8);
  if (in.spec->location) {
    out.frame("        location / {\n");
    out.snippet("location", expand(in.spec->location), 12);
    out.frame("        }\n");
  }
  out.frame("    }\n");
  if (in.stub_status) {
    out.frame("    server {\n");
    out.frame(fmt::format("        listen {};\n", in.stub_status->to_string()));
    out.frame("        access_log off;\n");
    out.frame("        location = /stub_status { stub_status; }\n");
    out.frame("    }\n");
  }
  out.frame("}\n");
  return out.take();
}

std::vector<std::string> nginx_arguments(const LaunchPaths& paths, bool test) {
  std::vector<std::string> args;
  if (test) args.insert(args.end(), {"-t", "-q"});
  std::filesystem::path startup_log = test ? paths.run_dir / "logs/nginx-t.log" : paths.error_log;
  if (paths.own) {
    args.insert(args.end(), {"-c", kOwnConfigFile, "-e", startup_log.string(), "-g",
                             paths.own->global_directives(paths.error_log)});
  } else {
    args.insert(args.end(), {"-p", paths.run_dir.string() + "/", "-c", paths.config.string(), "-e",
                             startup_log.string()});
  }
  return args;
}

std::string explain_config_rejection(const std::string& what, const std::filesystem::path& config,
                                     const std::vector<RenderedLine>& origins,
                                     const NginxSpec& spec, const std::string& scenario_file) {
  std::string message = what;
  const std::string marker = config.string() + ":";
  int rendered_line = 0;
  if (auto at = message.find(marker); at != std::string::npos) {
    const char* digits = message.data() + at + marker.size();
    auto [end, ec] = std::from_chars(digits, message.data() + message.size(), rendered_line);
    if (ec != std::errc{}) rendered_line = 0;
    std::size_t from = at >= 4 && message.compare(at - 4, 4, " in ") == 0 ? at - 4 : at;
    message.erase(from, static_cast<std::size_t>(end - message.data()) - from);
  }
  message += rendered_line > 0 ? fmt::format(" (line {} of the rendered config, kept as {})",
                                             rendered_line, config.string())
                               : fmt::format(" (rendered config kept as {})", config.string());
  if (rendered_line <= 0 || static_cast<std::size_t>(rendered_line) > origins.size()) {
    return fmt::format("{}: nginx: {}", scenario_file, message);
  }
  const RenderedLine& from = origins[static_cast<std::size_t>(rendered_line) - 1];
  auto origin = spec.origins.find(from.snippet);
  if (from.snippet.empty() || origin == spec.origins.end()) {
    return fmt::format("{}: nginx: {}", scenario_file, message);
  }
  SourcePos pos = origin->second.value;
  if (origin->second.first_line > 0) {
    // A multi-line string: line N of the snippet is N - 1 lines below its first line.
    const std::optional<std::string>& text = from.snippet == "http"     ? spec.http
                                             : from.snippet == "server" ? spec.server
                                                                        : spec.location;
    std::string_view line;
    if (text) {
      std::size_t start = 0;
      for (int n = 1; n < from.line && start != std::string::npos; ++n) {
        start = text->find('\n', start);
        if (start != std::string::npos) ++start;
      }
      if (start != std::string::npos) line = std::string_view(*text).substr(start);
      line = line.substr(0, line.find('\n'));
    }
    pos.line = origin->second.first_line + from.line - 1;
    pos.column = static_cast<int>(std::min(line.find_first_not_of(" \t"), line.size())) + 1;
  }
  return fmt::format("{}: {}: {}", pos.str(), origin->second.field, message);
}

}  // namespace badgateway
