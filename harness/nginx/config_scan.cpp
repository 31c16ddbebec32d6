#include "harness/nginx/config_scan.hpp"

#include <arpa/inet.h>
#include <glob.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "harness/input/bounded_file.hpp"

namespace badgateway {

namespace fs = std::filesystem;

ConfigScanError::ConfigScanError(const ConfigLocation& where, const std::string& what)
    : std::runtime_error(where.line > 0 ? fmt::format("{}:{}: {}", where.file, where.line, what)
                                        : what),
      where(where) {}

namespace {

// nginx follows includes without a limit and fails only when it runs out of descriptors; we
// stop far earlier so a loop is reported instead of exhausting the process.
constexpr int kMaxIncludeDepth = 32;
// Globs can fan out at every level; bounded in total too. Blocks are parsed recursively: nginx
// itself allows any nesting, but no real config nests blocks more than a handful deep.
constexpr int kMaxFilesRead = 1000;

// Blocks within blocks: real configs go a handful deep (http, server, location, if). The scanner
// recurses per block, so without a bound a config of nested braces overflows its stack (found by
// fuzz_nginx_config_scan); nginx itself rejects such a config as unknown directives.
constexpr std::size_t kMaxBlockDepth = 64;

// Blocks whose entries are data (map keys, MIME types...), not directives: a map entry named
// `listen` or `server` must not count as one.
constexpr std::string_view kDataBlocks[] = {"map", "geo", "types", "split_clients", "charset_map"};

constexpr std::string_view kPassDirectives[] = {"proxy_pass", "grpc_pass", "fastcgi_pass",
                                                "uwsgi_pass", "scgi_pass", "memcached_pass"};

// Only proxy_pass has default ports; grpc and uwsgi need an explicit one (nginx rejects the
// config otherwise), which we report as port 0.
constexpr std::pair<std::string_view, std::uint16_t> kSchemes[] = {
    {"http://", 80}, {"https://", 443}, {"grpc://", 0},
    {"grpcs://", 0}, {"uwsgi://", 0},   {"suwsgi://", 0}};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

// nginx's unescaping of a finished word: \" \' \\ lose the backslash, \t \r \n become control
// characters, any other backslash stays as written.
std::string unescape(std::string_view raw) {
  constexpr std::string_view kEscape = "\"'\\trn", kMeaning = "\"'\\\t\r\n";
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::size_t k =
        raw[i] == '\\' && i + 1 < raw.size() ? kEscape.find(raw[i + 1]) : kEscape.npos;
    out += k == kEscape.npos ? raw[i] : kMeaning[k];
    if (k != kEscape.npos) ++i;
  }
  return out;
}

enum class Tok { statement, block_start, block_done, eof };

Tok ending(char separator) {
  return separator == ';' ? Tok::statement : separator == '{' ? Tok::block_start : Tok::block_done;
}

// ngx_conf_read_token over one file, state for state, so that quotes, escapes, comments and
// `${var}` split words exactly where nginx splits them.
class Lexer {
 public:
  Lexer(std::string text, std::string file) : text_(std::move(text)), file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  int line() const { return line_; }

  // Reads the words of one statement into `args`; `line` is where its first word starts.
  Tok read(std::vector<std::string>& args, int& line) {
    args.clear();
    bool last_space = true, need_space = false, escaped = false, variable = false;
    char quote = 0;
    int quote_line = 0;
    std::size_t start = 0;
    line = line_;
    while (pos_ < text_.size()) {
      const char ch = text_[pos_++];
      if (ch == '\n') ++line_;
      if (std::exchange(escaped, false)) continue;
      if (need_space) {  // a closing quote must be followed by a separator
        if (ch == ';' || ch == '{') return ending(ch);
        if (!is_space(ch) && ch != ')') fail(line_, fmt::format("unexpected \"{}\"", ch));
        need_space = false;
        last_space = true;  // `if ($a = "b")`: the parenthesis starts a word of its own
      }
      if (last_space) {
        if (is_space(ch)) continue;
        if (ch == ';' || ch == '{' || ch == '}') {
          if (args.empty() != (ch == '}')) fail(line_, fmt::format("unexpected \"{}\"", ch));
          return ending(ch);
        }
        if (ch == '#') {  // only at the start of a word
          pos_ = std::min(text_.find('\n', pos_), text_.size());
          continue;
        }
        if (args.empty()) line = line_;
        start = pos_ - 1;
        escaped = ch == '\\';
        variable = ch == '$';
        if (ch == '"' || ch == '\'') {
          quote = ch;
          quote_line = line_;
          ++start;
        }
        last_space = false;
        continue;
      }
      if (ch == '{' && variable) continue;  // `${name}` is a variable, not a block
      variable = ch == '$';
      escaped = ch == '\\';
      if (variable || escaped) continue;
      if (quote ? ch != quote : !is_space(ch) && ch != ';' && ch != '{') continue;  // mid-word
      need_space = quote != 0;
      last_space = !need_space;
      quote = 0;
      args.push_back(unescape(std::string_view(text_).substr(start, pos_ - 1 - start)));
      if (ch == ';' || ch == '{') return ending(ch);
    }
    if (quote) fail(quote_line, "unterminated quoted string");
    if (!args.empty() || !last_space)
      fail(line_, "unexpected end of file, expecting \";\" or \"}\"");
    return Tok::eof;
  }

  // *_by_lua_block bodies are Lua, not nginx syntax: skip to the matching brace, minding Lua
  // strings and line comments so a brace inside them does not count.
  void skip_lua_block(int opened_line) {
    int depth = 1;
    char quote = 0;
    while (pos_ < text_.size()) {
      const char ch = text_[pos_++];
      if (ch == '\n') ++line_;
      if (quote) {
        if (ch == quote) quote = 0;
        if (ch == '\\' && text_.compare(pos_, 1, "\n") != 0) ++pos_;
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (ch == '-' && text_.compare(pos_, 1, "-") == 0) {
        pos_ = std::min(text_.find('\n', pos_), text_.size());
      } else if (ch == '{' || ch == '}') {
        depth += ch == '{' ? 1 : -1;
        if (depth == 0) return;
      }
    }
    fail(opened_line, "Lua block has no closing \"}\" (unexpected end of file)");
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) const {
    throw ConfigScanError({file_, line}, what);
  }

  std::string text_;
  std::string file_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

std::uint16_t parse_port(std::string_view digits, std::string_view arg,
                         const ConfigLocation& where) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc{} || end != digits.data() + digits.size() || port < 1 || port > 65535) {
    throw ConfigScanError(where, fmt::format("invalid port in \"{}\"", arg));
  }
  return static_cast<std::uint16_t>(port);
}

// The port of a listen address; nullopt for a unix socket. An address without a port is 80.
std::optional<std::uint16_t> listen_port(std::string_view arg, const ConfigLocation& where) {
  if (istarts_with(arg, "unix:")) return std::nullopt;
  std::string_view rest = arg;
  if (rest.starts_with('[')) rest.remove_prefix(std::min(rest.find(']'), rest.size()));  // [::]:80
  const std::size_t colon = rest.rfind(':');  // npos + 1 == 0: a bare port is all of `rest`
  if (colon != rest.npos || rest.find_first_not_of("0123456789") == rest.npos) {
    return parse_port(rest.substr(colon + 1), arg, where);
  }
  return 80;
}

// `listen 80`, `listen *:80`, `listen 0.0.0.0:80`, `listen [::]:80`: every address of the port.
bool is_wildcard_listen(std::string_view arg) {
  std::string_view address = arg;
  if (arg.starts_with('[')) {
    address = arg.substr(0, std::min(arg.find(']'), arg.size() - 1) + 1);
  } else if (const std::size_t colon = arg.rfind(':'); colon != arg.npos) {
    address = arg.substr(0, colon);
  } else if (arg.find_first_not_of("0123456789") == arg.npos) {
    return true;  // a bare port
  }
  return address == "*" || address == "0.0.0.0" || address == "[::]";
}

bool is_ip_literal(std::string_view host) {
  in6_addr addr{};
  const std::string text(host);
  return inet_pton(AF_INET, text.c_str(), &addr) == 1 ||
         inet_pton(AF_INET6, text.c_str(), &addr) == 1;
}

// glob(3) would read metacharacters in the host directory as a pattern.
std::string glob_escape(const std::string& literal) {
  std::string out;
  for (char c : literal) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

fs::path normal_dir(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  return p.has_filename() || !p.has_relative_path() ? p : p.parent_path();  // drop a trailing '/'
}

class Scanner {
 public:
  Scanner(fs::path root, const std::string& mounted_at, bool follow_includes)
      : root_(std::move(root)), mount_(normal_dir(mounted_at)), follow_includes_(follow_includes) {}

  void scan_file(const fs::path& file, const ConfigLocation* from) {
    const ConfigLocation here{file.string(), 0};
    if (depth_ >= kMaxIncludeDepth) {
      throw ConfigScanError(*from, fmt::format("includes nested deeper than {} (an include loop?)",
                                               kMaxIncludeDepth));
    }
    if (++files_read_ > kMaxFilesRead) {
      throw ConfigScanError(*from, fmt::format("includes more than {} files", kMaxFilesRead));
    }
    // Only regular files, size-capped: a config pointing at /dev/zero or a FIFO is an error.
    std::string text;
    try {
      text = read_bounded_file(file);
    } catch (const InputFileError& e) {
      throw ConfigScanError(from ? *from : here, fmt::format("cannot read {}", e.what()));
    }
    if (std::find(facts_.files.begin(), facts_.files.end(), here.file) == facts_.files.end()) {
      facts_.files.push_back(here.file);
    }
    Lexer lexer(std::move(text), here.file);
    ++depth_;
    parse_block(lexer, nullptr);
    --depth_;
  }

  ConfigFacts finish() {
    // Upstream blocks may be defined after (or in another file than) the proxy_pass naming them.
    // Only a *_pass names a group (ngx_http_upstream_add: with a port, nginx refuses the config);
    // a `server` inside upstream{} always names a host, even one spelt like a group
    // (`upstream app { server app:8080; }`).
    std::erase_if(facts_.hosts, [&](const UpstreamHostRef& ref) {
      const bool names_group = ref.directive != "server" && upstreams_.contains(lower(ref.host));
      if (names_group) facts_.group_passes.emplace(lower(ref.host), ref.directive);
      return names_group;
    });
    for (std::uint16_t port : ports_) {
      auto& seen = facts_.listen_ports;
      if (std::find(seen.begin(), seen.end(), port) == seen.end()) seen.push_back(port);
    }
    auto& wildcard = facts_.wildcard_listen_ports;
    std::sort(wildcard.begin(), wildcard.end());
    wildcard.erase(std::unique(wildcard.begin(), wildcard.end()), wildcard.end());
    return std::move(facts_);
  }

 private:
  // Statements up to the end of the file (`opened` null) or of the block opened at `opened`.
  void parse_block(Lexer& lexer, const ConfigLocation* opened) {
    std::vector<std::string> args;
    int line = 0;
    for (;;) {
      const Tok tok = lexer.read(args, line);
      const ConfigLocation where{lexer.file(), line};
      if (tok == Tok::eof && opened) {
        throw ConfigScanError(*opened,
                              fmt::format("\"{}\" block has no closing \"}}\"", context_.back()));
      }
      if (tok == Tok::block_done && !opened) {
        throw ConfigScanError({lexer.file(), lexer.line()}, "unexpected \"}\"");
      }
      if (tok == Tok::eof || tok == Tok::block_done) return;
      if (tok == Tok::statement) {
        statement(args, where);
        continue;
      }
      if (args[0].ends_with("_by_lua_block")) {
        lexer.skip_lua_block(line);
        continue;
      }
      const bool http_server = args[0] == "server" && in("http");
      const bool upstream_block = args[0] == "upstream" && args.size() > 1;
      if (upstream_block) {
        upstreams_.insert(lower(args[1]));
        upstream_block_ = args[1];
      }
      if (context_.size() >= kMaxBlockDepth) {
        throw ConfigScanError(where, fmt::format("blocks nested deeper than {}", kMaxBlockDepth));
      }
      if (http_server) server_listens_.push_back(false);
      context_.push_back(args[0]);
      parse_block(lexer, &where);
      context_.pop_back();
      if (upstream_block) upstream_block_.clear();
      if (http_server) {
        // nginx's default for a server without listen, when it runs as root.
        if (!server_listens_.back()) {
          ports_.push_back(80);
          facts_.wildcard_listen_ports.push_back(80);
        }
        server_listens_.pop_back();
      }
    }
  }

  bool in(std::string_view block) const { return !context_.empty() && context_.back() == block; }

  void statement(const std::vector<std::string>& args, const ConfigLocation& where) {
    if (std::ranges::find_first_of(context_, kDataBlocks) != context_.end()) return;
    const std::string& name = args[0];
    if (name == "include") return include(args, where);
    if (args.size() < 2) return;
    const std::string& arg = args[1];
    if (name == "listen") {
      if (!server_listens_.empty()) server_listens_.back() = true;
      if (auto port = listen_port(arg, where)) {
        ports_.push_back(*port);
        if (is_wildcard_listen(arg)) facts_.wildcard_listen_ports.push_back(*port);
      }
    } else if (name == "error_log") {
      if (arg != "stderr" && !arg.starts_with("syslog:") && !arg.starts_with("memory:")) {
        facts_.error_logs.push_back(arg);
      }
    } else if (name == "daemon") {
      facts_.daemon = arg;
    } else if (name == "log_format" && args.size() >= 3) {
      std::string format;
      for (std::size_t i = 2; i < args.size(); ++i) {
        if (i == 2 && args[i].starts_with("escape=")) continue;
        format += args[i];
      }
      facts_.log_formats[arg] = format;
    } else if (name == "access_log" && arg != "off") {
      // access_log PATH [FORMAT [buffer=...]...]: the format is the first argument after the
      // path that is not a parameter.
      const bool named = args.size() >= 3 && args[2].find('=') == std::string::npos;
      facts_.access_log_formats.push_back(named ? args[2] : "combined");
    } else if (name == "server" && in("upstream")) {
      add_ref(name, arg, 80, where);
    } else if (std::ranges::find(kPassDirectives, name) != std::end(kPassDirectives)) {
      add_ref(name, arg, 0, where);
    }
  }

  // Records the host `url` names unless it is an IP, a socket or decided per request; `port` is
  // the directive's default when neither the scheme nor the url gives one.
  void add_ref(const std::string& directive, std::string_view url, std::uint16_t port,
               const ConfigLocation& where) {
    if (url.find('$') != std::string_view::npos) return;  // resolved per request
    std::string_view rest = url;
    const auto scheme =
        std::ranges::find_if(kSchemes, [&](auto& s) { return istarts_with(url, s.first); });
    if (scheme != std::end(kSchemes)) {
      rest.remove_prefix(scheme->first.size());
      port = scheme->second;
    }
    if (istarts_with(rest, "unix:")) {
      std::string_view path = rest.substr(5);
      // proxy_pass http://unix:/run/app.sock:/uri: the path ends at the colon before the URI.
      if (scheme != std::end(kSchemes)) path = path.substr(0, path.find(':'));
      if (!path.empty())
        facts_.sockets.push_back({std::string(path), directive, where, upstream_block_});
      return;
    }
    rest = rest.substr(0, rest.find_first_of("/?"));  // proxy_pass http://auth:9090/check
    std::string_view host = rest;
    if (rest.starts_with('[')) {  // [::1]:8080
      const std::size_t close = rest.find(']');
      if (close == std::string_view::npos) return;  // nginx rejects it
      host = rest.substr(1, close - 1);
      const std::string_view after = rest.substr(close + 1);
      if (after.starts_with(':')) port = parse_port(after.substr(1), url, where);
      if (!is_ip_literal(host)) return;
    } else if (const std::size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = parse_port(rest.substr(colon + 1), url, where);
    }
    if (host.empty()) return;
    (is_ip_literal(host) ? facts_.addresses : facts_.hosts)
        .push_back({std::string(host), port, directive, where, upstream_block_});
  }

  void include(const std::vector<std::string>& args, const ConfigLocation& where) {
    if (args.size() != 2) throw ConfigScanError(where, "include takes exactly one file");
    if (!follow_includes_) return;
    const std::string& arg = args[1];
    // Resolved as nginx sees it inside the mount (relative to the main file's directory)...
    const fs::path inside = (mount_ / arg).lexically_normal();
    const fs::path rel = inside.lexically_relative(mount_);
    if (rel.empty() || *rel.begin() == "..") return;  // the image's file, not the user's
    // ...and read from where the same file lives on this host.
    if (arg.find_first_of("*?[") == std::string::npos) {
      const fs::path file = root_ / rel;
      std::error_code ec;
      if (!fs::exists(file, ec)) {
        throw ConfigScanError(
            where, fmt::format("include {} not found (looked for {})", arg, file.string()));
      }
      return scan_file(file, &where);
    }
    const std::string pattern = glob_escape(root_.string()) + "/" + rel.string();
    glob_t found{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &found);  // sorted, as nginx's own glob
    std::vector<std::string> files(found.gl_pathv, found.gl_pathv + found.gl_pathc);
    globfree(&found);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      throw ConfigScanError(where, fmt::format("include {}: glob({}) failed", arg, pattern));
    }
    for (const std::string& file : files) scan_file(file, &where);
  }

  fs::path root_;
  fs::path mount_;
  bool follow_includes_ = true;
  ConfigFacts facts_;
  std::vector<std::uint16_t> ports_;  // every listen as it appears; deduplicated by finish()
  std::set<std::string> upstreams_;   // lower-case names of upstream{} blocks
  std::string upstream_block_;        // the name of the upstream{} being read, or ""
  std::vector<std::string> context_;  // names of the enclosing blocks, outermost first
  std::vector<bool> server_listens_;  // for each enclosing http server{}: has it a listen?
  int depth_ = 0;
  int files_read_ = 0;
};

}  // namespace

std::vector<std::uint16_t> ConfigFacts::ports_of(std::string_view host) const {
  std::vector<std::uint16_t> ports;
  for (const auto* refs : {&hosts, &addresses}) {
    for (const UpstreamHostRef& ref : *refs) {
      if (ref.port != 0 && lower(ref.host) == lower(host)) ports.push_back(ref.port);
    }
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

ConfigFacts scan_nginx_config(const fs::path& main_file, const fs::path& config_root,
                              const std::string& mounted_at, bool follow_includes) {
  Scanner scanner(config_root, mounted_at, follow_includes);
  scanner.scan_file(main_file, nullptr);
  return scanner.finish();
}

}  // namespace badgateway
