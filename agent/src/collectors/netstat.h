// netstat: TCP/UDP/IP protocol counters from /proc/net/snmp, /proc/net/netstat and
// /proc/net/snmp6, keyed the way node_exporter names them ("Tcp_RetransSegs").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "collector.h"

namespace wardwatch::agent {

using NetstatMap = std::map<std::string, std::uint64_t>;

// Parses the paired-line format of /proc/net/snmp and /proc/net/netstat ("Tcp: A B" followed
// by "Tcp: 1 2") into "Tcp_A" -> 1. Negative values (Tcp MaxConn is -1) are left out. `file`
// names the source in error messages.
Result<NetstatMap> ParseNetstat(std::string_view text, std::string_view file);
// Parses /proc/net/snmp6 ("Ip6InReceives 12" per line) into "Ip6_InReceives" -> 12.
Result<NetstatMap> ParseSnmp6(std::string_view text);
// node_exporter's default --collector.netstat.fields: the counters worth sending.
bool NetstatFieldWanted(std::string_view key);

std::unique_ptr<Collector> NewNetstatCollector();

}  // namespace wardwatch::agent
