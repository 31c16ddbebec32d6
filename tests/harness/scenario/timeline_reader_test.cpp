// [[traffic]], [[timeline]] and [[expect.window]]: what loads, and the one-line errors.
#include "harness/scenario/timeline_reader.hpp"

#include <doctest/doctest.h>

#include <string>

#include "harness/scenario/loader.hpp"

namespace bg = badgateway;
using namespace std::chrono_literals;

namespace {

std::string load_error(const std::string& text) {
  try {
    bg::load_scenario_string(text, "t.toml");
  } catch (const bg::ScenarioError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

// Lines 1-8: the header, one fake and a location.
const std::string kHead =
    "name = \"t\"\n"
    "description = \"d\"\n"
    "cause = \"server_unavailable\"\n"
    "teaches = \"x\"\n"
    "[fakes.app]\n"
    "behaviour = \"ok\"\n"
    "[nginx]\n"
    "location = \"proxy_pass http://{{fakes.app}};\"\n";

const std::string kTraffic =
    "[[traffic]]\n"  // line 9
    "rate = \"50/s\"\n"
    "duration = \"3s\"\n";

const std::string kStop =
    "[[timeline]]\n"
    "at = \"500ms\"\n"
    "fake = \"app\"\n"
    "action = \"stop\"\n";

const std::string kWindow =
    "[expect]\n"
    "[[expect.window]]\n"
    "count.failure = 0\n";

}  // namespace

TEST_SUITE("timeline reader") {
  TEST_CASE("a scenario in time loads: traffic, timeline, windows") {
    bg::Scenario s =
        bg::load_scenario_string(kHead + kTraffic +
                                     "[[traffic]]\n"
                                     "clients = 4\n"
                                     "duration = \"2s\"\n"
                                     "at = \"1s\"\n"
                                     "method = \"POST\"\n"
                                     "body = \"x\"\n" +
                                     kStop +
                                     "[[timeline]]\n"
                                     "at = \"100ms\"\n"
                                     "action = \"reload\"\n"
                                     "with = { location = \"return 204;\" }\n"
                                     "[[timeline]]\n"
                                     "at = \"1s\"\n"
                                     "fake = \"app\"\n"
                                     "action = \"behave\"\n"
                                     "name = \"slow\"\n"
                                     "deadline = \"2s\"\n"
                                     "with = { behaviour = \"ok\", latency = \"2s\" }\n"
                                     "[expect]\n"
                                     "[[expect.window]]\n"
                                     "from = \"app stops + 100ms\"\n"
                                     "until = \"slow\"\n"
                                     "count.\"5xx\" = { min = 1 }\n"
                                     "share.success = { max = 0.5 }\n"
                                     "max_failure_run = 3\n"
                                     "first_success = { max = \"2s\" }\n"
                                     "[fix]\n"
                                     "description = \"f\"\n"
                                     "fakes.app.behaviour = \"ok\"\n"
                                     "[[fix.expect.window]]\n"
                                     "count.failure = 0\n",
                                 "t.toml");
    REQUIRE(s.traffic.size() == 2);
    CHECK(s.traffic[0].loop == bg::TrafficSpec::Loop::open);
    CHECK(s.traffic[0].rate == doctest::Approx(50));
    CHECK(s.traffic[0].scheduled() == 150);
    CHECK(s.traffic[1].loop == bg::TrafficSpec::Loop::closed);
    CHECK(s.traffic[1].clients == 4);
    CHECK(s.traffic[1].start == 1s);
    CHECK(s.traffic[1].request.method == "POST");
    CHECK(s.requests.empty());  // no default GET / beside traffic
    REQUIRE(s.timeline.size() == 3);
    // In time order, not file order.
    CHECK(s.timeline[0].kind == bg::TimelineActionKind::reload);
    CHECK(s.timeline[0].label == "nginx reloads");
    CHECK(s.timeline[0].snippets.location == std::optional<std::string>("return 204;"));
    CHECK(s.timeline[1].label == "app stops");
    CHECK(s.timeline[1].at == 500ms);
    CHECK(s.timeline[1].deadline == bg::kDefaultActionDeadline);
    CHECK(s.timeline[2].label == "slow");
    CHECK(s.timeline[2].behaviour == "ok");
    CHECK(s.timeline[2].deadline == 2s);
    CHECK(s.timeline[2].params.count("latency") == 1);
    REQUIRE(s.expect.windows.size() == 1);
    const bg::WindowSpec& w = s.expect.windows[0];
    REQUIRE(w.from);
    CHECK(w.from->action == std::optional<std::string>("app stops"));
    CHECK(w.from->offset == 100ms);
    CHECK(w.until->action == std::optional<std::string>("slow"));
    CHECK(w.responses.min == 1);
    CHECK(w.count.at("5xx").min == 1);
    CHECK(w.share.at("success").max == doctest::Approx(0.5));
    CHECK(w.max_failure_run == 3);
    CHECK(w.first_success->max == 2s);
    REQUIRE(s.fixed);
    CHECK(s.fixed->expect.windows.size() == 1);
  }

  TEST_CASE("time marks: durations, actions, offsets, and their errors") {
    std::vector<bg::TimelineAction> timeline(2);
    timeline[0].label = "app stops";
    timeline[1].label = "deploy";
    bg::TimeMark m;
    CHECK(bg::parse_time_mark("1500ms", timeline, m).empty());
    CHECK_FALSE(m.action);
    CHECK(m.offset == 1500ms);
    CHECK(bg::parse_time_mark("deploy - 50ms", timeline, m).empty());
    CHECK(m.action == std::optional<std::string>("deploy"));
    CHECK(m.offset == -50ms);
    CHECK(bg::parse_time_mark("app stops+1s", timeline, m).empty());
    CHECK(m.offset == 1s);
    CHECK(bg::parse_time_mark("app stop", timeline, m).find("did you mean \"app stops\"") !=
          std::string::npos);
    CHECK(bg::parse_time_mark("deploy + soon", timeline, m).find("expected ACTION + DURATION") !=
          std::string::npos);
    timeline.push_back(timeline[1]);
    CHECK(bg::parse_time_mark("deploy", timeline, m).find("names 2 timeline actions") !=
          std::string::npos);
  }

  TEST_CASE("rates") {
    CHECK(bg::parse_rate("50/s") == 50.0);
    CHECK(bg::parse_rate("2.5/s") == 2.5);
    CHECK(bg::parse_rate("600/m") == 10.0);
    CHECK_FALSE(bg::parse_rate("50"));
    CHECK_FALSE(bg::parse_rate("50/h"));
    CHECK_FALSE(bg::parse_rate("-1/s"));
    CHECK_FALSE(bg::parse_rate("/s"));
  }

  TEST_CASE("errors name file, line, column and field") {
    CHECK(load_error(kHead + "[[traffic]]\nrate = \"50/s\"\nclients = 2\nduration = \"1s\"\n" +
                     kWindow)
              .starts_with("t.toml:9:1: traffic: needs either rate"));
    CHECK(load_error(kHead + "[[traffic]]\nrate = \"fast\"\nduration = \"1s\"\n" + kWindow)
              .starts_with("t.toml:10:8: traffic.rate: \"fast\": expected requests per second"));
    CHECK(load_error(kHead + "[[traffic]]\nclients = 2\n" + kWindow)
              .starts_with("t.toml:9:1: traffic.duration: is required"));
    CHECK(load_error(kHead + "[[traffic]]\nclients = 2\nduration = \"1s\"\ncount = 3\n" + kWindow)
              .starts_with("t.toml:12:9: traffic.count: is a [[requests]] key"));
    CHECK(load_error(kHead + kTraffic + "[expect]\n")
              .starts_with("t.toml:12:1: expect.window: is required with [[traffic]]"));
    CHECK(load_error(kHead + kTraffic +
                     "[[timeline]]\nat = \"1s\"\nfake = \"ap\"\naction = "
                     "\"stop\"\n" +
                     kWindow)
              .starts_with("t.toml:14:8: timeline.fake: no fake \"ap\" (did you mean \"app\"?)"));
    CHECK(load_error(kHead + kTraffic +
                     "[[timeline]]\nat = \"1s\"\nfake = \"app\"\naction = "
                     "\"stopp\"\n" +
                     kWindow)
              .starts_with("t.toml:15:10: timeline.action: unknown action \"stopp\" (did you "
                           "mean \"stop\"?)"));
    CHECK(
        load_error(kHead + kTraffic + "[[timeline]]\nfake = \"app\"\naction = \"stop\"\n" + kWindow)
            .starts_with("t.toml:12:1: timeline.at: is required"));
    CHECK(load_error(kHead + kTraffic +
                     "[[timeline]]\nat = \"1s\"\nfake = \"app\"\naction = "
                     "\"behave\"\nwith = { behaviour = \"ok\", latncy = "
                     "\"1s\" }\n" +
                     kWindow)
              .starts_with("t.toml:16:28: timeline.with.latncy: unknown parameter"));
    CHECK(load_error(kHead + kTraffic +
                     "[[timeline]]\nat = \"1s\"\naction = \"reload\"\nfake = "
                     "\"app\"\n" +
                     kWindow)
              .starts_with("t.toml:15:8: timeline.fake: \"reload\" is not an action on a fake"));
    CHECK(load_error(kHead + kTraffic + kStop +
                     "[expect]\n[[expect.window]]\nfrom = \"app starts\"\ncount.failure = 0\n")
              .starts_with("t.toml:18:8: expect.window.from: no timeline action \"app starts\""));
    CHECK(load_error(kHead + kTraffic + "[expect]\n[[expect.window]]\ncount.\"6xx\" = 0\n")
              .starts_with("t.toml:14:7: expect.window.count.6xx: expected a status"));
    CHECK(load_error(kHead + kTraffic + "[expect]\n[[expect.window]]\nfrom = \"2s\"\n")
              .starts_with("t.toml:13:1: expect.window: checks nothing"));
  }
}

TEST_SUITE("timeline reader") {
  TEST_CASE("targets: PHP-FPM pools and nginx take their own actions; [[fix.timeline]] replaces") {
    const std::string head =
        "name = \"t\"\n"
        "description = \"d\"\n"
        "cause = \"server_unavailable\"\n"
        "teaches = \"x\"\n"
        "[fakes.app]\n"
        "behaviour = \"ok\"\n"
        "[fakes.php]\n"
        "protocol = \"fastcgi\"\n"
        "behaviour = \"php_fpm\"\n"
        "process_control_timeout = \"10s\"\n"
        "[nginx]\n"
        "location = \"proxy_pass http://{{fakes.app}};\"\n" +
        kTraffic;
    bg::Scenario s = bg::load_scenario_string(head +
                                                  "[[timeline]]\n"
                                                  "at = \"1s\"\n"
                                                  "fake = \"php\"\n"
                                                  "action = \"kill\"\n"
                                                  "with = { process = \"workers\" }\n"
                                                  "[[timeline]]\n"
                                                  "at = \"2s\"\n"
                                                  "fake = \"php\"\n"
                                                  "action = \"reload\"\n"
                                                  "[[timeline]]\n"
                                                  "at = \"2s\"\n"
                                                  "action = \"restart\"\n"
                                                  "[expect]\n"
                                                  "[[expect.window]]\n"
                                                  "from = \"nginx restarts\"\n"
                                                  "upstream = \"app\"\n"
                                                  "count.failure = 0\n"
                                                  "[fix]\n"
                                                  "description = \"f\"\n"
                                                  "[[fix.timeline]]\n"
                                                  "at = \"2s\"\n"
                                                  "action = \"reload\"\n"
                                                  "[[fix.expect.window]]\n"
                                                  "from = \"nginx reloads\"\n"
                                                  "count.failure = 0\n",
                                              "t.toml");
    REQUIRE(s.timeline.size() == 3);
    CHECK(s.timeline[0].target == bg::TimelineTarget::php_fpm);
    CHECK(s.timeline[0].kind == bg::TimelineActionKind::kill);
    CHECK(s.timeline[0].process == "workers");
    CHECK(s.timeline[0].label == "php is killed");
    CHECK(s.timeline[1].target == bg::TimelineTarget::php_fpm);
    CHECK(s.timeline[1].label == "php reloads");
    CHECK(s.timeline[2].target == bg::TimelineTarget::nginx);
    CHECK(s.timeline[2].label == "nginx restarts");
    CHECK(s.expect.windows.at(0).upstream == std::optional<std::string>("app"));
    // The fix's timeline replaces the scenario's in the fixed phase only.
    REQUIRE(s.fixed);
    REQUIRE(s.fixed->timeline.size() == 1);
    CHECK(s.fixed->timeline[0].label == "nginx reloads");
    CHECK(s.broken.timeline.size() == 3);

    CHECK(load_error(head +
                     "[[timeline]]\n"  // line 13
                     "at = \"1s\"\n"
                     "fake = \"app\"\n"
                     "action = \"reload\"\n" +
                     kWindow) ==
          "t.toml:18:8: timeline.fake: \"reload\" is not an action on a fake (\"app\"): it acts "
          "on a real PHP-FPM pool or nginx (no `fake`)");
    CHECK(load_error(head +
                     "[[timeline]]\n"
                     "at = \"1s\"\n"
                     "fake = \"php\"\n"
                     "action = \"behave\"\n"
                     "with = { behaviour = \"ok\" }\n" +
                     kWindow) ==
          "t.toml:18:8: timeline.fake: \"behave\" is not an action on a real PHP-FPM pool "
          "(\"php\"): it acts on a fake");
    CHECK(load_error(head +
                     "[[timeline]]\n"
                     "at = \"1s\"\n"
                     "action = \"kill\"\n" +
                     kWindow) ==
          "t.toml:18:10: timeline.action: \"kill\" needs `fake`: it acts on a real PHP-FPM pool");
    // A window of the fix names the fix's actions, not the scenario's.
    CHECK(load_error(head +
                     "[[timeline]]\n"
                     "at = \"1s\"\n"
                     "fake = \"app\"\n"
                     "action = \"stop\"\n" +
                     kWindow +
                     "[fix]\n"
                     "description = \"f\"\n"
                     "[[fix.timeline]]\n"
                     "at = \"2s\"\n"
                     "action = \"reload\"\n"
                     "[[fix.expect.window]]\n"
                     "from = \"app stops\"\n"
                     "count.failure = 0\n")
              .find("fix.expect.window.from: no timeline action \"app stops\"") !=
          std::string::npos);
  }
  TEST_CASE("the network's firewall and a fake's reset_connections on the timeline") {
    bg::Scenario s = bg::load_scenario_string(kHead + kTraffic +
                                                  "[[timeline]]\n"
                                                  "at = \"1s\"\n"
                                                  "action = \"firewall\"\n"
                                                  "with = { rules = [ { fake = \"app\", action = "
                                                  "\"drop\", hook = \"output\" } ] }\n"
                                                  "name = \"app goes silent\"\n"
                                                  "[[timeline]]\n"
                                                  "at = \"1s\"\n"
                                                  "fake = \"app\"\n"
                                                  "action = \"reset_connections\"\n"
                                                  "[[timeline]]\n"
                                                  "at = \"1s\"\n"
                                                  "action = \"firewall\"\n"
                                                  "with = { rules = [] }\n" +
                                                  kWindow,
                                              "t.toml");
    REQUIRE(s.timeline.size() == 3);
    CHECK(s.timeline[0].target == bg::TimelineTarget::network);
    CHECK(s.timeline[0].label == "app goes silent");
    REQUIRE(s.timeline[0].firewall.size() == 1);
    CHECK(s.timeline[0].firewall[0].hook == bg::FirewallHook::output);
    CHECK(s.timeline[0].firewall[0].action == bg::FirewallAction::drop);
    CHECK(s.timeline[1].kind == bg::TimelineActionKind::reset_connections);
    CHECK(s.timeline[1].label == "app resets connections");
    CHECK(s.timeline[2].label == "firewall changes");
    CHECK(s.timeline[2].firewall.empty());
    // A firewall on the timeline needs a network of its own, as [network]'s does.
    CHECK(s.broken.needs_network());

    const std::string at = kHead + kTraffic + "[[timeline]]\nat = \"1s\"\n";  // line 13
    CHECK(load_error(at + "action = \"firewall\"\n" + kWindow) ==
          "t.toml:12:1: timeline.with: is required: { rules = [ { fake = \"app\", action = "
          "\"drop\" } ] } as in [[network.firewall]], or rules = [] to remove the timeline's "
          "rules");
    CHECK(load_error(at + "action = \"firewall\"\nfake = \"app\"\nwith = { rules = [] }\n" +
                     kWindow) ==
          "t.toml:15:8: timeline.fake: \"firewall\" is not an action on a fake (\"app\"): it "
          "acts on the run's network (no `fake`)");
    CHECK(load_error(at +
                     "action = \"firewall\"\nwith = { rules = [ { fake = \"ap\", action = "
                     "\"drop\" } ] }\n" +
                     kWindow) ==
          "t.toml:15:29: timeline.with.rules.fake: no fake named \"ap\" (did you mean \"app\"?)");
    CHECK(load_error(at +
                     "action = \"firewall\"\nwith = { rules = [ { fake = \"app\", action = "
                     "\"drop\", hook = \"forward\" } ] }\n" +
                     kWindow)
              .starts_with("t.toml:15:"));
    CHECK(load_error(at + "action = \"firewall\"\nwith = { rules = \"none\" }\n" + kWindow) ==
          "t.toml:15:18: timeline.with.rules: expected a list of tables: [ { fake = \"app\", "
          "action = \"drop\" } ]");
    CHECK(load_error(at + "action = \"reset_connections\"\n" + kWindow) ==
          "t.toml:14:10: timeline.action: \"reset_connections\" needs `fake`: it acts on a fake");
  }
  TEST_CASE("a fake's move on the timeline: a loopback address, with or without a port") {
    const std::string at = kHead + kTraffic + "[[timeline]]\nat = \"1s\"\nfake = \"app\"\n";
    bg::Scenario s = bg::load_scenario_string(
        at + "action = \"move\"\nwith = { listen = \"127.0.0.3\" }\n" + "[[timeline]]\n" +
            "at = \"2s\"\nfake = \"app\"\naction = \"move\"\nwith = { listen = \"[::1]:8080\" }\n" +
            kWindow,
        "t.toml");
    REQUIRE(s.timeline.size() == 2);
    CHECK(s.timeline[0].kind == bg::TimelineActionKind::move);
    CHECK(s.timeline[0].label == "app moves");
    CHECK(s.timeline[0].move_to.host == "127.0.0.3");
    CHECK(s.timeline[0].move_to.port == 0);  // the fake's own port
    CHECK(s.timeline[1].move_to.host == "::1");
    CHECK(s.timeline[1].move_to.port == 8080);
    CHECK_FALSE(s.broken.needs_network());

    // Lines 12-14: [[timeline]], at, fake; the action on line 15, `with` on 16.
    CHECK(load_error(at + "action = \"move\"\n" + kWindow) ==
          "t.toml:12:1: timeline.with: is required: { listen = \"127.0.0.3\" } (the port: the "
          "fake's own)");
    CHECK(
        load_error(at + "action = \"move\"\nwith = { listen = \"192.0.2.10:8080\" }\n" + kWindow) ==
        "t.toml:16:19: timeline.with.listen: 192.0.2.10 is not a loopback address: a fake moves "
        "within loopback (127.0.0.0/8, ::1)");
    CHECK(load_error(at + "action = \"move\"\nwith = { listen = \"127.0.0.3\", port = 1 }\n" +
                     kWindow)
              .starts_with("t.toml:16:"));
    CHECK(load_error(at + "action = \"move\"\nwith = { listen = \"somewhere\" }\n" + kWindow)
              .starts_with("t.toml:16:19: timeline.with.listen: expected a loopback address"));
    const std::string unix_fake =
        "name = \"t\"\ndescription = \"d\"\ncause = \"server_unavailable\"\n"
        "teaches = \"x\"\n[fakes.app]\nbehaviour = \"ok\"\nlisten = \"unix\"\n"
        "[nginx]\nlocation = \"proxy_pass http://{{fakes.app}};\"\n";
    CHECK(load_error(unix_fake + kTraffic +
                     "[[timeline]]\nat = \"1s\"\nfake = \"app\"\naction = \"move\"\n"
                     "with = { listen = \"127.0.0.3\" }\n" +
                     kWindow)
              .find("timeline.fake: \"app\" does not listen on a loopback TCP address") !=
          std::string::npos);
  }
  TEST_CASE("a DNS fake's answer on the timeline") {
    const std::string head = kHead +
                             "[fakes.ns]\n"  // line 9
                             "protocol = \"dns\"\n"
                             "names.\"app.test\" = { a = \"127.0.0.2\", ttl = \"1s\" }\n" +
                             kTraffic +  // line 12
                             "[[timeline]]\n"
                             "at = \"1s\"\n"
                             "fake = \"ns\"\n";  // line 17
    bg::Scenario s = bg::load_scenario_string(
        head + "action = \"answer\"\nwith = { name = \"App.Test.\", a = \"127.0.0.3\" }\n" +
            kWindow,
        "t.toml");
    REQUIRE(s.timeline.size() == 1);
    const bg::TimelineAction& a = s.timeline[0];
    CHECK(a.target == bg::TimelineTarget::dns);
    CHECK(a.label == "ns answers anew");
    CHECK(a.dns_name == "app.test");
    CHECK(a.dns_answer.a == std::vector<std::string>{"127.0.0.3"});
    CHECK(a.dns_answer.ttl == std::chrono::seconds(1));  // what the change does not say stays

    CHECK(load_error(head + "action = \"answer\"\nwith = { name = \"app.test\" }\n" + kWindow) ==
          "t.toml:19:8: timeline.with: changes nothing: give what the name answers from now on "
          "(a, aaaa, cname, ttl, fault or delay)");
    CHECK(load_error(head + "action = \"answer\"\n" + kWindow).find("timeline.with: is required") !=
          std::string::npos);
    CHECK(load_error(head + "action = \"stop\"\n" + kWindow) ==
          "t.toml:17:8: timeline.fake: \"stop\" is not an action on a DNS fake (\"ns\"): it acts "
          "on a fake, a real PHP-FPM pool or nginx (no `fake`)");
    CHECK(load_error(head +
                     "action = \"answer\"\nwith = { name = \"app.test:53\", a = "
                     "\"127.0.0.3\" }\n" +
                     kWindow)
              .find("timeline.with.name: a name, without a port") != std::string::npos);
  }
}
