#include "fakes/fastcgi/record.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

namespace fcgi = badgateway::fakes::fastcgi;
using fcgi::RecordType;

namespace {

// Decodes bytes that must hold exactly one complete record.
fcgi::Record decode_one(const std::string& bytes) {
  fcgi::RecordDecoder decoder;
  decoder.feed(bytes);
  auto record = decoder.next();
  REQUIRE(record.has_value());
  CHECK_FALSE(decoder.failed());
  CHECK(decoder.buffered() == 0);
  return *record;
}

fcgi::Record make(RecordType type, std::uint16_t id, std::string content = {}) {
  fcgi::Record r;
  r.type = static_cast<std::uint8_t>(type);
  r.request_id = id;
  r.content = std::move(content);
  return r;
}

fcgi::Record begin_record(std::uint16_t id = 1, bool keep_conn = false) {
  return decode_one(fcgi::encode_begin_request(id, fcgi::kRoleResponder, keep_conn));
}

std::string header_with(std::uint8_t version, std::uint8_t type) {
  std::string bytes = fcgi::encode_record(RecordType::stdout_, 1, "x");
  bytes[0] = static_cast<char>(version);
  bytes[1] = static_cast<char>(type);
  return bytes;
}

}  // namespace

TEST_CASE("fastcgi: every record type survives encode and decode") {
  for (int t = 1; t <= 11; ++t) {
    CAPTURE(t);
    auto type = static_cast<RecordType>(t);
    std::string content = "payload-" + std::to_string(t);
    auto record = decode_one(fcgi::encode_record(type, 0x1234, content));
    CHECK(record.version == 1);
    CHECK(record.type == t);
    CHECK(record.is(type));
    CHECK(record.request_id == 0x1234);
    CHECK(record.content == content);
  }
}

TEST_CASE("fastcgi: header layout is big-endian with padding length and a zero reserved byte") {
  std::string bytes = fcgi::encode_record(RecordType::params, 0x0102, std::string(0x0304, 'a'));
  REQUIRE(bytes.size() >= fcgi::kHeaderSize);
  CHECK(bytes[0] == 1);
  CHECK(bytes[1] == 4);
  CHECK(bytes[2] == 0x01);
  CHECK(bytes[3] == 0x02);
  CHECK(bytes[4] == 0x03);
  CHECK(bytes[5] == 0x04);
  CHECK(bytes[6] == 4);  // 0x304 = 772, 772 + 4 = 776 = 97 * 8
  CHECK(bytes[7] == 0);
}

TEST_CASE("fastcgi: padding") {
  SUBCASE("default aligns content to 8") {
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 15u, 16u}) {
      CAPTURE(n);
      std::string bytes = fcgi::encode_record(RecordType::stdout_, 1, std::string(n, 'x'));
      CHECK((bytes.size() - fcgi::kHeaderSize) % 8 == 0);
      CHECK(decode_one(bytes).padding == (8 - n % 8) % 8);
    }
  }
  SUBCASE("explicit 0 is not aligned") {
    std::string bytes = fcgi::encode_record(RecordType::stdout_, 1, "abc", 0);
    CHECK(bytes.size() == fcgi::kHeaderSize + 3);
    auto record = decode_one(bytes);
    CHECK(record.padding == 0);
    CHECK(record.content == "abc");
  }
  SUBCASE("explicit 7 is written even when content is aligned") {
    std::string bytes = fcgi::encode_record(RecordType::stdout_, 1, "12345678", 7);
    CHECK(bytes.size() == fcgi::kHeaderSize + 8 + 7);
    auto record = decode_one(bytes);
    CHECK(record.padding == 7);
    CHECK(record.content == "12345678");
  }
}

TEST_CASE("fastcgi: content longer than 65535 bytes cannot be encoded as one record") {
  CHECK_NOTHROW(fcgi::encode_record(RecordType::stdout_, 1, std::string(65535, 'x')));
  CHECK_THROWS_AS(fcgi::encode_record(RecordType::stdout_, 1, std::string(65536, 'x')),
                  std::length_error);
}

TEST_CASE("fastcgi: decoder fed one byte at a time") {
  std::string bytes = fcgi::encode_record(RecordType::stdout_, 7, "hello", 3) +
                      fcgi::encode_record(RecordType::stdout_, 7, "");
  fcgi::RecordDecoder decoder;
  std::vector<fcgi::Record> records;
  for (char c : bytes) {
    decoder.feed(std::string_view(&c, 1));
    while (auto record = decoder.next()) records.push_back(std::move(*record));
    CHECK_FALSE(decoder.failed());
  }
  REQUIRE(records.size() == 2);
  CHECK(records[0].content == "hello");
  CHECK(records[0].padding == 3);
  CHECK(records[1].content.empty());
  CHECK(decoder.buffered() == 0);
}

TEST_CASE("fastcgi: decoder with two records in one feed") {
  fcgi::RecordDecoder decoder;
  decoder.feed(fcgi::encode_record(RecordType::stdout_, 1, "out") +
               fcgi::encode_record(RecordType::stderr_, 2, "err"));
  auto first = decoder.next();
  auto second = decoder.next();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->is(RecordType::stdout_));
  CHECK(first->content == "out");
  CHECK(second->is(RecordType::stderr_));
  CHECK(second->request_id == 2);
  CHECK(second->content == "err");
  CHECK_FALSE(decoder.next());
  CHECK_FALSE(decoder.failed());
}

TEST_CASE("fastcgi: decoder keeps a partial record buffered") {
  std::string bytes = fcgi::encode_record(RecordType::stdout_, 1, "abcdef");
  fcgi::RecordDecoder decoder;
  decoder.feed(std::string_view(bytes).substr(0, 5));
  CHECK_FALSE(decoder.next());
  CHECK_FALSE(decoder.failed());
  CHECK(decoder.buffered() == 5);
  decoder.feed(std::string_view(bytes).substr(5, 6));  // header + part of the content
  CHECK_FALSE(decoder.next());
  CHECK_FALSE(decoder.failed());
  decoder.feed(std::string_view(bytes).substr(11));
  auto record = decoder.next();
  REQUIRE(record);
  CHECK(record->content == "abcdef");
}

TEST_CASE("fastcgi: malformed headers put the decoder in a sticky error state") {
  SUBCASE("version 2") {
    fcgi::RecordDecoder decoder;
    decoder.feed(fcgi::encode_record(RecordType::stdout_, 1, "ok") + header_with(2, 6));
    CHECK(decoder.next());
    CHECK_FALSE(decoder.next());
    REQUIRE(decoder.failed());
    CHECK(decoder.error().find("version 2") != std::string::npos);
    CHECK(decoder.error().find("byte 16") != std::string::npos);
  }
  SUBCASE("type 0") {
    fcgi::RecordDecoder decoder;
    decoder.feed(header_with(1, 0));
    CHECK_FALSE(decoder.next());
    REQUIRE(decoder.failed());
    CHECK(decoder.error().find("type 0") != std::string::npos);
    decoder.feed(fcgi::encode_record(RecordType::stdout_, 1, "later"));
    CHECK_FALSE(decoder.next());
    CHECK(decoder.failed());
  }
  SUBCASE("truncated header is only incomplete") {
    fcgi::RecordDecoder decoder;
    decoder.feed(header_with(2, 0).substr(0, fcgi::kHeaderSize - 1));
    CHECK_FALSE(decoder.next());
    CHECK_FALSE(decoder.failed());
    CHECK(decoder.error().empty());
  }
  SUBCASE("types above 11 are passed through for an UNKNOWN_TYPE reply") {
    auto record = decode_one(header_with(1, 42));
    CHECK(record.type == 42);
    CHECK(fcgi::record_type_name(42) == "type 42");
  }
}

TEST_CASE("fastcgi: begin_request carries role and keep_conn") {
  for (bool keep : {false, true}) {
    CAPTURE(keep);
    auto record = decode_one(fcgi::encode_begin_request(3, fcgi::kRoleAuthorizer, keep));
    CHECK(record.is(RecordType::begin_request));
    auto begin = fcgi::decode_begin_request(record.content);
    REQUIRE(begin);
    CHECK(begin->role == fcgi::kRoleAuthorizer);
    CHECK(begin->keep_conn == keep);
  }
  // Unknown flag bits are ignored; only bit 0 is FCGI_KEEP_CONN.
  CHECK_FALSE(fcgi::decode_begin_request(std::string("\0\1\2\0\0\0\0\0", 8))->keep_conn);
  CHECK_FALSE(fcgi::decode_begin_request(std::string(7, '\0')));
  CHECK_FALSE(fcgi::decode_begin_request(std::string(9, '\0')));
}

TEST_CASE("fastcgi: end_request layout") {
  auto record = decode_one(fcgi::encode_end_request(5, 0xdeadbeef, fcgi::kOverloaded));
  CHECK(record.is(RecordType::end_request));
  CHECK(record.request_id == 5);
  CHECK(record.content == std::string("\xde\xad\xbe\xef\x02\0\0\0", 8));
  auto end = fcgi::decode_end_request(record.content);
  REQUIRE(end);
  CHECK(end->app_status == 0xdeadbeef);
  CHECK(end->protocol_status == fcgi::kOverloaded);
  CHECK_FALSE(fcgi::decode_end_request("short"));
}

TEST_CASE("fastcgi: params with 1-byte and 4-byte lengths") {
  std::string name127(127, 'n');
  std::string name128(128, 'N');
  std::string value200(200, 'v');
  std::vector<std::pair<std::string, std::string>> params = {
      {name127, "a"}, {name128, value200}, {"EMPTY", ""}};
  std::string bytes = fcgi::encode_params(params);
  CHECK(bytes.substr(0, 2) == std::string("\x7f\x01"));
  std::size_t second = 2 + 127 + 1;
  CHECK(bytes.substr(second, 8) == std::string("\x80\0\0\x80\x80\0\0\xc8", 8));
  CHECK(bytes.size() == second + 8 + 128 + 200 + 2 + 5);

  auto decoded = fcgi::decode_params(bytes);
  CHECK(decoded.ok());
  CHECK(decoded.pairs == params);
  CHECK(fcgi::decode_params("").ok());
}

TEST_CASE("fastcgi: every truncation of params is an error, not a crash") {
  std::string bytes =
      fcgi::encode_params({{"SCRIPT_NAME", std::string(300, 's')}, {std::string(130, 'k'), "v"}});
  // Cuts that land between two pairs are valid shorter inputs.
  std::size_t boundary = 1 + 4 + 11 + 300;
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    CAPTURE(cut);
    auto decoded = fcgi::decode_params(std::string_view(bytes).substr(0, cut));
    if (cut == boundary) {
      CHECK(decoded.ok());
      CHECK(decoded.pairs.size() == 1);
    } else {
      CHECK_FALSE(decoded.ok());
      CHECK(decoded.error.find("truncated") != std::string::npos);
    }
  }
}

TEST_CASE("fastcgi: a huge declared length is rejected, not allocated") {
  auto decoded = fcgi::decode_params(std::string("\xff\xff\xff\xff\x01zz", 7));
  CHECK_FALSE(decoded.ok());
  CHECK(decoded.error.find("truncated name") != std::string::npos);
}

TEST_CASE("fastcgi: encode_stream splits long payloads and adds no terminator") {
  std::string payload(70000, 'p');
  payload[65534] = 'A';
  payload[65535] = 'B';
  fcgi::RecordDecoder decoder;
  decoder.feed(fcgi::encode_stream(RecordType::stdout_, 9, payload));
  std::vector<fcgi::Record> records;
  while (auto record = decoder.next()) records.push_back(std::move(*record));
  CHECK_FALSE(decoder.failed());
  REQUIRE(records.size() == 2);
  CHECK(records[0].content.size() == 65535);
  CHECK(records[0].content.back() == 'A');
  CHECK(records[1].content.size() == 70000 - 65535);
  CHECK(records[1].content.front() == 'B');
  CHECK(records[0].padding == 1);
  CHECK(records[1].request_id == 9);
  CHECK(fcgi::encode_stream(RecordType::stdout_, 9, "").empty());
}

TEST_CASE("fastcgi: RequestAssembler happy path") {
  fcgi::RequestAssembler request;
  CHECK(request.consume(begin_record(1, true)));
  CHECK(request.began());
  CHECK(request.role() == fcgi::kRoleResponder);
  CHECK(request.keep_conn());
  std::string params = fcgi::encode_params({{"REQUEST_METHOD", "POST"}, {"SCRIPT_NAME", "/x"}});
  CHECK(request.consume(make(RecordType::params, 1, params.substr(0, 10))));
  CHECK(request.consume(make(RecordType::params, 1, params.substr(10))));
  CHECK_FALSE(request.params_complete());
  CHECK(request.consume(make(RecordType::params, 1)));
  CHECK(request.params_complete());
  CHECK(request.params().at("REQUEST_METHOD") == "POST");
  CHECK(request.params().at("SCRIPT_NAME") == "/x");
  CHECK_FALSE(request.ready());
  CHECK(request.consume(make(RecordType::stdin_, 1, "body")));
  CHECK(request.consume(make(RecordType::stdin_, 1, "-more")));
  CHECK(request.consume(make(RecordType::stdin_, 1)));
  CHECK(request.ready());
  CHECK(request.stdin_data() == "body-more");
  CHECK(request.stdin_bytes() == 9);
  CHECK_FALSE(request.aborted());
  CHECK(request.consume(make(RecordType::abort_request, 1)));
  CHECK(request.aborted());
  CHECK_FALSE(request.failed());
}

TEST_CASE("fastcgi: RequestAssembler keeps stdin only up to its cap but counts every byte") {
  fcgi::RequestAssembler request(6);
  REQUIRE(request.consume(begin_record()));
  REQUIRE(request.consume(make(RecordType::params, 1)));
  CHECK(request.consume(make(RecordType::stdin_, 1, "abcd")));
  CHECK(request.consume(make(RecordType::stdin_, 1, "efgh")));
  CHECK(request.consume(make(RecordType::stdin_, 1, "ijkl")));
  CHECK(request.stdin_data() == "abcdef");
  CHECK(request.stdin_bytes() == 12);
  CHECK(fcgi::RequestAssembler::kDefaultStdinCap == 1024 * 1024);
}

TEST_CASE("fastcgi: RequestAssembler protocol violations") {
  fcgi::RequestAssembler request;
  auto expect_error = [&](const fcgi::Record& record, const std::string& text) {
    CHECK_FALSE(request.consume(record));
    CHECK(request.failed());
    CHECK_FALSE(request.ready());
    CHECK_MESSAGE(request.error().find(text) != std::string::npos, request.error());
    // Sticky: a valid record afterwards does not clear the error.
    CHECK_FALSE(request.consume(make(RecordType::stdin_, request.request_id())));
  };
  auto begun = [&] { REQUIRE(request.consume(begin_record(1))); };
  auto params_done = [&] {
    begun();
    REQUIRE(request.consume(make(RecordType::params, 1)));
  };

  SUBCASE("params before begin") {
    expect_error(make(RecordType::params, 1, "x"), "PARAMS before BEGIN_REQUEST");
  }
  SUBCASE("abort before begin") {
    expect_error(make(RecordType::abort_request, 1), "ABORT_REQUEST before BEGIN_REQUEST");
  }
  SUBCASE("begin with a short body") {
    expect_error(make(RecordType::begin_request, 1, "short"), "expected 8");
  }
  SUBCASE("begin on the management id") {
    expect_error(make(RecordType::begin_request, 0, std::string(8, '\0')), "request id 0");
  }
  SUBCASE("duplicate begin") {
    begun();
    expect_error(begin_record(1), "duplicate BEGIN_REQUEST");
  }
  SUBCASE("wrong request id") {
    begun();
    expect_error(make(RecordType::params, 2), "request id 2, expected 1");
  }
  SUBCASE("unexpected record types") {
    for (auto type :
         {RecordType::end_request, RecordType::stdout_, RecordType::stderr_, RecordType::data,
          RecordType::get_values, RecordType::get_values_result, RecordType::unknown_type}) {
      CAPTURE(static_cast<int>(type));
      request = fcgi::RequestAssembler();
      begun();
      expect_error(make(type, 1),
                   "unexpected " + fcgi::record_type_name(static_cast<std::uint8_t>(type)));
    }
  }
  SUBCASE("malformed params") {
    begun();
    REQUIRE(request.consume(make(RecordType::params, 1,
                                 "\x05\x01"
                                 "ab")));
    expect_error(make(RecordType::params, 1), "malformed PARAMS: truncated name");
  }
  SUBCASE("params after the params stream ended") {
    params_done();
    expect_error(make(RecordType::params, 1, "x"), "PARAMS after");
  }
  SUBCASE("stdin before params ended") {
    begun();
    expect_error(make(RecordType::stdin_, 1, "x"), "STDIN before");
  }
  SUBCASE("stdin after stdin ended") {
    params_done();
    REQUIRE(request.consume(make(RecordType::stdin_, 1)));
    expect_error(make(RecordType::stdin_, 1, "late"), "STDIN after");
  }
}
