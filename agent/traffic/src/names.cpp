// DNS response and TLS ClientHello parsers, and the bounded LRU name cache.
#include "wardwatch/traffic/names.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace wardwatch::traffic {
namespace {

inline std::uint16_t Be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

constexpr std::size_t kMaxNameLength = 255;

// Reads a (possibly compressed) name starting at `pos`; sets `next` to the byte after the name
// in the record (after the first pointer when compressed).
Result<std::string> ReadName(std::span<const std::uint8_t> m, std::size_t pos, std::size_t& next) {
  std::string name;
  bool jumped = false;
  std::size_t limit = pos;  // a pointer must point strictly before the label that holds it
  for (;;) {
    if (pos >= m.size()) return MakeError("name runs past the end of the message");
    std::uint8_t len = m[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= m.size()) return MakeError("compression pointer cut off");
      std::size_t target = static_cast<std::size_t>(((len & 0x3F) << 8) | m[pos + 1]);
      if (target >= limit) return MakeError("compression pointer does not point backwards");
      if (!jumped) next = pos + 2;
      jumped = true;
      pos = target;
      limit = target;
      continue;
    }
    if ((len & 0xC0) != 0) return MakeError("unknown label type");
    if (len == 0) {
      if (!jumped) next = pos + 1;
      return name;
    }
    if (pos + 1 + len > m.size()) return MakeError("label runs past the end of the message");
    if (name.size() + len + 1 > kMaxNameLength) return MakeError("name longer than 255 bytes");
    if (!name.empty()) name.push_back('.');
    for (std::size_t i = 0; i < len; ++i) {
      name.push_back(static_cast<char>(std::tolower(m[pos + 1 + i])));
    }
    pos += 1 + len;
    if (!jumped) limit = pos;
  }
}

}  // namespace

Result<std::vector<DnsAddressAnswer>> ParseDnsResponse(std::span<const std::uint8_t> m) {
  if (m.size() < 12) return MakeError("DNS message shorter than its 12-byte header");
  if ((m[2] & 0x80) == 0) return MakeError("DNS message is a query, not a response");
  if ((m[3] & 0x0F) != 0)
    return MakeError("DNS response has error rcode " + std::to_string(m[3] & 0x0F));
  std::size_t qd = Be16(&m[4]), an = Be16(&m[6]);
  std::size_t pos = 12;
  std::string question;
  for (std::size_t i = 0; i < qd; ++i) {
    auto name = ReadName(m, pos, pos);
    if (!name) return MakeError("question " + std::to_string(i) + ": " + name.error());
    if (i == 0) question = std::move(*name);
    if (pos + 4 > m.size()) return MakeError("question type/class cut off");
    pos += 4;
  }
  std::unordered_map<std::string, std::string> cname_owner;  // target -> owner
  std::vector<DnsAddressAnswer> out;
  std::vector<std::string> owners;
  for (std::size_t i = 0; i < an; ++i) {
    auto owner = ReadName(m, pos, pos);
    if (!owner) return MakeError("answer " + std::to_string(i) + ": " + owner.error());
    if (pos + 10 > m.size()) return MakeError("answer " + std::to_string(i) + " header cut off");
    std::uint16_t type = Be16(&m[pos]);
    std::uint16_t rdlen = Be16(&m[pos + 8]);
    std::size_t rdata = pos + 10;
    if (rdata + rdlen > m.size()) return MakeError("answer " + std::to_string(i) + " data cut off");
    if (type == 1 && rdlen == 4) {
      out.push_back({IpAddr::V4(&m[rdata]), *owner});
    } else if (type == 28 && rdlen == 16) {
      out.push_back({IpAddr::V6(&m[rdata]), *owner});
    } else if (type == 1 || type == 28) {
      return MakeError("answer " + std::to_string(i) + ": address record of length " +
                       std::to_string(rdlen));
    } else if (type == 5) {
      std::size_t unused = 0;
      auto target = ReadName(m, rdata, unused);
      if (!target) return MakeError("answer " + std::to_string(i) + " CNAME: " + target.error());
      cname_owner.emplace(std::move(*target), *owner);
    }
    pos = rdata + rdlen;
  }
  // Walk each address record's owner back through the CNAME chain (bounded: chains are short,
  // and a hostile chain that loops stops at the bound).
  for (auto& a : out) {
    for (int hop = 0; hop < 16; ++hop) {
      auto it = cname_owner.find(a.name);
      if (it == cname_owner.end()) break;
      a.name = it->second;
    }
  }
  return out;
}

std::optional<std::string> ParseTlsClientHelloSni(std::span<const std::uint8_t> p) {
  // TLS record: type 22 (handshake), version 3.x, length; handshake type 1 (ClientHello).
  if (p.size() < 9 || p[0] != 22 || p[1] != 3 || p[5] != 1) return std::nullopt;
  std::size_t pos = 9 + 2 + 32;  // record header, handshake header, client version, random
  auto need = [&](std::size_t n) { return pos + n <= p.size(); };
  if (!need(1)) return std::nullopt;
  pos += 1 + p[pos];  // session id
  if (!need(2)) return std::nullopt;
  pos += 2 + Be16(&p[pos]);  // cipher suites
  if (!need(1)) return std::nullopt;
  pos += 1 + p[pos];  // compression methods
  if (!need(2)) return std::nullopt;
  std::size_t ext_end = pos + 2 + Be16(&p[pos]);
  pos += 2;
  while (pos + 4 <= std::min(ext_end, p.size())) {
    std::uint16_t type = Be16(&p[pos]);
    std::uint16_t len = Be16(&p[pos + 2]);
    pos += 4;
    if (type == 0) {
      // server_name list: list length(2), then name type(1) length(2) name
      if (!need(5) || p[pos + 2] != 0) return std::nullopt;
      std::size_t name_len = Be16(&p[pos + 3]);
      pos += 5;
      if (name_len == 0 || name_len > 255 || !need(name_len)) return std::nullopt;
      std::string name;
      for (std::size_t i = 0; i < name_len; ++i) {
        auto c = static_cast<char>(std::tolower(p[pos + i]));
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) {
          return std::nullopt;
        }
        name.push_back(c);
      }
      return name;
    }
    pos += len;
  }
  return std::nullopt;
}

std::string_view NameSourceName(NameSource s) { return s == NameSource::kDns ? "dns" : "sni"; }

void NameCache::Learn(const IpAddr& address, std::string name, NameSource source) {
  ++learned_[static_cast<int>(source)];
  auto it = map_.find(address);
  if (it != map_.end()) {
    auto& v = it->second->value;
    if (!(source == NameSource::kSni && v.source == NameSource::kDns)) {
      v = LearnedName{std::move(name), source};
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  if (map_.size() >= capacity_) {
    map_.erase(lru_.back().address);
    lru_.pop_back();
    ++evictions_;
  }
  lru_.push_front(Entry{address, LearnedName{std::move(name), source}});
  map_.emplace(address, lru_.begin());
}

const LearnedName* NameCache::Find(const IpAddr& address) {
  auto it = map_.find(address);
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->value;
}

}  // namespace wardwatch::traffic
