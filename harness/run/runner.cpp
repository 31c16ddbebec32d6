#include "harness/run/runner.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "harness/net/free_port.hpp"
#include "harness/nginx/config.hpp"
#include "harness/nginx/own_config.hpp"
#include "harness/process/interrupt.hpp"
#include "harness/process/run_dir.hpp"
#include "harness/run/about.hpp"
#include "harness/run/timeline_player.hpp"
#include "harness/run/upstream.hpp"
#include "harness/verdict/windows.hpp"

namespace badgateway {
namespace {

using Clock = std::chrono::steady_clock;

// One phase as its stages build it, in that order. Members go in reverse: nginx stops before
// the upstreams, which stop before the run directory is removed.
struct PhaseRun {
  PhaseRun(const Scenario& s, const PhasePlan& plan, Launcher& launcher, const RunOptions& options,
           PhaseResult& result)
      : s(s),
        plan(plan),
        launcher(launcher),
        options(options),
        result(result),
        // The name's start only, so the phase survives RunDir's cut (a unix socket's path inside
        // must stay within sun_path); --keep's list names each directory's scenario in full.
        dir(fmt::format("{}-{}", s.name.substr(0, 32), plan.phase), options.keep),
        paths{dir.path(), dir / "nginx.conf", dir / "logs/error.log"},
        expect(plan.expect.for_version(launcher.version(), launcher.tls_library().openssl)) {}
  const NetNamespace* netns() const { return sandbox ? &sandbox->netns() : nullptr; }
  // The values of `{{...}}` in this run's snippets and (format 2) expectations; the upstreams'
  // addresses are known once add_upstreams() bound them.
  PlaceholderLookup placeholders() const {
    return placeholder_lookup(upstreams.addresses(), dir.path().string(), launcher.conf_dir());
  }

  const Scenario& s;
  const PhasePlan& plan;
  Launcher& launcher;
  const RunOptions& options;
  PhaseResult& result;
  RunDir dir;
  std::optional<tls::RunCredentials> credentials;  // RUN_DIR/tls, when the phase uses TLS
  Upstreams upstreams;
  LaunchPaths paths;
  std::map<std::string, std::string> hosts;  // an own config's host names -> 127.0.0.N
  std::optional<OwnConfig> own;
  std::unique_ptr<Sandbox> sandbox;     // the run's network namespace (own config, [network])
  std::unique_ptr<RunNetwork> network;  // upstream hosts, firewall, routes, sysctls
  std::optional<ResolverFiles> resolver_files;     // /etc/hosts, resolv.conf, ... nginx sees
  std::map<std::string, std::string> nameservers;  // resolv_conf DNS fakes -> address
  fakes::Address listen;                           // nginx's
  std::optional<fakes::Address> stub_status;       // nginx's stub_status server (metrics on)
  std::unique_ptr<NginxInstance> nginx;
  // A timeline stopped nginx (and did not start it again): not running at the end is no crash.
  bool nginx_stopped = false;
  bool config_tested = false;  // `nginx -t` ran (config_accepted())
  // The upstreams' counts when nginx failed to start, before the `nginx -t` that tells why.
  std::optional<std::map<std::string, UpstreamCounts>> counts_at_start_failure;
  std::vector<RenderedLine> rendered_lines;  // the rendered config's lines and where they came from
  std::vector<std::unique_ptr<NginxInstance>> stopped_nginx;  // before a timeline's restart
  Expectation expect;                                         // for this launcher's nginx version
  bool expects(NginxOutcome o) const { return expect.nginx.value_or(NginxOutcome::runs) == o; }
  // nginx did not run, as the scenario expects: what it printed is the phase's observation.
  void record_not_running(NginxOutcome o, std::vector<std::string> output) {
    result.observed.nginx = o;
    result.observed.error_log = std::move(output);
    result.ran = true;
  }
};

// The run directory, and for an own config its prepared copy and the launcher's sandbox.
void prepare_run_dir_and_sandbox(PhaseRun& run) {
  if (run.options.keep) run.result.run_dir = run.dir.path().string();
  if (run.plan.nginx.user) {
    // Workers that are not root must reach sockets in the run directory: traverse, not list.
    std::filesystem::permissions(run.dir.path(), std::filesystem::perms(0711));
  }
  run.hosts = assign_host_addresses(run.plan.fakes);
  if (run.plan.nginx.config) {
    ConfigFacts facts = scan_own_config(*run.plan.nginx.config);
    run.own = prepare_own_config(*run.plan.nginx.config, run.hosts, run.dir.path(),
                                 facts.daemon.has_value());
    run.paths.own_error_logs = observable_error_logs(*run.own, facts.error_logs);
    run.paths.config = kOwnConfigFile;
    run.paths.own = &*run.own;
  }
  const bool isolated = run.own || run.plan.needs_network() ||
                        (run.launcher.isolates_every_run() && !NetNamespace::unavailable());
  if (!isolated) return;
  run.sandbox = run.launcher.open_sandbox(run.paths);
  run.paths.sandbox = run.sandbox.get();
  run.nameservers = assign_nameservers(run.plan.fakes);
  std::vector<std::string> nameservers;
  for (const auto& entry : run.nameservers) nameservers.push_back(entry.second);
  // An own config keeps its host names' file (localhost on 127.0.0.1 alone, a fake standing for
  // it); a rendered one gets a fresh Debian machine's.
  run.resolver_files = write_resolver_files(
      run.dir.path(), run.own ? own_hosts_text(run.own->hosts) : kStandardHosts, nameservers);
  run.paths.resolver_files = &*run.resolver_files;
  if (!run.plan.needs_network()) return;
  std::vector<std::string> host_addresses;
  for (const auto& [name, spec] : run.plan.fakes) {
    if (spec.listen_on && !spec.listen_on->is_loopback())
      host_addresses.push_back(spec.listen_on->host);
  }
  run.network = std::make_unique<RunNetwork>(run.sandbox->netns(), run.plan.network, host_addresses,
                                             run.dir.path());
}

// Binds every fake (its address is known from now on) and writes every PHP-FPM pool's files.
void add_upstreams(PhaseRun& run) {
  InNetNamespace there(run.netns());  // the upstreams' sockets belong to the run's namespace
  if (needs_credentials(run.plan)) run.credentials.emplace(run.dir.path() / tls::kTlsDir);
  const UpstreamPlacement at{run.dir.path(), run.own ? &*run.own : nullptr, run.hosts,
                             run.credentials ? &*run.credentials : nullptr, run.nameservers};
  for (const auto& [name, spec] : run.plan.fakes) {
    // A fake on an upstream host binds in that host's namespace.
    InNetNamespace on_host(
        run.network && spec.listen_on ? run.network->namespace_of(spec.listen_on->host) : nullptr);
    run.upstreams.add(name, spec, at);
  }
  if (run.network) run.network->apply_firewall(run.upstreams.addresses());
  if (run.own && run.plan.nginx.tls_files) {
    for (const auto& [target, name] : *run.plan.nginx.tls_files) {
      run.own->tls_files.emplace_back(run.credentials->dir() / tls::find_tls_file(name)->file,
                                      target);
    }
  }
}

// Whether a stub_status server can join the rendered config without changing what the scenario
// tests: its listening socket takes one of a worker's worker_connections (and a descriptor), so
// a scenario that sets either limit (worker-connections-too-low counts them) gets none.
bool stub_status_fits(const NginxSpec& spec) {
  auto mentions = [](const std::optional<std::string>& snippet, std::string_view word) {
    return snippet && snippet->find(word) != std::string::npos;
  };
  return !mentions(spec.events, "worker_connections") &&
         !mentions(spec.main, "worker_rlimit_nofile") && !mentions(spec.http, "stub_status");
}

// `nginx -t`: false when nginx rejected the config as the scenario expects, ConfigRejected (with
// the rendered line explained) when it did not expect that.
bool config_accepted(PhaseRun& run) {
  run.config_tested = true;
  try {
    run.launcher.test_config(run.paths);
  } catch (const ConfigRejected& e) {
    if (run.expects(NginxOutcome::rejected)) {
      run.record_not_running(NginxOutcome::rejected, e.output);
      return false;
    }
    if (run.own) throw;  // nginx's message names the user's own files, which stay where they are
    // An interrupt kills `nginx -t` too, which looks like a rejection; the interrupt's cleanup
    // must still remove this directory, so it is not kept.
    if (!interrupted()) {
      run.dir.keep();
      run.result.run_dir = run.dir.path().string();
    }
    throw ConfigRejected(explain_config_rejection(e.what(), run.paths.config, run.rendered_lines,
                                                  run.plan.nginx, run.s.origin.file));
  }
  return true;
}

// nginx's listen address and the rendered nginx.conf (unless the config is the user's own); for
// an own config or one not started, `nginx -t`. False when nginx rejected the config as the
// scenario expects.
bool prepare_nginx(PhaseRun& run) {
  const PhasePlan& plan = run.plan;
  run.listen = fakes::Address::tcp("127.0.0.1", run.own ? *plan.nginx.port : pick_free_port());
  if (!run.own) {
    if (run.options.stub_status && stub_status_fits(plan.nginx))
      run.stub_status = fakes::Address::tcp("127.0.0.1", pick_free_port());
    RenderInput in{&plan.nginx,
                   run.dir.path(),
                   run.listen,
                   run.placeholders(),
                   fmt::format("{} ({})", run.s.name, plan.phase),
                   run.stub_status};
    std::ofstream conf(run.paths.config);
    conf << render_nginx_config(in, &run.rendered_lines);
  }
  // A rendered config that nginx is about to start is not tested first: starting parses it the
  // same way, and `nginx -t` cost a phase 9-12 ms (a whole container with Docker). Only a failed
  // start runs it, to tell a rejected config from one that failed to start. An own config is
  // tested first: its rejection names the user's files before anything else runs.
  if (!run.own && plan.nginx.start.value_or(true)) return true;
  return config_accepted(run);
}

// False when nginx failed to start as the scenario expects.
bool start_upstreams_and_nginx(PhaseRun& run) {
  run.upstreams.start(run.options.start_limit, run.netns());
  if (run.plan.nginx.start.value_or(true)) {
    try {
      run.nginx = run.launcher.start(run.paths, run.listen, run.options.start_limit);
    } catch (const StartFailed& e) {
      // Not the config: nginx's port was taken (the phase runs again on another, or that is
      // the scenario's fault).
      bool port_taken = dynamic_cast<const PortInUse*>(&e) != nullptr;
      if (!port_taken && !run.config_tested) {
        // The harness's `nginx -t` is not part of what the scenario observes: what the upstreams
        // saw is what the failed start did (a name it resolved, once).
        run.counts_at_start_failure = run.upstreams.counts();
        if (!config_accepted(run)) return false;
      }
      if (!run.expects(NginxOutcome::fails_to_start)) throw;
      run.record_not_running(NginxOutcome::fails_to_start, e.output);
      return false;
    }
  }
  run.result.ran = true;
  return true;
}

// A timeline's thread starts this long before the start of traffic, so that an action at 0 ms
// finds it waiting.
constexpr Millis kTimelineLead{20};

// When the last stream is planned to end, from the start of traffic.
Millis planned_traffic(const std::vector<TrafficSpec>& streams) {
  Millis end{0};
  for (const auto& t : streams) end = std::max(end, t.start + t.duration);
  return end;
}

// The scenario in time: [[requests]], [[traffic]] and the [[timeline]] together, from one start.
void exercise_in_time(PhaseRun& run, Clock::time_point deadline) {
  Observation& seen = run.result.observed;
  const std::string prefix = fmt::format("{}-{}", run.s.name, run.plan.phase);
  const auto start = Clock::now() + kTimelineLead;
  seen.traffic_start = start;
  TimelineActors actors;
  actors.fakes = &run.upstreams.fake_server();
  actors.php_fpm = [&run](const std::string& name) { return run.upstreams.php_fpm(name); };
  actors.dns = [&run](const std::string& name) { return run.upstreams.dns_server(name); };
  // The nginx actions run one after another on one thread: nothing else touches run.nginx until
  // the player finished.
  actors.nginx = [&run]() -> NginxInstance* {
    return run.nginx_stopped ? nullptr : run.nginx.get();
  };
  actors.render = [&run](const NginxSpec& snippets) {
    NginxSpec spec = run.plan.nginx;
    spec.overlay(snippets);
    RenderInput in{&spec,
                   run.dir.path(),
                   run.listen,
                   run.placeholders(),
                   fmt::format("{} ({})", run.s.name, run.plan.phase),
                   run.stub_status};
    std::ofstream conf(run.paths.config);
    conf << render_nginx_config(in, nullptr);
  };
  actors.stop_nginx = [&run] {
    run.nginx->stop();
    run.nginx_stopped = true;
  };
  actors.start_nginx = [&run](Millis limit) {
    // The same files: the new nginx appends to the logs the stopped one wrote.
    std::unique_ptr<NginxInstance> started = run.launcher.start(run.paths, run.listen, limit);
    run.stopped_nginx.push_back(std::move(run.nginx));
    run.nginx = std::move(started);
    run.nginx_stopped = false;
  };
  if (run.network) {
    actors.firewall = [&run](const std::vector<FirewallRule>& rules) {
      run.network->replace_timeline_firewall(rules, run.upstreams.addresses());
    };
  }
  TimelinePlayer player(run.plan.timeline, std::move(actors), start);
  bool requests_overran = false;
  std::jthread requests;  // joins on the way out, however that is
  if (!run.s.requests.empty()) {
    requests = std::jthread([&] {
      InNetNamespace there(run.netns());
      // The schedule (requests start with the traffic), not a wait for some event.
      std::this_thread::sleep_until(start);
      seen.responses =
          send_requests(run.listen, run.s.requests, prefix, deadline, &requests_overran);
    });
  }
  if (!run.s.traffic.empty()) {
    InNetNamespace there(run.netns());
    TrafficProgress counts;
    LiveSources sources{run.s.name,
                        run.plan.phase,
                        run.launcher.label(),
                        [&run] { return run.upstreams.live_counts(); },
                        run.stub_status,
                        run.netns(),
                        run.own ? std::filesystem::path() : run.dir / "logs/access.log"};
    LiveEntry live(run.options.live, fmt::format("{} {}", run.s.name, run.plan.phase), start,
                   planned_traffic(run.s.traffic), counts, std::move(sources));
    seen.traffic = run_traffic(run.listen, run.s.traffic, prefix, start, deadline,
                               &run.result.timed_out, &counts);
  }
  if (requests.joinable()) requests.join();
  if (requests_overran) run.result.timed_out = true;
  seen.timeline = player.finish(deadline);
}

void exercise(PhaseRun& run, Clock::time_point deadline) {
  if (!run.plan.timeline.empty() || !run.s.traffic.empty()) {
    exercise_in_time(run, deadline);
    return;
  }
  InNetNamespace there(run.netns());
  run.result.observed.responses =
      send_requests(run.listen, run.s.requests, fmt::format("{}-{}", run.s.name, run.plan.phase),
                    deadline, &run.result.timed_out);
}

// Stops nginx, then the upstreams, and reads what they recorded.
void observe(PhaseRun& run) {
  Observation& seen = run.result.observed;
  if (run.nginx) {
    if (!run.nginx_stopped) seen.nginx_exit = run.nginx->exited();
    run.nginx->stop();  // flushes the logs; read them only after
    NginxLogs logs = run.nginx->logs();
    seen.error_log = std::move(logs.error_log);
    for (const auto& line : logs.access_log) {
      if (auto rec = parse_access_line(line)) seen.access[rec->request_id] = *rec;
    }
  }
  run.upstreams.stop();
  seen.fakes = run.counts_at_start_failure ? *run.counts_at_start_failure : run.upstreams.counts();
  for (const auto& [name, address] : run.upstreams.addresses()) {
    std::vector<std::string>& all = seen.upstream_addresses[name];
    all.push_back(address.to_string());
    for (const TimelineAction& a : run.plan.timeline) {
      if (a.kind != TimelineActionKind::move || a.fake != name) continue;
      fakes::Address moved = a.move_to;
      if (moved.port == 0) moved.port = address.port;
      all.push_back(moved.to_string());
    }
  }
}

// Records how long each stage of a phase took (PhaseResult::stages).
class StageClock {
 public:
  explicit StageClock(PhaseResult& result) : result_(result) {}
  void ended(std::string stage) {
    const auto now = Clock::now();
    result_.stages.emplace_back(std::move(stage), std::chrono::duration_cast<Micros>(now - last_));
    last_ = now;
  }

 private:
  PhaseResult& result_;
  Clock::time_point last_ = Clock::now();
};

void run_phase_once(const Scenario& s, const PhasePlan& plan, Launcher& launcher,
                    const RunOptions& options, Clock::time_point deadline, PhaseResult& result) {
  StageClock stage(result);
  {
    PhaseRun run(s, plan, launcher, options, result);
    stage.ended("run_dir");
    prepare_run_dir_and_sandbox(run);
    stage.ended("sandbox");
    add_upstreams(run);
    stage.ended("upstreams");
    if (prepare_nginx(run)) {
      stage.ended("nginx_t");
      if (start_upstreams_and_nginx(run)) {
        stage.ended("start");
        exercise(run, deadline);
        stage.ended("exercise");
      }
    }
    observe(run);
    stage.ended("stop");
    result.checks = judge(run.expect.with_placeholders(run.placeholders()), result.observed);
    if ((!run.plan.timeline.empty() || !run.s.traffic.empty()) &&
        result.observed.nginx == NginxOutcome::runs && run.expects(NginxOutcome::runs)) {
      std::vector<Check> in_time = judge_in_time(plan.expect.windows, result.observed);
      result.checks.insert(result.checks.end(), in_time.begin(), in_time.end());
    }
    stage.ended("verdict");
  }  // the run's members go: its network namespaces, its run directory
  stage.ended("cleanup");
}

PhaseResult run_phase(const Scenario& s, const PhasePlan& plan, Launcher& launcher,
                      const RunOptions& options, Clock::time_point deadline) {
  PhaseResult result;
  result.phase = plan.phase;
  auto start = Clock::now();
  if (start >= deadline) {
    result.timed_out = true;  // the broken run used up the scenario's time
    return result;
  }
  for (int attempt = 1;; ++attempt) {
    try {
      result = PhaseResult{};
      result.phase = plan.phase;
      run_phase_once(s, plan, launcher, options, deadline, result);
      break;
    } catch (const PortInUse& e) {
      if (attempt < 3) continue;  // nginx lost its port to another process: pick another
      result.harness_error = e.what();
      break;
    } catch (const std::exception& e) {
      result.harness_error = e.what();
      break;
    }
  }
  result.duration = std::chrono::duration_cast<Millis>(Clock::now() - start);
  return result;
}

}  // namespace

ScenarioResult run_scenario(const Scenario& s, Launcher& launcher, const RunOptions& options) {
  ScenarioResult r;
  r.name = s.name;
  r.cause = s.cause;
  r.file = s.origin.file;
  r.target = launcher.label();
  r.nginx_version = launcher.version().str();
  r.tls_library = launcher.tls_library();
  r.has_fix = s.fixed.has_value();
  r.about = describe_scenario(s);
  if (s.broken.needs_network() || (s.fixed && s.fixed->needs_network())) {
    // Never on this machine's own network instead: its addresses would be real ones.
    if (auto why = NetNamespace::unavailable()) {
      r.skipped = fmt::format("needs a network of its own: {}", *why);
      return r;
    }
  }
  auto start = Clock::now();
  const auto deadline = start + options.time_limit;
  r.broken = run_phase(s, s.broken, launcher, options, deadline);
  if (s.fixed && !interrupted() && !r.broken.timed_out) {
    r.fixed = run_phase(s, *s.fixed, launcher, options, deadline);
  }
  r.duration = std::chrono::duration_cast<Millis>(Clock::now() - start);
  return r;
}

std::vector<std::string> unique_columns(const std::vector<std::string>& labels,
                                        const std::vector<std::string>& specs) {
  auto repeated = [](const std::vector<std::string>& v, const std::string& x) {
    return std::count(v.begin(), v.end(), x) > 1;
  };
  std::vector<std::string> columns;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    columns.push_back(repeated(labels, labels[i]) ? fmt::format("{} [{}]", labels[i], specs.at(i))
                                                  : labels[i]);
  }
  std::vector<std::string> out = columns;
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (repeated(columns, columns[i]))
      out[i] = fmt::format("{} #{}", columns[i], ++seen[columns[i]]);
  }
  return out;
}

namespace {

std::string column_title(const RunOptions& options, const std::vector<Launcher*>& launchers,
                         std::size_t j) {
  return j < options.columns.size() ? options.columns[j] : launchers[j]->label();
}

// Every planned run starts as interrupted (or skipped) and is replaced when it finishes.
std::vector<ScenarioResult> planned_results(const std::vector<PlannedRun>& plan,
                                            const std::vector<Launcher*>& launchers,
                                            const RunOptions& options) {
  std::vector<ScenarioResult> results(plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const Scenario& s = *plan[i].scenario;
    const Launcher& l = *launchers[plan[i].column];
    ScenarioResult& r = results[i];
    r.name = s.name;
    r.cause = s.cause;
    r.file = s.origin.file;
    r.target = column_title(options, launchers, plan[i].column);
    r.nginx_version = l.version().str();
    r.tls_library = l.tls_library();
    r.repetition = plan[i].repetition;
    r.interrupted = !plan[i].skip;
    r.skipped = plan[i].skip;
    r.has_fix = s.fixed.has_value();
    r.about = describe_scenario(s);
    r.broken.phase = "broken";
  }
  return results;
}

// What --fail-fast did not start is known not to have run: skipped, not interrupted.
void skip_unstarted(std::vector<ScenarioResult>& results, const std::vector<char>& reported,
                    const std::string& first_failure, const RunOptions& options) {
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].interrupted) {
      results[i].interrupted = false;
      results[i].skipped = fmt::format("not run: --fail-fast after {} failed", first_failure);
    }
    if (!reported[i] && options.on_finished) options.on_finished(results[i]);
  }
  if (options.on_progress) options.on_progress(results);
}

}  // namespace

std::vector<ScenarioResult> run_plan(const std::vector<PlannedRun>& plan,
                                     const std::vector<Launcher*>& launchers,
                                     const RunOptions& options) {
  std::vector<ScenarioResult> results = planned_results(plan, launchers, options);
  std::mutex results_mutex;  // results, reported, first_failure, and the callbacks' calls
  std::vector<char> reported(plan.size(), 0);
  std::optional<std::string> first_failure;  // set once, with --fail-fast
  std::atomic<bool> stop_starting{false};
  if (options.on_progress) options.on_progress(results);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next++) < plan.size() && !interrupted();) {
      if (plan[i].skip) {
        std::lock_guard lock(results_mutex);
        reported[i] = 1;
        if (options.on_finished) options.on_finished(results[i]);
        continue;
      }
      if (stop_starting) break;
      ScenarioResult r = run_scenario(*plan[i].scenario, *launchers[plan[i].column], options);
      r.target = column_title(options, launchers, plan[i].column);
      r.repetition = plan[i].repetition;
      // A run cut short by the interrupt (its nginx killed under it) has no verdict: it stays
      // marked interrupted.
      if (interrupted()) break;
      std::lock_guard lock(results_mutex);
      results[i] = std::move(r);
      reported[i] = 1;
      if (options.fail_fast && results[i].verdict() != Verdict::pass && !first_failure) {
        first_failure = result_id(results[i]);
        stop_starting = true;
      }
      if (options.on_finished) options.on_finished(results[i]);
      if (options.on_progress) options.on_progress(results);
    }
  };
  int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(plan.size())));
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (first_failure && !interrupted()) skip_unstarted(results, reported, *first_failure, options);
  return results;
}

std::vector<ScenarioResult> run_all(const std::vector<Scenario>& scenarios,
                                    const std::vector<Launcher*>& launchers,
                                    const RunOptions& options) {
  std::vector<PlannedRun> plan;
  for (const auto& s : scenarios) {
    for (std::size_t j = 0; j < launchers.size(); ++j) plan.push_back({&s, j, 0, s.skip});
  }
  return run_plan(plan, launchers, options);
}

}  // namespace badgateway
