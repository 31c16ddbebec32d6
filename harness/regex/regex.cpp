#include "harness/regex/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

namespace badgateway {
namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof buf);
  if (n < 0) return fmt::format("PCRE2 error {}", code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using CompileContext = std::unique_ptr<pcre2_compile_context,
                                       Deleter<pcre2_compile_context, pcre2_compile_context_free>>;
using MatchContext =
    std::unique_ptr<pcre2_match_context, Deleter<pcre2_match_context, pcre2_match_context_free>>;
using Code = std::unique_ptr<pcre2_code, Deleter<pcre2_code, pcre2_code_free>>;
using MatchData =
    std::unique_ptr<pcre2_match_data, Deleter<pcre2_match_data, pcre2_match_data_free>>;

}  // namespace

struct Regex::Impl {
  Code code;
  MatchContext match_context;
};

Regex::Regex(std::string_view pattern) : pattern_(pattern), impl_(std::make_unique<Impl>()) {
  if (pattern.size() > kMaxPatternBytes) {
    throw RegexError(fmt::format("longer than {} bytes", kMaxPatternBytes));
  }
  CompileContext cc(pcre2_compile_context_create(nullptr));
  if (!cc) throw std::bad_alloc();
  pcre2_set_parens_nest_limit(cc.get(), kMaxParenNesting);
  int error = 0;
  PCRE2_SIZE offset = 0;
  impl_->code.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), 0,
                                  &error, &offset, cc.get()));
  if (!impl_->code) {
    throw RegexError(fmt::format("{} at offset {}", pcre2_message(error), offset));
  }
  impl_->match_context.reset(pcre2_match_context_create(nullptr));
  if (!impl_->match_context) throw std::bad_alloc();
  pcre2_set_match_limit(impl_->match_context.get(), kMatchLimit);
  pcre2_set_depth_limit(impl_->match_context.get(), kMatchDepthLimit);
  pcre2_set_heap_limit(impl_->match_context.get(), kMatchHeapLimitKiB);
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::optional<std::vector<std::string>> Regex::search_groups(std::string_view subject) const {
  MatchData md(pcre2_match_data_create_from_pattern(impl_->code.get(), nullptr));
  if (!md) throw std::bad_alloc();
  int rc = pcre2_match(impl_->code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                       subject.size(), 0, 0, md.get(), impl_->match_context.get());
  if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
  if (rc < 0) {
    throw RegexError(fmt::format("matching /{}/ failed: {}", pattern_, pcre2_message(rc)));
  }
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md.get());
  std::uint32_t groups = pcre2_get_ovector_count(md.get());
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < groups; ++i) {
    if (ov[2 * i] == PCRE2_UNSET || static_cast<int>(i) >= rc) {
      out.emplace_back();
    } else {
      out.emplace_back(subject.substr(ov[2 * i], ov[2 * i + 1] - ov[2 * i]));
    }
  }
  return out;
}

bool Regex::search(std::string_view subject) const {
  MatchData md(pcre2_match_data_create(1, nullptr));
  if (!md) throw std::bad_alloc();
  int rc = pcre2_match(impl_->code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                       subject.size(), 0, 0, md.get(), impl_->match_context.get());
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  // rc == 0: the one-pair match data was too small for the groups; it still matched.
  if (rc < 0) {
    throw RegexError(fmt::format("matching /{}/ failed: {}", pattern_, pcre2_message(rc)));
  }
  return true;
}

std::string regex_quote(std::string_view text) {
  // Inside \Q...\E everything is literal except \E itself, which ends the quote: close the quote
  // before it, write it as an escaped backslash and E, and open a new one.
  std::string out = "\\Q";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'E') {
      out += "\\E\\\\E\\Q";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out + "\\E";
}

}  // namespace badgateway
