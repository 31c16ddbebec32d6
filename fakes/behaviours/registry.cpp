#include "fakes/behaviours/registry.hpp"

// Every behaviour, one line each, in `serve --help` order (also the order of the loader's list of
// known names). X(entry) names the BehaviourInfo defined in the behaviour's own file; fastcgi_*
// ones are in fastcgi/. An explicit list rather than self-registration: no static initialisation
// order to reason about, and the table is a constant.
#define BADGATEWAY_BEHAVIOURS(X)         \
  X(ok_behaviour)                        \
  X(refuse_behaviour)                    \
  X(blackhole_behaviour)                 \
  X(close_on_accept_behaviour)           \
  X(close_after_request_behaviour)       \
  X(reset_behaviour)                     \
  X(stall_behaviour)                     \
  X(stall_body_behaviour)                \
  X(dribble_behaviour)                   \
  X(garbage_behaviour)                   \
  X(big_header_behaviour)                \
  X(bad_chunked_behaviour)               \
  X(duplicate_length_behaviour)          \
  X(status_behaviour)                    \
  X(keepalive_race_behaviour)            \
  X(overload_behaviour)                  \
  X(flaky_behaviour)                     \
  X(fastcgi_ok_behaviour)                \
  X(fastcgi_refuse_behaviour)            \
  X(fastcgi_not_running_behaviour)       \
  X(fastcgi_permission_denied_behaviour) \
  X(fastcgi_stall_behaviour)             \
  X(fastcgi_killed_behaviour)            \
  X(fastcgi_stderr_behaviour)            \
  X(fastcgi_bad_version_behaviour)       \
  X(fastcgi_bad_record_type_behaviour)   \
  X(fastcgi_wrong_request_id_behaviour)  \
  X(fastcgi_end_before_stdout_behaviour) \
  X(fastcgi_invalid_status_behaviour)    \
  X(fastcgi_big_header_behaviour)        \
  X(fastcgi_invalid_header_behaviour)    \
  X(fastcgi_overload_behaviour)

namespace badgateway::fakes {

#define BADGATEWAY_DECLARE(entry) extern const BehaviourInfo entry;
BADGATEWAY_BEHAVIOURS(BADGATEWAY_DECLARE)
#undef BADGATEWAY_DECLARE

namespace {

// Pointers, not copies: only the entries' addresses are constants outside their own files.
#define BADGATEWAY_ADDRESS(entry) &entry,
constexpr const BehaviourInfo* kTable[] = {BADGATEWAY_BEHAVIOURS(BADGATEWAY_ADDRESS)};
#undef BADGATEWAY_ADDRESS

}  // namespace

BehaviourTable behaviour_table() {
  return BehaviourTable(std::span<const BehaviourInfo* const>(kTable));
}

const BehaviourInfo* find_behaviour(std::string_view name, Protocol protocol) {
  for (const BehaviourInfo* info : kTable) {
    if (info->name == name && info->protocol == protocol) return info;
  }
  return nullptr;
}

BehaviourPtr make_behaviour(const BehaviourInfo& info, Params& params) {
  BehaviourPtr behaviour = info.make(params);
  params.reject_unused();
  return behaviour;
}

}  // namespace badgateway::fakes
