#pragma once
// FastCGI 1.0 record codec. Pure byte manipulation so the protocol can be unit-tested without
// sockets, and so fault behaviours can build deliberately wrong records (bad version, odd padding)
// with the same functions that build correct ones.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace badgateway::fakes::fastcgi {

enum class RecordType : std::uint8_t {
  begin_request = 1,
  abort_request = 2,
  end_request = 3,
  params = 4,
  stdin_ = 5,
  stdout_ = 6,
  stderr_ = 7,
  data = 8,
  get_values = 9,
  get_values_result = 10,
  unknown_type = 11,
};

inline constexpr std::size_t kHeaderSize = 8;
inline constexpr std::size_t kMaxContentLength = 65535;
inline constexpr std::uint8_t kKeepConnFlag = 1;

inline constexpr std::uint16_t kRoleResponder = 1;
inline constexpr std::uint16_t kRoleAuthorizer = 2;
inline constexpr std::uint16_t kRoleFilter = 3;

inline constexpr std::uint8_t kRequestComplete = 0;
inline constexpr std::uint8_t kCantMpxConn = 1;
inline constexpr std::uint8_t kOverloaded = 2;
inline constexpr std::uint8_t kUnknownRole = 3;

// `type` stays a raw byte: types above 11 are legal on the wire (the spec answers them with
// UNKNOWN_TYPE), so the decoder must be able to hand them over instead of rejecting them.
struct Record {
  std::uint8_t version = 1;
  std::uint8_t type = 0;
  std::uint16_t request_id = 0;
  std::string content;
  std::uint8_t padding = 0;

  bool is(RecordType t) const { return type == static_cast<std::uint8_t>(t); }
};

// "PARAMS", "STDIN", ... or "type 42": for error messages and recordings.
std::string record_type_name(std::uint8_t type);

// Incremental: bytes arrive in arbitrary slices from the socket. next() returns nullopt both when
// a record is incomplete and after a failure; failed() tells the two apart. Once failed, the
// decoder stays failed because the record boundaries are lost.
class RecordDecoder {
 public:
  void feed(std::string_view bytes);
  std::optional<Record> next();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
  std::uint64_t consumed_ = 0;  // stream offset of buffer_[0], so errors can point at a byte
  std::string error_;
};

// Throws std::length_error if content exceeds kMaxContentLength (the header cannot express it).
// Without `padding`, pads to a multiple of 8 as the spec recommends; an explicit value is written
// as given, which lets fault behaviours send unaligned or oddly padded records.
std::string encode_record(RecordType type, std::uint16_t request_id, std::string_view content,
                          std::optional<std::uint8_t> padding = std::nullopt,
                          std::uint8_t version = 1);

// Cuts payload into records of at most kMaxContentLength bytes. The empty record that ends a
// stream is left to the caller: a fault may want to stop mid-stream or never end it.
std::string encode_stream(RecordType type, std::uint16_t request_id, std::string_view payload);

std::string encode_end_request(std::uint16_t request_id, std::uint32_t app_status,
                               std::uint8_t protocol_status = kRequestComplete);
std::string encode_begin_request(std::uint16_t request_id, std::uint16_t role, bool keep_conn);

struct BeginRequest {
  std::uint16_t role;
  bool keep_conn;
};
// nullopt if content is not exactly 8 bytes.
std::optional<BeginRequest> decode_begin_request(std::string_view content);

struct EndRequest {
  std::uint32_t app_status;
  std::uint8_t protocol_status;
};
// nullopt if content is not exactly 8 bytes.
std::optional<EndRequest> decode_end_request(std::string_view content);

// Name-value pairs as carried by PARAMS and GET_VALUES. Throws std::length_error for a name or
// value longer than 2^31-1 bytes (not representable).
std::string encode_params(const std::vector<std::pair<std::string, std::string>>& params);

// On error, `pairs` holds what was decoded before the bad spot.
struct ParamsResult {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string error;
  bool ok() const { return error.empty(); }
};
ParamsResult decode_params(std::string_view bytes);

// Follows one request (BEGIN_REQUEST, PARAMS..., STDIN...) as the application side sees it.
// The request id is taken from BEGIN_REQUEST. Management records (request id 0) belong to the
// connection, not to a request, so the caller must route them elsewhere. The first protocol
// violation is kept in error() and every later record is ignored.
class RequestAssembler {
 public:
  static constexpr std::size_t kDefaultStdinCap = std::size_t{1} << 20;

  explicit RequestAssembler(std::size_t stdin_cap = kDefaultStdinCap) : stdin_cap_(stdin_cap) {}

  // Returns false once the request is in error.
  bool consume(const Record& record);

  bool ready() const { return began_ && params_complete_ && stdin_complete_ && !failed(); }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  bool began() const { return began_; }
  std::uint16_t request_id() const { return request_id_; }
  std::uint16_t role() const { return role_; }
  bool keep_conn() const { return keep_conn_; }
  bool aborted() const { return aborted_; }

  bool params_complete() const { return params_complete_; }
  // Last value wins for a repeated name.
  const std::map<std::string, std::string>& params() const { return params_; }

  bool stdin_complete() const { return stdin_complete_; }
  // Every byte received, including those beyond the cap that were not kept.
  std::uint64_t stdin_bytes() const { return stdin_bytes_; }
  const std::string& stdin_data() const { return stdin_; }

 private:
  bool fail(std::string message);
  bool on_begin(const Record& record);
  bool on_params(const Record& record);
  bool on_stdin(const Record& record);

  std::size_t stdin_cap_;
  bool began_ = false;
  std::uint16_t request_id_ = 0;
  std::uint16_t role_ = 0;
  bool keep_conn_ = false;
  bool aborted_ = false;
  bool params_complete_ = false;
  std::string params_buffer_;
  std::map<std::string, std::string> params_;
  bool stdin_complete_ = false;
  std::uint64_t stdin_bytes_ = 0;
  std::string stdin_;
  std::string error_;
};

}  // namespace badgateway::fakes::fastcgi
