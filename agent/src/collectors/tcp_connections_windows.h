// TCP connections with their owning process (GetExtendedTcpTable, TCP_TABLE_OWNER_PID_ALL, IPv4
// and IPv6) and, where Windows permits (administrator), each connection's data bytes through
// Get(Per)Tcp(6)ConnectionEStats after SetPerTcp(6)ConnectionEStats switched collection on.
// The traffic collector (traffic_windows.cpp) samples them. Included only by *_windows.cpp
// files and the Windows tests.
#pragma once

#include <cstdint>
#include <vector>

#include "collectors/windows_ioctl.h"
#include "wardwatch/result.h"

namespace wardwatch::agent::win {

// Connections (and listeners) with their owning pid.
Result<std::vector<winconv::TcpOwnerRow>> ReadTcpConnectionsV4();
Result<std::vector<winconv::TcpOwnerRow6>> ReadTcpConnectionsV6();

// Switches EStats data collection on for the connection (needs administrator; counting
// starts then, so the first read shows only what came after it). On failure `win32_error`
// (when given) receives the call's error: ERROR_ACCESS_DENIED (not administrator),
// ERROR_NOT_FOUND (the connection closed), ERROR_CALL_NOT_IMPLEMENTED under Wine, whose stubs
// would abort the process and are never called.
Status EnableTcpEstats(const winconv::TcpOwnerRow& row, std::uint32_t* win32_error = nullptr);
Status EnableTcpEstats(const winconv::TcpOwnerRow6& row, std::uint32_t* win32_error = nullptr);
// The connection's data bytes and segments; an error names why (and sets `win32_error`).
Result<winconv::TcpDataStats> ReadTcpEstats(const winconv::TcpOwnerRow& row,
                                            std::uint32_t* win32_error = nullptr);
Result<winconv::TcpDataStats> ReadTcpEstats(const winconv::TcpOwnerRow6& row,
                                            std::uint32_t* win32_error = nullptr);

// Wine (ntdll exports wine_get_version).
bool RunningUnderWine();

}  // namespace wardwatch::agent::win
