#pragma once
// `--graphite HOST:PORT`: Graphite's plaintext protocol over one TCP connection, kept open and
// made again when it breaks. Every operation has a deadline; a failure is a one-line warning
// (once per outage), never an error of the run.
#include <cstdio>
#include <string>

#include "fakes/base/address.hpp"
#include "fakes/base/units.hpp"

namespace badgateway {

class GraphiteClient {
 public:
  // `warnings`: where the one-line warnings go (stderr).
  GraphiteClient(fakes::Address at, std::FILE* warnings, Millis limit = Millis(1000));
  ~GraphiteClient();
  GraphiteClient(const GraphiteClient&) = delete;
  GraphiteClient& operator=(const GraphiteClient&) = delete;
  // Sends `lines` (connecting first if needed) within the limit; false when they were not all
  // sent (the connection is dropped and made again next time; those lines are lost).
  bool send(const std::string& lines);
  std::uint64_t lines_sent() const { return lines_sent_; }

 private:
  bool connect();
  void fail(const std::string& what);
  fakes::Address at_;
  std::FILE* warnings_;
  Millis limit_;
  int fd_ = -1;
  bool warned_ = false;  // the current outage was reported
  std::uint64_t lines_sent_ = 0;
};

}  // namespace badgateway
