#pragma once
// `badgateway diagnose --write DIR`: one runnable scenario per diagnosed group, so that
// `badgateway run DIR` reproduces what the production log shows. Each is built from a catalog
// scenario that reproduces the group (diagnose's own link), never from a second hand-kept table:
// - without a config: that scenario's fakes, nginx snippet and fix, the log's request, and an
//   error_log expectation for the group's own message in nginx's phase;
// - with the user's own config: that config, unchanged, with a fake for every upstream it names;
//   the upstreams the group's lines name get the catalog scenario's faulty behaviour, the others
//   answer normally. Logs name addresses, not host names: an address maps back to a config host
//   through --host NAME=ADDR, an IP literal or unix socket path the config itself uses, or the one
//   host the config uses on that port.
// Every file written is loaded back with the scenario loader; one that does not load is removed
// and its group reported as not written, with the loader's message.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/diagnose/diagnose.hpp"
#include "harness/scenario/model.hpp"

namespace badgateway {

struct ScenarioWriteOptions {
  std::filesystem::path dir;  // created if missing (0700)
  std::optional<std::filesystem::path>
      config;  // own config: a directory with nginx.conf, or a file
  std::vector<std::pair<std::string, std::string>> hosts;  // NAME -> ADDR ("10.0.0.5[:8080]")
  std::string log_label;                                   // how the comments name the log
};

struct WrittenScenario {
  std::size_t group = 0;  // 1-based, as render_diagnosis numbers groups
  std::filesystem::path file;
  std::string based_on;  // the catalog scenario it was built from
};

struct SkippedGroup {
  std::size_t group = 0;
  std::string why;
};

struct WriteResult {
  std::vector<WrittenScenario> written;
  std::vector<SkippedGroup> skipped;
};

// Throws std::runtime_error when the directory or a file cannot be written, ConfigScanError when
// the config cannot be read.
WriteResult write_scenarios(const Diagnosis& d, const std::vector<Scenario>& catalog,
                            const ScenarioWriteOptions& options);

std::string render_write_result(const WriteResult& r);

}  // namespace badgateway
