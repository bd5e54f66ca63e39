// Learning names for remote addresses from the capture itself: DNS answers (A/AAAA, following
// CNAME chains back to the name that was asked for) and the TLS ClientHello server name (SNI).
// Only names are kept, never payload.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "wardwatch/result.h"
#include "wardwatch/traffic/net.h"

namespace wardwatch::traffic {

struct DnsAddressAnswer {
  IpAddr address;
  std::string name;  // the question name when the answer is reached through CNAMEs
};

// Parses a DNS response message (UDP payload). Returns the address records, each named after the
// start of its CNAME chain. Errors name the first malformed field. Compression pointers may only
// point backwards, which rules out loops, and names are capped at 255 bytes.
Result<std::vector<DnsAddressAnswer>> ParseDnsResponse(std::span<const std::uint8_t> message);

// Extracts the server name from the start of a TLS stream carrying a ClientHello. Returns
// nullopt when the bytes are not a ClientHello or the SNI lies beyond the captured bytes.
std::optional<std::string> ParseTlsClientHelloSni(std::span<const std::uint8_t> payload);

enum class NameSource : std::uint8_t { kDns = 0, kSni = 1 };
std::string_view NameSourceName(NameSource s);

struct LearnedName {
  std::string name;
  NameSource source = NameSource::kDns;
};

// Bounded IP -> name map with least-recently-used eviction. SNI wins over DNS for the same
// address only if no DNS name is known (the DNS question is what the user's program asked for).
class NameCache {
 public:
  explicit NameCache(std::size_t capacity = 4096) : capacity_(capacity == 0 ? 1 : capacity) {}
  void Learn(const IpAddr& address, std::string name, NameSource source);
  // Looks a name up and marks it recently used.
  const LearnedName* Find(const IpAddr& address);
  std::size_t size() const { return map_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t evictions() const { return evictions_; }
  std::uint64_t learned_dns() const { return learned_[0]; }
  std::uint64_t learned_sni() const { return learned_[1]; }

 private:
  struct Entry {
    IpAddr address;
    LearnedName value;
  };
  std::size_t capacity_;
  std::list<Entry> lru_;  // front = most recently used
  std::unordered_map<IpAddr, std::list<Entry>::iterator, IpAddrHash> map_;
  std::uint64_t evictions_ = 0;
  std::uint64_t learned_[2] = {0, 0};
};

}  // namespace wardwatch::traffic
