#pragma once
// The `[[timeline]]` entries and the `[[expect.window]]` / `[[fix.expect.window]]` checks of a
// scenario in time (docs/scenario-format.md, "Timeline").
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.hpp"
#include "harness/scenario/toml_reader.hpp"

namespace badgateway {

inline constexpr std::size_t kMaxTimelineActions = 1000;

// `node` is the value of the top-level `timeline` key; `fakes` are the broken phase's (every
// fake an action names must exist there: the fix replaces fakes, it does not remove them).
// `own_config`: nginx.config is set, so a reload cannot bring snippets. `source` is the file's
// text (snippet line numbers). Throws ScenarioError.
// `path` names the key in errors: "timeline", or "fix.timeline" for the fix's own.
std::vector<TimelineAction> read_timeline(const toml::node& node, const std::string& file,
                                          const std::map<std::string, FakeSpec>& fakes,
                                          bool own_config, std::string_view source,
                                          const std::string& path = "timeline");

// The `window` key of an [expect] table read by `r` (marked as read: call it before
// read_expectation_set, which rejects keys it does not know). Marks must name `timeline`'s
// actions; a window's `upstream` must name one of `fakes` (not a DNS fake). Throws ScenarioError.
std::vector<WindowSpec> read_windows(Reader& r, const std::vector<TimelineAction>& timeline,
                                     const std::map<std::string, FakeSpec>& fakes);

// "500ms", "app stops", "app stops + 200ms", "nginx reloads - 1s": the text of a window's
// `from` or `until`. Returns the mark, or an error message (empty on success) for the caller to
// place.
std::string parse_time_mark(std::string_view text, const std::vector<TimelineAction>& timeline,
                            TimeMark& out);

// "50/s", "2.5/s", "600/m": requests per second, or nullopt when it is not such a rate.
std::optional<double> parse_rate(std::string_view text);

}  // namespace badgateway
