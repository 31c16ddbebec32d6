#include "harness/process/run_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

namespace bg = badgateway;
namespace fs = std::filesystem;

TEST_CASE("run directory: made 0700 with logs/ and tmp/, removed with its owner marker") {
  fs::path where;
  {
    bg::RunDir dir("run-dir-test");
    where = dir.path();
    struct stat st {};
    REQUIRE(::stat(where.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(fs::is_directory(where / "logs"));
    CHECK(fs::is_directory(where / "tmp"));
    CHECK(fs::exists(where / bg::kOwnerMarker));
  }
  CHECK_FALSE(fs::exists(where));
}

TEST_CASE("create_directories_within: makes nested parents below the root, never the root") {
  fs::path where;
  {
    bg::RunDir dir("run-dir-test");
    where = dir.path();
    bg::create_directories_within(where, "state/run/php");
    CHECK(fs::is_directory(where / "state/run/php"));
    bg::create_directories_within(where, where / "state/run/php");  // already there: fine
    bg::create_directories_within(where, where / "php-fpm-app");
    CHECK(fs::is_directory(where / "php-fpm-app"));
    CHECK_THROWS_AS(bg::create_directories_within(where, "../escape"), fs::filesystem_error);
    CHECK_THROWS_AS(bg::create_directories_within(where, "/elsewhere/x"), fs::filesystem_error);
  }
  // The case it exists for: an interrupt removed the run directory while a thread was still
  // setting the run up; that thread must not bring the directory back.
  REQUIRE_FALSE(fs::exists(where));
  CHECK_THROWS_AS(bg::create_directories_within(where, "php-fpm-app"), fs::filesystem_error);
  CHECK_FALSE(fs::exists(where));
}

TEST_CASE("owned temp file: named after its owner, removed on destruction") {
  fs::path where;
  {
    bg::OwnedTempFile f;
    where = f.path();
    CHECK(where.filename().string().starts_with("badgateway-cmd-"));
    CHECK(fs::is_regular_file(where));
    CHECK((fs::status(where).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
  }
  CHECK_FALSE(fs::exists(where));
}
