#pragma once
// One concurrency style for every fake: C++20 coroutines on Asio, expected errors as values.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>

namespace badgateway::fakes {

namespace asio = boost::asio;
namespace beast = boost::beast;

template <typename T = void>
using Task = asio::awaitable<T>;

inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// generic::stream_protocol carries both TCP and unix-domain sockets, so behaviours never care
// which one nginx connected through.
using Stream = beast::basic_stream<asio::generic::stream_protocol, asio::any_io_executor,
                                   beast::unlimited_rate_policy>;

}  // namespace badgateway::fakes
