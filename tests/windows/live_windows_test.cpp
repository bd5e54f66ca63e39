// The Windows collectors, file access and WinHTTP transport on the running system (under Wine
// in CI): what Wine implements must come back plausible, what it does not must be absent,
// never an error.
#include <doctest/doctest.h>
#include <winsock2.h>
#include <ws2tcpip.h>
// after winsock2.h (windows.h)
#include <aclapi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "agent.h"
#include "collectors/apps.h"
#include "collectors/cpuinfo.h"
#include "collectors/foreground.h"
#include "collectors/processes.h"
#include "collectors/tcp_connections_windows.h"
#include "collectors/tcp_traffic.h"
#include "fsutil.h"
#include "http_client.h"
#include "loopback_windows.h"
#include "options.h"
#include "platform.h"
#include "state.h"
#include "win32.h"

using namespace wardwatch;
using namespace wardwatch::agent;

namespace {

Report CollectOne(const char* name) {
  Report report;
  CollectContext ctx;
  for (const auto& e : AllCollectors()) {
    if (e.name != name) continue;
    auto c = e.make();
    auto s = c->Collect(ctx, report);
    INFO(name << ": " << (s ? "" : s.error()));
    CHECK(s.ok());
  }
  return report;
}

std::string TempDir(const char* name) {
  char buf[MAX_PATH];
  ::GetTempPathA(MAX_PATH, buf);
  std::string dir =
      std::string(buf) + "wardwatch-test-" + name + "-" + std::to_string(::GetCurrentProcessId());
  REQUIRE(EnsureDir(dir).ok());
  return dir;
}

}  // namespace

TEST_CASE("cpu: per-CPU seconds that grow") {
  auto a = CollectOne("cpu");
  REQUIRE(!a.system.cpus.empty());
  double busy = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < until) busy += 1;  // burn a little CPU
  auto b = CollectOne("cpu");
  REQUIRE(b.system.cpus.size() == a.system.cpus.size());
  double total_a = 0, total_b = 0;
  for (const auto& c : a.system.cpus) total_a += c.user + c.system + c.idle;
  for (const auto& c : b.system.cpus) total_b += c.user + c.system + c.idle;
  CHECK(total_b > total_a);
  CHECK(busy > 0);
}

TEST_CASE("meminfo: total and available memory") {
  auto r = CollectOne("meminfo");
  CHECK(r.system.meminfo["MemTotal"] > (64u << 20));
  CHECK(r.system.meminfo["MemAvailable"] <= r.system.meminfo["MemTotal"]);
}

TEST_CASE("filesystem: the system drive is listed") {
  auto r = CollectOne("filesystem");
  bool c_drive = false;
  for (const auto& f : r.system.filesystems) {
    if (f.mountpoint == "C:") {
      c_drive = true;
      CHECK(f.size_bytes > 0);
      CHECK(f.avail_bytes <= f.size_bytes);
    }
  }
  CHECK(c_drive);
}

TEST_CASE("netdev: loopback or an adapter, with counters") {
  auto r = CollectOne("netdev");
  CHECK(!r.network.interfaces.empty());
  for (const auto& i : r.network.interfaces) CHECK(!i.name.empty());
}

TEST_CASE("os: Windows with a build number") {
  auto r = CollectOne("os");
  REQUIRE(r.system.os);
  CHECK(r.system.os->sysname == "Windows_NT");
  CHECK(r.system.os->os_release["ID"] == "windows");
  CHECK(!r.system.os->os_release["BUILD_ID"].empty());
  REQUIRE(r.system.os->boot_time_seconds);
}

TEST_CASE("dmi, packages: read without errors (Wine fills little)") {
  (void)CollectOne("dmi");
  auto r = CollectOne("packages");
  REQUIRE(r.software);
  CHECK(!r.software->inventory_hash.empty());
}

TEST_CASE("collectors Windows does not expose report absent, not failed") {
  for (const char* name : {"hwmon", "thermal", "pressure", "loadavg", "netlink"}) {
    auto r = CollectOne(name);
    (void)r;
  }
}

TEST_CASE("wireless: Native Wifi levels on netdev's interfaces, or nothing; never an error") {
  Report report = CollectOne("netdev");
  CollectContext ctx;
  for (const auto& e : AllCollectors()) {
    if (e.name != "wireless") continue;
    auto c = e.make();
    auto s = c->Collect(ctx, report);
    CHECK_MESSAGE(s.ok(), s.error());
    CHECK(c->Collect(ctx, report).ok());  // the handle is kept (or retried) between collections
  }
  for (const auto& iface : report.network.interfaces) {
    if (!iface.wireless) continue;  // Wine 8 lists no Wi-Fi interface
    CHECK(iface.wireless->link_quality >= 0);
    CHECK(iface.wireless->link_quality <= 100);
    CHECK(iface.wireless->signal_dbm < 0);
  }
}

TEST_CASE("vmstat: pgfault, pgmajfault and pswpout, or absent where nothing is counted") {
  auto a = CollectOne("vmstat");
  REQUIRE(a.hardware);
  const auto& absent = a.hardware->absent;
  if (std::find(absent.begin(), absent.end(), "vmstat") != absent.end()) {
    MESSAGE("vmstat absent (the system counts no page faults: Wine)");
    CHECK(a.hardware->vmstat.empty());
    return;
  }
  const auto& v = a.hardware->vmstat;
  REQUIRE(v.size() == 3);
  CHECK(v.at("pgfault") > 0);
  CHECK(v.at("pgmajfault") <= v.at("pgfault"));
  CHECK(v.count("pswpout") == 1);
  CHECK(v.count("pswpin") == 0);  // Windows does not count page-file reads apart
}

TEST_CASE("battery: a battery with sane values, or absent") {
  auto r = CollectOne("battery");
  REQUIRE(r.hardware);
  const bool absent = std::find(r.hardware->absent.begin(), r.hardware->absent.end(), "battery") !=
                      r.hardware->absent.end();
  CHECK(absent == r.hardware->batteries.empty());
  for (const auto& b : r.hardware->batteries) {
    CHECK(b.name.rfind("BAT", 0) == 0);
    if (b.capacity_ratio) CHECK((*b.capacity_ratio >= 0 && *b.capacity_ratio <= 1));
    if (b.wear_ratio) CHECK((*b.wear_ratio >= 0 && *b.wear_ratio <= 1));
  }
  MESSAGE("batteries: " << r.hardware->batteries.size());
}

TEST_CASE("disks, diskstats, smart: physical drives as Windows shows them, or absent") {
  Report r;
  CollectContext ctx;
  // In registry order, as the agent runs them: smart reads the disks the disks collector found.
  for (const auto& e : AllCollectors()) {
    if (e.name != "disks" && e.name != "smart" && e.name != "diskstats") continue;
    auto s = e.make()->Collect(ctx, r);
    INFO(e.name << ": " << (s ? "" : s.error()));
    CHECK(s.ok());
  }
  REQUIRE(r.hardware);
  const auto& hw = *r.hardware;
  const auto is_absent = [&](const char* what) {
    return std::find(hw.absent.begin(), hw.absent.end(), what) != hw.absent.end();
  };
  CHECK(is_absent("disks") == hw.disks.empty());
  CHECK(is_absent("diskstats") == hw.diskstats.empty());
  int boot = 0;
  for (const auto& d : hw.disks) {
    INFO(d.name);
    CHECK(d.name.rfind("PhysicalDrive", 0) == 0);
    CHECK(d.size_bytes > 0);
    boot += d.boot ? 1 : 0;
    // SMART either came back or says why not (Wine's disk is SCSI: "not read over SCSI").
    if (!d.smart_collected_at_ms) CHECK(!d.smart_unavailable.empty());
  }
  CHECK(boot <= 1);
  for (const auto& s : hw.diskstats) {
    CHECK(s.device.rfind("PhysicalDrive", 0) == 0);
    CHECK(s.io_time_seconds >= 0);
  }
  MESSAGE("disks: " << hw.disks.size() << ", with I/O counters: " << hw.diskstats.size()
                    << ", smart absent: " << is_absent("smart")
                    << ", needs privilege: " << hw.needs_privilege.size());
}

TEST_CASE("netstat: TCP segments counted, and a loopback exchange adds to them") {
  auto a = CollectOne("netstat");
  auto& before = a.network.netstat;
  for (const char* key : {"Tcp_InSegs", "Tcp_OutSegs", "Tcp_ActiveOpens", "Tcp_RetransSegs",
                          "Udp_InDatagrams", "Udp_OutDatagrams"}) {
    INFO(key);
    CHECK(before.count(key) == 1);
  }
  {
    // One connection and a few bytes each way on 127.0.0.1.
    WSADATA wsa;
    ::WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET l = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(l, 1) == 0);
    int len = sizeof addr;
    ::getsockname(l, reinterpret_cast<sockaddr*>(&addr), &len);
    SOCKET c = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    REQUIRE(::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    SOCKET s = ::accept(l, nullptr, nullptr);
    char buf[4] = {};
    CHECK(::send(c, "ping", 4, 0) == 4);
    CHECK(::recv(s, buf, 4, 0) == 4);
    ::closesocket(c);
    ::closesocket(s);
    ::closesocket(l);
  }
  auto b = CollectOne("netstat");
  CHECK(b.network.netstat["Tcp_ActiveOpens"] > before["Tcp_ActiveOpens"]);
  CHECK(b.network.netstat["Tcp_OutSegs"] >= before["Tcp_OutSegs"] + 3);
}

TEST_CASE("routes: gateways and resolvers are addresses") {
  auto r = CollectOne("routes");
  for (const auto& g : r.network.default_gateways) {
    INFO(g);
    CHECK(g.find_first_not_of("0123456789abcdef.:%") != 0);
    CHECK(g != "0.0.0.0");
  }
  for (const auto& d : r.network.dns_servers) {
    INFO(d);
    CHECK(d.rfind("fec0:0:0:ffff::", 0) != 0);
  }
  MESSAGE("gateways: " << r.network.default_gateways.size()
                       << ", resolvers: " << r.network.dns_servers.size());
}

TEST_CASE("processes: this test process is in the sweep with its CPU time and memory") {
  auto sweep = SweepProcesses("", SweepOptions{}, 0);
  REQUIRE(sweep);
  const auto me = static_cast<std::int64_t>(::GetCurrentProcessId());
  bool found = false;
  for (const auto& p : sweep->processes) {
    if (p.pid != me) continue;
    found = true;
    CHECK(p.comm == "windows_agent_test");
    CHECK(p.exe.find("windows_agent_test") != std::string::npos);
    CHECK(p.rss_bytes > 0);
    CHECK(p.start_time > 1.6e9);
  }
  CHECK(found);
  auto probe = NewForegroundProbe("");
  auto s = probe->Sample();
  if (!s.available) CHECK(!s.unavailable_reason.empty());
}

TEST_CASE("files: atomic replace, durable append, listing, removal") {
  const std::string dir = TempDir("files");
  REQUIRE(WriteFileAtomic(dir + "/state", "one\n").ok());
  REQUIRE(WriteFileAtomic(dir + "/state", "two\n").ok());  // replaces an existing file
  CHECK(*ReadTrimmed(dir + "/state") == "two");
  REQUIRE(AppendFileDurably(dir + "/log", "a", "test log").ok());
  REQUIRE(AppendFileDurably(dir + "/log", "b", "test log").ok());
  CHECK(*ReadFile(dir + "/log") == "ab");
  CHECK(*ListDir(dir) == std::vector<std::string>{"log", "state"});
  RemoveFile(dir + "/log");
  CHECK_FALSE(Exists(dir + "/log"));
  auto missing = ReadFile(dir + "/nope");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().find("cannot read " + dir + "/nope") == 0);
  CHECK(!HostName().empty());
}

namespace {
struct FileDacl {
  bool read = false, is_protected = false;
  std::vector<std::string> allowed;     // "SY", "BA" or "other", per ACE, full access only
  bool everyone_or_users_read = false;  // an ACE lets Everyone or Users read
};
FileDacl ReadDacl(const std::string& path) {
  FileDacl out;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (::GetNamedSecurityInfoW(win::ToWide(path).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                              nullptr, nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS) {
    return out;
  }
  out.read = true;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  ::GetSecurityDescriptorControl(sd, &control, &revision);
  out.is_protected = (control & SE_DACL_PROTECTED) != 0;
  for (DWORD i = 0; dacl != nullptr && i < dacl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(dacl, i, &ace)) continue;
    auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
    if (allowed->Header.AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
    PSID sid = &allowed->SidStart;
    if ((allowed->Mask & FILE_READ_DATA) != 0 &&
        (::IsWellKnownSid(sid, WinWorldSid) || ::IsWellKnownSid(sid, WinBuiltinUsersSid) ||
         ::IsWellKnownSid(sid, WinAuthenticatedUserSid))) {
      out.everyone_or_users_read = true;
    }
    if ((allowed->Mask & FILE_ALL_ACCESS) != FILE_ALL_ACCESS) continue;
    out.allowed.push_back(::IsWellKnownSid(sid, WinLocalSystemSid)             ? "SY"
                          : ::IsWellKnownSid(sid, WinBuiltinAdministratorsSid) ? "BA"
                                                                               : "other");
  }
  ::LocalFree(sd);
  return out;
}
}  // namespace

TEST_CASE("files: the token and the spool are private (protected DACL), other files inherit") {
  const std::string dir = TempDir("acl");
  REQUIRE(WriteFileAtomic(dir + "/machine-token", "secret\n", 0600).ok());
  REQUIRE(WriteFileAtomic(dir + "/machine-token", "secret2\n", 0600).ok());  // replaced
  REQUIRE(AppendFileDurably(dir + "/segment", "report", "spool segment").ok());
  REQUIRE(WriteFileAtomic(dir + "/machine-id", "id\n", 0644).ok());
  // Wine keeps no DACL: it maps the one given at creation to Unix mode bits (no "other" read
  // here) and reads back a DACL made from those bits. Real Windows keeps the DACL as given.
  const bool wine = win::RunningUnderWine();
  for (const char* name : {"machine-token", "segment"}) {
    CAPTURE(name);
    const FileDacl d = ReadDacl(dir + "/" + name);
    REQUIRE(d.read);
    CHECK_FALSE(d.everyone_or_users_read);
    if (wine) continue;
    CHECK(d.is_protected);  // nothing inherited from ProgramData's "Users: read"
    REQUIRE(d.allowed.size() == 3);
    CHECK(d.allowed[0] == "SY");
    CHECK(d.allowed[1] == "BA");
  }
  const FileDacl open = ReadDacl(dir + "/machine-id");
  CHECK_FALSE(open.is_protected);
  if (wine) CHECK(open.everyone_or_users_read);  // mode 0644: the contrast shows the mapping
}

TEST_CASE("machine id: MachineGuid, stable across state folders") {
  auto guid = PlatformMachineId();
  REQUIRE(guid);
  CHECK(guid->size() == 32);
  CHECK(guid->find_first_not_of("0123456789abcdef") == std::string::npos);
  auto a = LoadMachineId(Paths{}, TempDir("id-a"));
  auto b = LoadMachineId(Paths{}, TempDir("id-b"));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == *guid);
  CHECK(*b == *a);
  CHECK(std::string(PlatformName()) == "windows");
}

// ---- WinHTTP against a one-shot HTTP server on 127.0.0.1 (loopback_windows.h) -----------

using wardwatch::testing::OneShotServer;

TEST_CASE("WinHTTP: body, headers, status and Retry-After") {
  OneShotServer server(
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 17\r\nContent-Length: 4\r\n"
      "Connection: close\r\n\r\nslow");
  HttpGlobal global;
  auto client = NewHttpClient({});
  HttpRequest req;
  req.url = server.url("/api/v1/reports?x=1");
  req.body = std::string("\x1f\x8b gzip bytes", 13);
  req.bearer_token = "tok";
  req.extra_headers = {"Content-Encoding: gzip"};
  auto r = client->Send(req);
  REQUIRE_MESSAGE(r, (r ? "" : r.error()));
  CHECK(r->status == 429);
  CHECK(r->retry_after == "17");
  CHECK(r->body == "slow");
  const std::string seen = server.last_request();
  CHECK(seen.rfind("POST /api/v1/reports?x=1 HTTP/1.1\r\n", 0) == 0);
  CHECK(seen.find("Authorization: Bearer tok\r\n") != std::string::npos);
  CHECK(seen.find("Content-Encoding: gzip\r\n") != std::string::npos);
  CHECK(seen.find("Content-Type: application/json\r\n") != std::string::npos);
  CHECK(seen.substr(seen.size() - 13) == std::string("\x1f\x8b gzip bytes", 13));
}

TEST_CASE("WinHTTP: answers over 1 MiB are refused, timeouts and refused connections are errors") {
  HttpGlobal global;
  {
    std::string big = "HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n";
    big.append(2000000, 'x');
    OneShotServer server(big);
    auto r = NewHttpClient({})->Send({"GET", server.url("/big"), "", "", "", {}});
    REQUIRE_FALSE(r);
    CHECK(r.error().find("larger than 1048576 bytes") != std::string::npos);
  }
  {
    OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", /*delay_ms=*/3000);
    HttpClientOptions o;
    o.request_timeout_seconds = 0.5;
    const auto start = std::chrono::steady_clock::now();
    auto r = NewHttpClient(o)->Send({"GET", server.url("/slow"), "", "", "", {}});
    REQUIRE_FALSE(r);
    INFO(r.error());
    CHECK(r.error().find("timed out") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  }
  {
    int port = 0;
    {
      OneShotServer closed("");
      port = std::stoi(closed.url("").substr(17));
    }
    auto r = NewHttpClient({})->Send(
        {"GET", "http://127.0.0.1:" + std::to_string(port) + "/", "", "", "", {}});
    REQUIRE_FALSE(r);
    CHECK(r.error().find("cannot reach collector at http://127.0.0.1:") == 0);
  }
}

TEST_CASE("WinHTTP: --ca-file with https refuses to send rather than ignoring the file") {
  HttpGlobal global;
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  std::string url = server.url("/api/v1/reports");
  url.replace(0, 4, "https");
  HttpClientOptions o;
  o.ca_file = "C:\\ProgramData\\WardWatch\\office-ca.pem";
  HttpRequest req;
  req.url = url;
  req.body = "{}";
  req.bearer_token = "secret-token";
  auto r = NewHttpClient(o)->Send(req);
  REQUIRE_FALSE(r);
  CHECK(r.error().find("--ca-file") != std::string::npos);
  CHECK(r.error().find("certutil -addstore Root") != std::string::npos);
  // Nothing reached the server: no connection, no token.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(server.last_request().empty());
  // The same options over plain http are not affected (no certificate to check).
  auto plain = NewHttpClient(o)->Send({"GET", server.url("/healthz"), "", "", "", {}});
  REQUIRE_MESSAGE(plain, (plain ? "" : plain.error()));
  CHECK(plain->status == 200);
}

TEST_CASE("cpuinfo: CPUID and the processor topology agree with the CPU count") {
  auto r = CollectOne("cpuinfo");
  REQUIRE(r.hardware);
  REQUIRE(r.hardware->cpu);
  const auto& c = *r.hardware->cpu;
  MESSAGE(c.vendor << " / " << c.model_name << " family " << c.family << " model " << c.model
                   << " stepping " << c.stepping << ", " << c.sockets << " sockets, " << c.cores
                   << " cores, " << c.threads << " threads, base " << c.base_hertz.value_or(0) / 1e6
                   << " MHz, max " << c.max_hertz.value_or(0) / 1e6 << " MHz, "
                   << c.current_hertz.size() << " current");
  SYSTEM_INFO si;
  ::GetSystemInfo(&si);
  CHECK(c.threads == si.dwNumberOfProcessors);
  CHECK(c.cores >= 1);
  CHECK(c.cores <= c.threads);
  CHECK(c.sockets >= 1);
  CHECK(!c.vendor.empty());
  CHECK(c.family > 0);
  if (c.base_hertz) CHECK(*c.base_hertz > 1e8);
  if (!c.current_hertz.empty()) CHECK(c.current_hertz.size() == c.threads);
  // The build machine is x86-64: SSE4.2 is there on anything that runs Windows 10/11.
  CHECK(std::find(c.flags.begin(), c.flags.end(), "sse4_2") != c.flags.end());
  // Under Wine the Linux host's /proc/cpuinfo is at Z:: CPUID must say what Linux says.
  if (auto text = ReadFile("Z:/proc/cpuinfo"); text.ok()) {
    auto linux_view = ParseCpuinfo(*text);
    REQUIRE(linux_view.ok());
    CHECK(c.vendor == linux_view->vendor);
    CHECK(c.family == linux_view->family);
    CHECK(c.model == linux_view->model);
    CHECK(c.stepping == linux_view->stepping);
    CHECK(c.flags == linux_view->flags);
    CHECK(c.threads == linux_view->threads);
  }
}

TEST_CASE("chassis, memory_modules: SMBIOS as the firmware table gives it, or absent") {
  auto r = CollectOne("chassis");
  REQUIRE(r.hardware);
  auto absent = [](const Report& rep, const char* what) {
    const auto& a = rep.hardware->absent;
    return std::find(a.begin(), a.end(), what) != a.end();
  };
  CHECK(absent(r, "chassis_type") == !r.hardware->chassis_type.has_value());
  if (r.hardware->chassis_type)
    CHECK((*r.hardware->chassis_type >= 1 && *r.hardware->chassis_type <= 36));
  MESSAGE("chassis type: " << r.hardware->chassis_type.value_or(0));
  auto m = CollectOne("memory_modules");
  REQUIRE(m.hardware);
  CHECK(absent(m, "memory_modules") == m.hardware->memory_modules.empty());
  for (const auto& mod : m.hardware->memory_modules) CHECK(mod.size_bytes > 0);
  MESSAGE("memory modules: " << m.hardware->memory_modules.size() << " in "
                             << m.hardware->memory_slots.value_or(0) << " slots");
}

TEST_CASE("TCP connections: a loopback connection is found with this process as its owner") {
  WSADATA wsa;
  ::WSAStartup(MAKEWORD(2, 2), &wsa);
  SOCKET l = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(l, 1) == 0);
  int len = sizeof addr;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&addr), &len);
  SOCKET c = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  REQUIRE(::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  SOCKET s = ::accept(l, nullptr, nullptr);
  CHECK(::send(c, "ping", 4, 0) == 4);
  char buf[4];
  CHECK(::recv(s, buf, 4, 0) == 4);
  const auto port = ntohs(addr.sin_port);

  auto rows = win::ReadTcpConnectionsV4();
  REQUIRE_MESSAGE(rows.ok(), (rows.ok() ? std::string() : rows.error()));
  const auto me = static_cast<std::uint32_t>(::GetCurrentProcessId());
  const winconv::TcpOwnerRow* client = nullptr;
  const winconv::TcpOwnerRow* listener = nullptr;
  for (const auto& r : *rows) {
    if (r.local_port == port && r.state == 2) listener = &r;
    if (r.remote_port == port && r.state == 5) client = &r;
  }
  REQUIRE(listener != nullptr);
  MESSAGE("listener owner pid " << listener->pid << ", this process " << me);
  REQUIRE(client != nullptr);
  CHECK(client->pid == me);
  CHECK(client->remote_addr == htonl(INADDR_LOOPBACK));

  // EStats: read when Windows permits (administrator); otherwise the error says why.
  auto enabled = win::EnableTcpEstats(*client);
  auto stats = win::ReadTcpEstats(*client);
  if (enabled.ok() && stats.ok()) {
    MESSAGE("EStats: " << stats->bytes_out << " bytes out, " << stats->bytes_in << " in");
  } else {
    const std::string why = enabled.ok() ? stats.error() : enabled.error();
    MESSAGE("EStats not available: " << why);
    CHECK(why.find("PerTcpConnectionEStats: ") != std::string::npos);
  }
  ::closesocket(c);
  ::closesocket(s);
  ::closesocket(l);
}

TEST_CASE("TCP connections: IPv6 rows with this process as owner; loopback is not traffic") {
  WSADATA wsa;
  ::WSAStartup(MAKEWORD(2, 2), &wsa);
  SOCKET l = ::socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_addr = in6addr_loopback;
  if (l == INVALID_SOCKET || ::bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    MESSAGE("no IPv6 loopback here: " << ::WSAGetLastError());
    if (l != INVALID_SOCKET) ::closesocket(l);
    return;
  }
  REQUIRE(::listen(l, 1) == 0);
  int len = sizeof addr;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&addr), &len);
  SOCKET c = ::socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  REQUIRE(::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  SOCKET s = ::accept(l, nullptr, nullptr);
  const auto port = ntohs(addr.sin6_port);

  auto rows = win::ReadTcpConnectionsV6();
  REQUIRE_MESSAGE(rows.ok(), (rows.ok() ? std::string() : rows.error()));
  const auto me = static_cast<std::uint32_t>(::GetCurrentProcessId());
  const winconv::TcpOwnerRow6* client = nullptr;
  for (const auto& r : *rows) {
    if (r.remote_port == port && r.state == 5) client = &r;
  }
  REQUIRE(client != nullptr);
  if (win::RunningUnderWine() && client->pid == 0) {
    MESSAGE("Wine 8 gives IPv6 connections no owning pid");  // its IPv4 rows have one
  } else {
    CHECK(client->pid == me);
  }
  const auto sample = SampleOf(*client);
  CHECK(traffic::FormatIpAddr(sample.remote) == "::1");
  CHECK(sample.local_port != 0);
  CHECK_FALSE(CountsAsTraffic(sample));  // never on the line

  // EStats for IPv6: read when Windows permits; otherwise the error says why.
  std::uint32_t code = 0;
  auto enabled = win::EnableTcpEstats(*client, &code);
  if (!enabled) {
    MESSAGE("IPv6 EStats not available: " << enabled.error());
    CHECK(enabled.error().find("SetPerTcp6ConnectionEStats: ") != std::string::npos);
    CHECK(ClassifyEstatsError(code) != EstatsVerdict::kAvailable);
  }
  ::closesocket(c);
  ::closesocket(s);
  ::closesocket(l);
}

TEST_CASE("traffic: the connection tables sampled into network.traffic, never failed") {
  Report r = CollectOne("traffic");
  REQUIRE(r.network.traffic);
  const auto& t = *r.network.traffic;
  MESSAGE("traffic source " << t.source << ", " << t.apps.size() << " apps, "
                            << t.remote_hosts.size() << " hosts; " << t.capture_error);
  if (win::RunningUnderWine()) {
    // Wine has no EStats: connections only, and the section says why.
    CHECK(t.source == "tcp-table");
    CHECK(t.capture_error.find("not implemented by Wine") != std::string::npos);
    CHECK(t.receive_bytes_total.empty());
  } else {
    CHECK((t.source == "tcp-estats") == t.capture_error.empty());
  }
  for (const auto& e : t.remote_hosts) {
    CHECK(e.key != "127.0.0.1");
    CHECK(e.key != "::1");
    REQUIRE(e.connections.has_value());
    CHECK(*e.connections > 0);
  }
}
