#pragma once
// What became of one exchange, and who answered it: the values `expect.outcome` and
// `expect.generated_by` name and the reports print (docs/scenario-format.md, docs/json-report.md).
// One parse and one to_string each, so that no other unit compares their spellings.
#include <optional>
#include <string_view>

namespace badgateway {

enum class Outcome {
  complete,        // a whole final response
  truncated,       // it began but did not complete (body or headers cut, or a 1xx then nothing)
  empty_reply,     // closed or reset before any byte
  not_http,        // bytes that are not an HTTP response
  connect_failed,  // no connection to nginx
  timeout,         // nothing of the response before the request's timeout or the time limit
};

// Who produced the final response: a fake's signature header says the upstream; no final
// status line at all is `none`.
enum class GeneratedBy { nginx, upstream, none };

std::string_view to_string(Outcome outcome);
std::optional<Outcome> parse_outcome(std::string_view text);
// "complete, truncated, ..." for error messages.
inline constexpr std::string_view kOutcomeNames =
    "complete, truncated, empty_reply, not_http, connect_failed, timeout";

std::string_view to_string(GeneratedBy by);
std::optional<GeneratedBy> parse_generated_by(std::string_view text);
inline constexpr std::string_view kGeneratedByNames = "\"nginx\", \"upstream\" or \"none\"";

}  // namespace badgateway
