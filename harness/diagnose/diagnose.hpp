#pragma once
// `badgateway diagnose`: a production error log grouped by nginx's upstream error signatures,
// each group explained and linked to the catalog scenarios that reproduce it.
#include <cstddef>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include "harness/diagnose/rate.hpp"
#include "harness/diagnose/signatures.hpp"
#include "harness/scenario/model.hpp"

namespace badgateway {

struct DiagnosisGroup {
  const Signature* signature = nullptr;  // nullptr: an upstream line of no known signature
  std::string message;                   // the first line's message, as nginx wrote it
  std::string action;                    // what nginx was doing (its first line's)
  std::string sample;                    // the first whole line
  // Up to kMaxSamples lines that differ in more than digits (another upstream, another socket
  // path): what scenarios are matched against.
  std::vector<std::string> samples;
  static constexpr std::size_t kMaxSamples = 20;
  std::size_t count = 0;
  std::string first, last;                       // times as written
  std::map<std::string, std::size_t> upstreams;  // peer (the upstream: field without its URI)
                                                 // -> lines
  std::vector<std::string> scenarios;            // catalog scenarios whose error_log matches
  std::vector<std::string> exact;  // of those, the ones whose own error_log pattern matched a line
                                   // (the others teach the same message in the same phase)
  PerMinute per_minute;            // lines per minute of the log's time
  // The first line's request ("GET /api HTTP/1.1"), host: and server: fields, or "": what a
  // written scenario sends.
  std::string request, host, server;
};

struct Diagnosis {
  std::size_t lines = 0;               // non-empty lines read
  std::size_t explained = 0;           // lines in groups with a known signature
  std::vector<DiagnosisGroup> groups;  // by count, largest first
  // Lines about an upstream of no known signature are groups (signature nullptr); these are
  // the rest, by text with digits folded ("worker process 12 exited" once for every pid), with
  // their counts: listed, never dropped.
  std::vector<std::pair<std::string, std::size_t>> other;
  // The span of the log's times, in minutes since 1970 (both 0 when no line had a time).
  std::int64_t first_minute = 0, last_minute = 0;
};

// Reads `logs` in order, as one log (any nginx version's error log; lines not in nginx's format
// are "other"), line by line: a log of any size is read in bounded memory. Links
// each group to the scenarios of `catalog` that reproduce it: those whose broken-run error_log
// patterns (any version's; a format-2 placeholder matches anything) match one of its lines, and
// those whose `teaches` is the same signature in the same phase.
Diagnosis diagnose(const std::vector<std::istream*>& logs, const std::vector<Scenario>& catalog);

// The report for people: a summary line, then each group with its count, first and last time,
// upstreams, what nginx was doing, the cause, the directives and the scenarios to run.
std::string render_diagnosis(const Diagnosis& d, std::size_t max_other = 20);

}  // namespace badgateway
