#include "fakes/fastcgi/record.hpp"

#include <array>
#include <stdexcept>

namespace badgateway::fakes::fastcgi {

namespace {

std::uint8_t byte_at(std::string_view bytes, std::size_t i) {
  return static_cast<std::uint8_t>(bytes[i]);
}

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void put_u32(std::string& out, std::uint32_t v) {
  put_u16(out, static_cast<std::uint16_t>(v >> 16));
  put_u16(out, static_cast<std::uint16_t>(v & 0xffff));
}

void put_length(std::string& out, std::size_t length) {
  if (length > 0x7fffffff) throw std::length_error("FastCGI name/value longer than 2^31-1 bytes");
  if (length < 128) {
    out.push_back(static_cast<char>(length));
  } else {
    put_u32(out, static_cast<std::uint32_t>(length) | 0x80000000u);
  }
}

// Returns false when the length itself is cut off.
bool take_length(std::string_view bytes, std::size_t& pos, std::uint32_t& length) {
  if (pos >= bytes.size()) return false;
  if ((byte_at(bytes, pos) & 0x80) == 0) {
    length = byte_at(bytes, pos++);
    return true;
  }
  if (bytes.size() - pos < 4) return false;
  length = (std::uint32_t{byte_at(bytes, pos)} & 0x7f) << 24 |
           std::uint32_t{byte_at(bytes, pos + 1)} << 16 |
           std::uint32_t{byte_at(bytes, pos + 2)} << 8 | byte_at(bytes, pos + 3);
  pos += 4;
  return true;
}

}  // namespace

std::string record_type_name(std::uint8_t type) {
  static constexpr std::array<const char*, 12> names = {nullptr,
                                                        "BEGIN_REQUEST",
                                                        "ABORT_REQUEST",
                                                        "END_REQUEST",
                                                        "PARAMS",
                                                        "STDIN",
                                                        "STDOUT",
                                                        "STDERR",
                                                        "DATA",
                                                        "GET_VALUES",
                                                        "GET_VALUES_RESULT",
                                                        "UNKNOWN_TYPE"};
  if (type < names.size() && names[type]) return names[type];
  return "type " + std::to_string(type);
}

void RecordDecoder::feed(std::string_view bytes) {
  if (!failed()) buffer_.append(bytes);
}

std::optional<Record> RecordDecoder::next() {
  if (failed() || buffer_.size() < kHeaderSize) return std::nullopt;
  std::string_view header(buffer_.data(), kHeaderSize);
  Record record;
  record.version = byte_at(header, 0);
  record.type = byte_at(header, 1);
  if (record.version != 1 || record.type == 0) {
    error_ = record.version != 1 ? "unsupported FastCGI version " + std::to_string(record.version)
                                 : std::string("invalid record type 0");
    error_ += " in record header at byte " + std::to_string(consumed_);
    return std::nullopt;
  }
  record.request_id = static_cast<std::uint16_t>(byte_at(header, 2) << 8 | byte_at(header, 3));
  std::size_t content_length = std::size_t{byte_at(header, 4)} << 8 | byte_at(header, 5);
  record.padding = byte_at(header, 6);
  std::size_t total = kHeaderSize + content_length + record.padding;
  if (buffer_.size() < total) return std::nullopt;
  record.content.assign(buffer_, kHeaderSize, content_length);
  buffer_.erase(0, total);
  consumed_ += total;
  return record;
}

std::string encode_record(RecordType type, std::uint16_t request_id, std::string_view content,
                          std::optional<std::uint8_t> padding, std::uint8_t version) {
  if (content.size() > kMaxContentLength) {
    throw std::length_error("FastCGI record content longer than 65535 bytes");
  }
  std::uint8_t pad = padding.value_or(static_cast<std::uint8_t>((8 - content.size() % 8) % 8));
  std::string out;
  out.reserve(kHeaderSize + content.size() + pad);
  out.push_back(static_cast<char>(version));
  out.push_back(static_cast<char>(type));
  put_u16(out, request_id);
  put_u16(out, static_cast<std::uint16_t>(content.size()));
  out.push_back(static_cast<char>(pad));
  out.push_back('\0');
  out.append(content);
  out.append(pad, '\0');
  return out;
}

std::string encode_stream(RecordType type, std::uint16_t request_id, std::string_view payload) {
  std::string out;
  for (std::size_t pos = 0; pos < payload.size(); pos += kMaxContentLength) {
    out += encode_record(type, request_id, payload.substr(pos, kMaxContentLength));
  }
  return out;
}

std::string encode_end_request(std::uint16_t request_id, std::uint32_t app_status,
                               std::uint8_t protocol_status) {
  std::string body;
  put_u32(body, app_status);
  body.push_back(static_cast<char>(protocol_status));
  body.append(3, '\0');
  return encode_record(RecordType::end_request, request_id, body);
}

std::string encode_begin_request(std::uint16_t request_id, std::uint16_t role, bool keep_conn) {
  std::string body;
  put_u16(body, role);
  body.push_back(static_cast<char>(keep_conn ? kKeepConnFlag : 0));
  body.append(5, '\0');
  return encode_record(RecordType::begin_request, request_id, body);
}

std::optional<BeginRequest> decode_begin_request(std::string_view content) {
  if (content.size() != 8) return std::nullopt;
  return BeginRequest{static_cast<std::uint16_t>(byte_at(content, 0) << 8 | byte_at(content, 1)),
                      (byte_at(content, 2) & kKeepConnFlag) != 0};
}

std::optional<EndRequest> decode_end_request(std::string_view content) {
  if (content.size() != 8) return std::nullopt;
  std::uint32_t status = std::uint32_t{byte_at(content, 0)} << 24 |
                         std::uint32_t{byte_at(content, 1)} << 16 |
                         std::uint32_t{byte_at(content, 2)} << 8 | byte_at(content, 3);
  return EndRequest{status, byte_at(content, 4)};
}

std::string encode_params(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    put_length(out, name.size());
    put_length(out, value.size());
    out += name;
    out += value;
  }
  return out;
}

ParamsResult decode_params(std::string_view bytes) {
  ParamsResult result;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    auto fail = [&](const char* what) {
      result.error = std::string(what) + " at byte " + std::to_string(pos);
      return result;
    };
    std::uint32_t name_length = 0;
    std::uint32_t value_length = 0;
    if (!take_length(bytes, pos, name_length)) return fail("truncated name length");
    if (!take_length(bytes, pos, value_length)) return fail("truncated value length");
    // Compared one at a time: their sum could overflow a 32-bit size_t.
    if (name_length > bytes.size() - pos) return fail("truncated name");
    std::string name(bytes.substr(pos, name_length));
    pos += name_length;
    if (value_length > bytes.size() - pos) return fail("truncated value");
    result.pairs.emplace_back(std::move(name), std::string(bytes.substr(pos, value_length)));
    pos += value_length;
  }
  return result;
}

bool RequestAssembler::fail(std::string message) {
  error_ = std::move(message);
  return false;
}

bool RequestAssembler::consume(const Record& record) {
  if (failed()) return false;
  std::string name = record_type_name(record.type);
  if (!began_) {
    if (!record.is(RecordType::begin_request)) return fail(name + " before BEGIN_REQUEST");
    return on_begin(record);
  }
  if (record.request_id != request_id_) {
    return fail(name + " for request id " + std::to_string(record.request_id) + ", expected " +
                std::to_string(request_id_));
  }
  switch (static_cast<RecordType>(record.type)) {
    case RecordType::begin_request:
      return fail("duplicate BEGIN_REQUEST");
    case RecordType::abort_request:
      aborted_ = true;
      return true;
    case RecordType::params:
      return on_params(record);
    case RecordType::stdin_:
      return on_stdin(record);
    default:
      return fail("unexpected " + name + " record");
  }
}

bool RequestAssembler::on_begin(const Record& record) {
  if (record.request_id == 0) return fail("BEGIN_REQUEST with the management request id 0");
  auto begin = decode_begin_request(record.content);
  if (!begin) {
    return fail("BEGIN_REQUEST body is " + std::to_string(record.content.size()) +
                " bytes, expected 8");
  }
  began_ = true;
  request_id_ = record.request_id;
  role_ = begin->role;
  keep_conn_ = begin->keep_conn;
  return true;
}

bool RequestAssembler::on_params(const Record& record) {
  if (params_complete_) return fail("PARAMS after the params stream ended");
  if (!record.content.empty()) {
    params_buffer_ += record.content;
    return true;
  }
  params_complete_ = true;
  ParamsResult decoded = decode_params(params_buffer_);
  params_buffer_.clear();
  if (!decoded.ok()) return fail("malformed PARAMS: " + decoded.error);
  for (auto& [name, value] : decoded.pairs) params_.insert_or_assign(name, std::move(value));
  return true;
}

bool RequestAssembler::on_stdin(const Record& record) {
  // The spec sends STDIN after the complete PARAMS stream; nginx does so too.
  if (!params_complete_) return fail("STDIN before the params stream ended");
  if (stdin_complete_) return fail("STDIN after the stdin stream ended");
  if (record.content.empty()) {
    stdin_complete_ = true;
    return true;
  }
  stdin_bytes_ += record.content.size();
  if (stdin_.size() < stdin_cap_) stdin_.append(record.content, 0, stdin_cap_ - stdin_.size());
  return true;
}

}  // namespace badgateway::fakes::fastcgi
