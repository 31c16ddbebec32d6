#include "harness/observe/observation.hpp"

#include <charconv>
#include <sstream>

namespace badgateway {

int AccessRecord::attempts() const {
  if (upstream_status.empty() || upstream_status == "-") return 0;
  int n = 1;
  for (char c : upstream_status) {
    if (c == ',' || c == ':') ++n;  // ':' separates internal redirects, each with its own attempts
  }
  return n;
}

std::optional<AccessRecord> parse_access_line(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream in(line);
  std::string part;
  while (std::getline(in, part, '|')) f.push_back(part);
  if (f.size() != 6 && f.size() != 9) return std::nullopt;
  AccessRecord r;
  r.request_id = f[0];
  std::from_chars(f[1].data(), f[1].data() + f[1].size(), r.status);
  r.upstream_status = f[2];
  r.upstream_addr = f[3];
  std::from_chars(f[4].data(), f[4].data() + f[4].size(), r.request_time);
  std::from_chars(f[5].data(), f[5].data() + f[5].size(), r.body_bytes);
  if (f.size() == 9) {
    r.upstream_connect_time = f[6];
    r.upstream_header_time = f[7];
    r.upstream_response_time = f[8];
  }
  return r;
}

std::string_view to_string(NginxOutcome outcome) {
  switch (outcome) {
    case NginxOutcome::runs:
      return "runs";
    case NginxOutcome::rejected:
      return "rejected";
    case NginxOutcome::fails_to_start:
      return "fails_to_start";
  }
  return "runs";
}

std::optional<NginxOutcome> parse_nginx_outcome(std::string_view text) {
  for (auto o : {NginxOutcome::runs, NginxOutcome::rejected, NginxOutcome::fails_to_start}) {
    if (to_string(o) == text) return o;
  }
  return std::nullopt;
}

}  // namespace badgateway
