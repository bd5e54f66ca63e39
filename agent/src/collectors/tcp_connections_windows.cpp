// Reads the TCP connection table with owning pids and per-connection EStats (see the header).
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
static_assert(sizeof(TCP_ESTATS_DATA_ROD_v0) == 96);
static_assert(offsetof(TCP_ESTATS_DATA_ROD_v0, DataBytesIn) == 16);

MIB_TCPROW RowOf(const winconv::TcpOwnerRow& r) {
  MIB_TCPROW row{};
  row.dwState = r.state;
  row.dwLocalAddr = r.local_addr;
  row.dwLocalPort = ::htons(r.local_port);
  row.dwRemoteAddr = r.remote_addr;
  row.dwRemotePort = ::htons(r.remote_port);
  return row;
}

// Wine 8 exports the EStats calls as stubs that abort the process when called: never call them
// there (ntdll's wine_get_version tells Wine apart).
bool RunningUnderWine() {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll != nullptr && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

constexpr const char* kWineHasNoEstats = "not implemented by Wine (its stub would abort the agent)";

}  // namespace

Result<std::vector<winconv::TcpOwnerRow>> ReadTcpConnectionsV4() {
  std::vector<std::uint8_t> buf;
  DWORD size = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {  // the table can grow between the calls
    const DWORD rc = ::GetExtendedTcpTable(buf.empty() ? nullptr : buf.data(), &size, FALSE,
                                           AF_INET, TCP_TABLE_OWNER_PID_ALL, 0);
    if (rc == NO_ERROR) {
      buf.resize(size);
      return winconv::ParseTcpTableOwnerPid(buf);
    }
    if (rc != ERROR_INSUFFICIENT_BUFFER) {
      return MakeError("GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL): " + ErrorText(rc));
    }
    buf.resize(size + 16 * sizeof(MIB_TCPROW_OWNER_PID));
    size = static_cast<DWORD>(buf.size());
  }
  return MakeError("GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL): the table kept growing");
}

Status EnableTcpEstats(const winconv::TcpOwnerRow& r) {
  if (RunningUnderWine())
    return MakeError(std::string("SetPerTcpConnectionEStats: ") + kWineHasNoEstats);
  MIB_TCPROW row = RowOf(r);
  TCP_ESTATS_DATA_RW_v0 rw{};
  rw.EnableCollection = TRUE;
  const ULONG rc = ::SetPerTcpConnectionEStats(&row, TcpConnectionEstatsData,
                                               reinterpret_cast<PUCHAR>(&rw), 0, sizeof rw, 0);
  if (rc != NO_ERROR) return MakeError("SetPerTcpConnectionEStats: " + ErrorText(rc));
  return Status::Ok();
}

Result<winconv::TcpDataStats> ReadTcpEstats(const winconv::TcpOwnerRow& r) {
  if (RunningUnderWine())
    return MakeError(std::string("GetPerTcpConnectionEStats: ") + kWineHasNoEstats);
  MIB_TCPROW row = RowOf(r);
  std::uint8_t rod[sizeof(TCP_ESTATS_DATA_ROD_v0)] = {};
  const ULONG rc = ::GetPerTcpConnectionEStats(&row, TcpConnectionEstatsData, nullptr, 0, 0,
                                               nullptr, 0, 0, rod, 0, sizeof rod);
  if (rc != NO_ERROR) return MakeError("GetPerTcpConnectionEStats: " + ErrorText(rc));
  return winconv::ParseTcpEstatsData(rod);
}

}  // namespace wardwatch::agent::win
