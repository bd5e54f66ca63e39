// Builders for test and benchmark packets (Ethernet/VLAN/SLL, IPv4/IPv6, TCP/UDP, DNS
// responses, TLS ClientHellos) and a writer for the classic pcap file format.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "wardwatch/result.h"
#include "wardwatch/traffic/net.h"

namespace wardwatch::traffic::testing {

using Bytes = std::vector<std::uint8_t>;

// Parses an address literal; aborts on a typo in test code.
IpAddr Ip(const char* text);

Bytes Tcp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload = {},
          std::uint8_t flags = 0x18);
Bytes Udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload = {});

struct Ipv4Options {
  std::uint16_t fragment_offset = 0;  // in 8-byte units
  bool more_fragments = false;
  Bytes ip_options;  // padded to a multiple of 4 bytes
};
Bytes Ipv4(const IpAddr& src, const IpAddr& dst, std::uint8_t proto, const Bytes& l4,
           const Ipv4Options& o = {});
// ext_headers: pairs of (header type, full header bytes without the next-header byte handled:
// pass the header's bytes; the builder fills in each next-header field).
struct Ipv6Ext {
  std::uint8_t type;
  Bytes body;  // whole extension header; byte 0 (next header) is overwritten
};
Bytes Ipv6(const IpAddr& src, const IpAddr& dst, std::uint8_t proto, const Bytes& l4,
           const std::vector<Ipv6Ext>& ext = {});

// Ethernet frame around an IP packet (ethertype chosen from its version), with 802.1Q tags
// (outermost first; QinQ uses 0x88A8 for the outer one).
Bytes Ethernet(const Bytes& ip, const std::vector<std::uint16_t>& vlans = {});
Bytes LinuxSll(const Bytes& ip);

struct DnsRecord {
  std::string owner;
  std::uint16_t type;  // 1 A, 28 AAAA, 5 CNAME
  std::string value;   // address literal or CNAME target
};
// A response to `question` (type A) with the given answers; owners equal to the question name
// are written as compression pointers to it.
Bytes DnsResponse(const std::string& question, const std::vector<DnsRecord>& answers);
// A TLS 1.2-style record carrying a ClientHello with a server_name extension (after a few
// other extensions, as browsers send it).
Bytes TlsClientHello(const std::string& server_name);

// Writes the classic pcap format (microsecond timestamps, little-endian).
class PcapWriter {
 public:
  static Result<PcapWriter> Open(const std::string& path, int link_type, int snaplen = 65535);
  // Writes `frame` cut to the snaplen; the on-wire length is the frame's full size unless given.
  void Write(const Bytes& frame, double timestamp, std::uint32_t wire_len = 0);
  Status Close();

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> file_;
  int snaplen_ = 65535;
};

}  // namespace wardwatch::traffic::testing
