// Reads the TCP connection tables with owning pids and per-connection EStats (see the header).
// <ws2ipdef.h> before <iphlpapi.h>: it declares the EStats calls only when it is there.
// clang-format off
#include <winsock2.h>
#include <ws2ipdef.h>
#include <windows.h>
#include <iphlpapi.h>
#include <tcpestats.h>
// clang-format on

#include "collectors/tcp_connections_windows.h"

#include <cstring>

#include "win32.h"

namespace wardwatch::agent::win {
namespace {

static_assert(sizeof(MIB_TCPROW_OWNER_PID) == 24);
static_assert(offsetof(MIB_TCPROW_OWNER_PID, dwOwningPid) == 20);
static_assert(sizeof(MIB_TCP6ROW_OWNER_PID) == 56);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwLocalScopeId) == 16);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwLocalPort) == 20);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, ucRemoteAddr) == 24);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwRemoteScopeId) == 40);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwRemotePort) == 44);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwState) == 48);
static_assert(offsetof(MIB_TCP6ROW_OWNER_PID, dwOwningPid) == 52);
static_assert(sizeof(TCP_ESTATS_DATA_ROD_v0) == 96);
static_assert(offsetof(TCP_ESTATS_DATA_ROD_v0, DataBytesIn) == 16);
static_assert(offsetof(TCP_ESTATS_DATA_ROD_v0, SegsOut) == 32);
static_assert(offsetof(TCP_ESTATS_DATA_ROD_v0, SegsIn) == 40);

MIB_TCPROW RowOf(const winconv::TcpOwnerRow& r) {
  MIB_TCPROW row{};
  row.dwState = r.state;
  row.dwLocalAddr = r.local_addr;
  row.dwLocalPort = ::htons(r.local_port);
  row.dwRemoteAddr = r.remote_addr;
  row.dwRemotePort = ::htons(r.remote_port);
  return row;
}

MIB_TCP6ROW RowOf(const winconv::TcpOwnerRow6& r) {
  MIB_TCP6ROW row{};
  row.State = static_cast<MIB_TCP_STATE>(r.state);
  std::memcpy(&row.LocalAddr, r.local_addr.data(), 16);
  row.dwLocalScopeId = r.local_scope_id;
  row.dwLocalPort = ::htons(r.local_port);
  std::memcpy(&row.RemoteAddr, r.remote_addr.data(), 16);
  row.dwRemoteScopeId = r.remote_scope_id;
  row.dwRemotePort = ::htons(r.remote_port);
  return row;
}

constexpr const char* kWineHasNoEstats = "not implemented by Wine (its stub would abort the agent)";

template <class Parse>
auto ReadTable(ULONG family, std::size_t row_size, const char* what, Parse parse)
    -> decltype(parse(std::span<const std::uint8_t>())) {
  std::vector<std::uint8_t> buf;
  DWORD size = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {  // the table can grow between the calls
    const DWORD rc = ::GetExtendedTcpTable(buf.empty() ? nullptr : buf.data(), &size, FALSE, family,
                                           TCP_TABLE_OWNER_PID_ALL, 0);
    if (rc == NO_ERROR) {
      buf.resize(size);
      return parse(buf);
    }
    if (rc != ERROR_INSUFFICIENT_BUFFER) {
      return MakeError(std::string("GetExtendedTcpTable(") + what +
                       ", TCP_TABLE_OWNER_PID_ALL): " + ErrorText(rc));
    }
    buf.resize(size + 16 * row_size);
    size = static_cast<DWORD>(buf.size());
  }
  return MakeError(std::string("GetExtendedTcpTable(") + what +
                   ", TCP_TABLE_OWNER_PID_ALL): the table kept growing");
}

Status Failed(const char* call, ULONG rc, std::uint32_t* win32_error) {
  if (win32_error) *win32_error = rc;
  return MakeError(std::string(call) + ": " + ErrorText(rc));
}

Status WineRefusal(const char* call, std::uint32_t* win32_error) {
  if (win32_error) *win32_error = ERROR_CALL_NOT_IMPLEMENTED;
  return MakeError(std::string(call) + ": " + kWineHasNoEstats);
}

}  // namespace

bool RunningUnderWine() {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

Result<std::vector<winconv::TcpOwnerRow>> ReadTcpConnectionsV4() {
  return ReadTable(AF_INET, sizeof(MIB_TCPROW_OWNER_PID), "AF_INET",
                   winconv::ParseTcpTableOwnerPid);
}

Result<std::vector<winconv::TcpOwnerRow6>> ReadTcpConnectionsV6() {
  return ReadTable(AF_INET6, sizeof(MIB_TCP6ROW_OWNER_PID), "AF_INET6",
                   winconv::ParseTcp6TableOwnerPid);
}

Status EnableTcpEstats(const winconv::TcpOwnerRow& r, std::uint32_t* win32_error) {
  if (RunningUnderWine()) return WineRefusal("SetPerTcpConnectionEStats", win32_error);
  MIB_TCPROW row = RowOf(r);
  TCP_ESTATS_DATA_RW_v0 rw{};
  rw.EnableCollection = TRUE;
  const ULONG rc = ::SetPerTcpConnectionEStats(&row, TcpConnectionEstatsData,
                                               reinterpret_cast<PUCHAR>(&rw), 0, sizeof rw, 0);
  if (rc != NO_ERROR) return Failed("SetPerTcpConnectionEStats", rc, win32_error);
  return Status::Ok();
}

Status EnableTcpEstats(const winconv::TcpOwnerRow6& r, std::uint32_t* win32_error) {
  if (RunningUnderWine()) return WineRefusal("SetPerTcp6ConnectionEStats", win32_error);
  MIB_TCP6ROW row = RowOf(r);
  TCP_ESTATS_DATA_RW_v0 rw{};
  rw.EnableCollection = TRUE;
  const ULONG rc = ::SetPerTcp6ConnectionEStats(&row, TcpConnectionEstatsData,
                                                reinterpret_cast<PUCHAR>(&rw), 0, sizeof rw, 0);
  if (rc != NO_ERROR) return Failed("SetPerTcp6ConnectionEStats", rc, win32_error);
  return Status::Ok();
}

Result<winconv::TcpDataStats> ReadTcpEstats(const winconv::TcpOwnerRow& r,
                                            std::uint32_t* win32_error) {
  if (RunningUnderWine())
    return MakeError(WineRefusal("GetPerTcpConnectionEStats", win32_error).error());
  MIB_TCPROW row = RowOf(r);
  std::uint8_t rod[sizeof(TCP_ESTATS_DATA_ROD_v0)] = {};
  const ULONG rc = ::GetPerTcpConnectionEStats(&row, TcpConnectionEstatsData, nullptr, 0, 0,
                                               nullptr, 0, 0, rod, 0, sizeof rod);
  if (rc != NO_ERROR)
    return MakeError(Failed("GetPerTcpConnectionEStats", rc, win32_error).error());
  return winconv::ParseTcpEstatsData(rod);
}

Result<winconv::TcpDataStats> ReadTcpEstats(const winconv::TcpOwnerRow6& r,
                                            std::uint32_t* win32_error) {
  if (RunningUnderWine())
    return MakeError(WineRefusal("GetPerTcp6ConnectionEStats", win32_error).error());
  MIB_TCP6ROW row = RowOf(r);
  std::uint8_t rod[sizeof(TCP_ESTATS_DATA_ROD_v0)] = {};
  const ULONG rc = ::GetPerTcp6ConnectionEStats(&row, TcpConnectionEstatsData, nullptr, 0, 0,
                                                nullptr, 0, 0, rod, 0, sizeof rod);
  if (rc != NO_ERROR)
    return MakeError(Failed("GetPerTcp6ConnectionEStats", rc, win32_error).error());
  return winconv::ParseTcpEstatsData(rod);
}

}  // namespace wardwatch::agent::win
