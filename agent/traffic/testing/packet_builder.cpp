// Packet and pcap-file builders for tests and the benchmark.
#include "packet_builder.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace wardwatch::traffic::testing {
namespace {

void Put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void Put32(Bytes& b, std::uint32_t v) {
  Put16(b, static_cast<std::uint16_t>(v >> 16));
  Put16(b, static_cast<std::uint16_t>(v));
}
void Append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }

void PutName(Bytes& b, const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    b.push_back(static_cast<std::uint8_t>(dot - start));
    b.insert(b.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
             name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  b.push_back(0);
}

}  // namespace

IpAddr Ip(const char* text) {
  auto a = ParseIpAddr(text);
  if (!a) {
    std::cerr << a.error() << "\n";
    std::abort();
  }
  return *a;
}

Bytes Tcp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload, std::uint8_t flags) {
  Bytes b;
  Put16(b, sport);
  Put16(b, dport);
  Put32(b, 1);        // seq
  Put32(b, 0);        // ack
  b.push_back(0x50);  // data offset 5
  b.push_back(flags);
  Put16(b, 65535);  // window
  Put16(b, 0);      // checksum (not checked)
  Put16(b, 0);      // urgent
  Append(b, payload);
  return b;
}

Bytes Udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
  Bytes b;
  Put16(b, sport);
  Put16(b, dport);
  Put16(b, static_cast<std::uint16_t>(8 + payload.size()));
  Put16(b, 0);
  Append(b, payload);
  return b;
}

Bytes Ipv4(const IpAddr& src, const IpAddr& dst, std::uint8_t proto, const Bytes& l4,
           const Ipv4Options& o) {
  Bytes opts = o.ip_options;
  while (opts.size() % 4 != 0) opts.push_back(0);
  std::size_t ihl = 20 + opts.size();
  Bytes b;
  b.push_back(static_cast<std::uint8_t>(0x40 | (ihl / 4)));
  b.push_back(0);
  Put16(b, static_cast<std::uint16_t>(ihl + l4.size()));
  Put16(b, 0x1234);
  Put16(b, static_cast<std::uint16_t>((o.more_fragments ? 0x2000 : 0) | o.fragment_offset));
  b.push_back(64);
  b.push_back(proto);
  Put16(b, 0);
  b.insert(b.end(), src.bytes.begin(), src.bytes.begin() + 4);
  b.insert(b.end(), dst.bytes.begin(), dst.bytes.begin() + 4);
  Append(b, opts);
  Append(b, l4);
  return b;
}

Bytes Ipv6(const IpAddr& src, const IpAddr& dst, std::uint8_t proto, const Bytes& l4,
           const std::vector<Ipv6Ext>& ext) {
  Bytes exts;
  std::uint8_t first = ext.empty() ? proto : ext.front().type;
  for (std::size_t i = 0; i < ext.size(); ++i) {
    Bytes h = ext[i].body;
    if (!h.empty()) h[0] = i + 1 < ext.size() ? ext[i + 1].type : proto;
    Append(exts, h);
  }
  Bytes b;
  Put32(b, 0x60000000);
  Put16(b, static_cast<std::uint16_t>(exts.size() + l4.size()));
  b.push_back(first);
  b.push_back(64);
  b.insert(b.end(), src.bytes.begin(), src.bytes.end());
  b.insert(b.end(), dst.bytes.begin(), dst.bytes.end());
  Append(b, exts);
  Append(b, l4);
  return b;
}

Bytes Ethernet(const Bytes& ip, const std::vector<std::uint16_t>& vlans) {
  Bytes b = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
  std::uint16_t ethertype = (!ip.empty() && (ip[0] >> 4) == 6) ? 0x86DD : 0x0800;
  for (std::size_t i = 0; i < vlans.size(); ++i) {
    Put16(b, vlans.size() > 1 && i == 0 ? 0x88A8 : 0x8100);
    Put16(b, vlans[i]);
  }
  Put16(b, ethertype);
  Append(b, ip);
  return b;
}

Bytes LinuxSll(const Bytes& ip) {
  Bytes b;
  Put16(b, 0);  // packet type: to us
  Put16(b, 1);  // ARPHRD_ETHER
  Put16(b, 6);
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(i < 6 ? 0x02 : 0));
  Put16(b, (!ip.empty() && (ip[0] >> 4) == 6) ? 0x86DD : 0x0800);
  Append(b, ip);
  return b;
}

Bytes DnsResponse(const std::string& question, const std::vector<DnsRecord>& answers) {
  Bytes b;
  Put16(b, 0xBEEF);
  Put16(b, 0x8180);  // response, recursion desired/available, rcode 0
  Put16(b, 1);
  Put16(b, static_cast<std::uint16_t>(answers.size()));
  Put16(b, 0);
  Put16(b, 0);
  PutName(b, question);  // at offset 12
  Put16(b, 1);
  Put16(b, 1);
  for (const auto& r : answers) {
    if (r.owner == question) {
      Put16(b, 0xC00C);
    } else {
      PutName(b, r.owner);
    }
    Put16(b, r.type);
    Put16(b, 1);
    Put32(b, 300);
    Bytes rdata;
    if (r.type == 5) {
      PutName(rdata, r.value);
    } else {
      IpAddr a = Ip(r.value.c_str());
      rdata.assign(a.bytes.begin(), a.bytes.begin() + (a.is_v4() ? 4 : 16));
    }
    Put16(b, static_cast<std::uint16_t>(rdata.size()));
    Append(b, rdata);
  }
  return b;
}

Bytes TlsClientHello(const std::string& server_name) {
  Bytes exts;
  // ec_point_formats, supported_groups: extensions a browser sends before server_name.
  Put16(exts, 11);
  Put16(exts, 2);
  exts.push_back(1);
  exts.push_back(0);
  Put16(exts, 10);
  Put16(exts, 4);
  Put16(exts, 2);
  Put16(exts, 29);
  Put16(exts, 0);  // server_name
  Put16(exts, static_cast<std::uint16_t>(server_name.size() + 5));
  Put16(exts, static_cast<std::uint16_t>(server_name.size() + 3));
  exts.push_back(0);
  Put16(exts, static_cast<std::uint16_t>(server_name.size()));
  exts.insert(exts.end(), server_name.begin(), server_name.end());

  Bytes hello;
  Put16(hello, 0x0303);
  for (int i = 0; i < 32; ++i) hello.push_back(static_cast<std::uint8_t>(i));  // random
  hello.push_back(32);
  for (int i = 0; i < 32; ++i) hello.push_back(0xAA);  // session id
  Put16(hello, 4);
  Put16(hello, 0x1301);
  Put16(hello, 0xC02F);
  hello.push_back(1);
  hello.push_back(0);
  Put16(hello, static_cast<std::uint16_t>(exts.size()));
  Append(hello, exts);

  Bytes b = {22, 3, 1};
  Put16(b, static_cast<std::uint16_t>(hello.size() + 4));
  b.push_back(1);  // ClientHello
  b.push_back(0);
  Put16(b, static_cast<std::uint16_t>(hello.size()));
  Append(b, hello);
  return b;
}

Result<PcapWriter> PcapWriter::Open(const std::string& path, int link_type, int snaplen) {
  PcapWriter w;
  w.file_.reset(std::fopen(path.c_str(), "wb"));
  if (!w.file_) return MakeError("cannot create " + path + ": " + std::strerror(errno));
  w.snaplen_ = snaplen;
  std::uint32_t header[6] = {0xA1B2C3D4,
                             0x00040002,
                             0,
                             0,
                             static_cast<std::uint32_t>(snaplen),
                             static_cast<std::uint32_t>(link_type)};
  // 0x00040002 read as two little-endian uint16: major 2, minor 4.
  std::fwrite(header, sizeof header, 1, w.file_.get());
  return w;
}

void PcapWriter::Write(const Bytes& frame, double timestamp, std::uint32_t wire_len) {
  auto cap = static_cast<std::uint32_t>(
      frame.size() < static_cast<std::size_t>(snaplen_) ? frame.size() : snaplen_);
  auto sec = static_cast<std::uint32_t>(timestamp);
  auto usec = static_cast<std::uint32_t>((timestamp - sec) * 1e6 + 0.5);
  if (usec >= 1000000) usec = 999999;
  std::uint32_t rec[4] = {sec, usec, cap,
                          wire_len ? wire_len : static_cast<std::uint32_t>(frame.size())};
  std::fwrite(rec, sizeof rec, 1, file_.get());
  std::fwrite(frame.data(), 1, cap, file_.get());
}

Status PcapWriter::Close() {
  if (!file_) return Status::Ok();
  bool ok = std::fflush(file_.get()) == 0 && !std::ferror(file_.get());
  file_.reset();
  if (!ok) return MakeError("writing the pcap file failed");
  return Status::Ok();
}

}  // namespace wardwatch::traffic::testing
