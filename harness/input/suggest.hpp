#pragma once
// "Did you mean": the known name closest to one a user misspelt.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace badgateway {

// The name in `known` nearest to `word` by edit distance (insertions, deletions, substitutions
// and swaps of neighbours, each 1), if it is near enough to be a typo: at most 1 edit for words
// of up to 4 characters, 2 up to 8, 3 beyond; a tie between two names suggests neither.
std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string>& known);

}  // namespace badgateway
