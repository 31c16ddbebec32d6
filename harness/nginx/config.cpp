#include "harness/nginx/config.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "harness/scenario/placeholders.hpp"

namespace badgateway {
namespace {

std::string indent(const std::string& text, int spaces) {
  std::string pad(static_cast<std::size_t>(spaces), ' ');
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (!line.empty()) out += pad + std::string(line) + "\n";
    start = end + 1;
  }
  return out;
}

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

std::string render_nginx_config(const RenderInput& in) {
  auto expand = [&](const std::optional<std::string>& s) {
    return s ? expand_nginx_snippet(*s, in.lookup) : std::string();
  };
  // Paths come from TMPDIR: quoted, so a space or ';' in it stays part of the path.
  auto path = [&](std::string_view rest) {
    return nginx_quote(in.run_dir.string() + std::string(rest));
  };
  std::string out;
  out += fmt::format("# rendered by badgateway: {}\n", in.title);
  out += "daemon off;\nmaster_process on;\nworker_processes 1;\n";
  // As root, workers would run as nobody and could not use the 0700 run directory.
  if (in.spec->user) {
    out += fmt::format("user {};\n", *in.spec->user);
  } else if (::geteuid() == 0) {
    out += "user root root;\n";
  }
  out += fmt::format("pid {};\nerror_log {} info;\n", path("/nginx.pid"), path("/logs/error.log"));
  out += "events {\n    worker_connections 1024;\n}\n";
  out += "http {\n";
  out += fmt::format("    log_format badgateway '{}';\n", kAccessLogFormat);
  out += fmt::format("    access_log {} badgateway;\n",
                     path(std::string("/") + kOtherServersAccessLog));
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    out += fmt::format("    {}_temp_path {};\n", kind, path(fmt::format("/tmp/{}", kind)));
  }
  out += indent(expand(in.spec->http), 4);
  out += "    server {\n";
  out += fmt::format("        listen {};\n", in.listen.to_string());
  out += "        server_name badgateway;\n";
  out += fmt::format("        access_log {} badgateway;\n", path("/logs/access.log"));
  out += indent(expand(in.spec->server), 8);
  if (in.spec->location) {
    out += "        location / {\n";
    out += indent(expand(in.spec->location), 12);
    out += "        }\n";
  }
  out += "    }\n}\n";
  return out;
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

}  // namespace badgateway
