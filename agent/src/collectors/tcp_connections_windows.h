// TCP connections with their owning process (GetExtendedTcpTable, TCP_TABLE_OWNER_PID_ALL)
// and, where Windows permits (administrator), each connection's data bytes through
// GetPerTcpConnectionEStats after SetPerTcpConnectionEStats switched collection on. The
// building blocks of per-application network attribution on Windows; not yet wired into a
// report section. Included only by *_windows.cpp files and the Windows tests.
#pragma once

#include <vector>

#include "collectors/windows_ioctl.h"
#include "wardwatch/result.h"

namespace wardwatch::agent::win {

// IPv4 connections (and listeners) with their owning pid.
Result<std::vector<winconv::TcpOwnerRow>> ReadTcpConnectionsV4();

// Switches EStats data collection on for the connection (needs administrator; counting
// starts then, so the first read shows only what came after it).
Status EnableTcpEstats(const winconv::TcpOwnerRow& row);
// The connection's data bytes and segments; an error names why (ERROR_ACCESS_DENIED: not
// administrator; ERROR_NOT_FOUND: the connection closed; not supported).
Result<winconv::TcpDataStats> ReadTcpEstats(const winconv::TcpOwnerRow& row);

}  // namespace wardwatch::agent::win
