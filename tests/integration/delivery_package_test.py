#!/usr/bin/env python3
"""`cpack -G DEB` makes the agent and collector packages; dpkg-deb shows what they hold.

Usage: delivery_package_test.py BUILD_DIR SOURCE_DIR
Runs cpack (DEB generator, component install) in BUILD_DIR into a temporary folder, then
checks each package with `dpkg-deb -c` (binary, unit, conffile, docs; for the agent also
wardwatch-session, its XDG autostart entry and the plugins in /usr/lib/wardwatch, with
libssl/libpcap needed by the plugins and not by the agent's binary) and `dpkg-deb -I`
(name, dependencies, maintainer scripts), runs `systemd-analyze verify` on the units when
available, and checks that postinst creates the user and enables nothing. Exit 77 (skipped)
without cpack or dpkg-deb.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from delivery_common import check, finish  # noqa: E402


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def main():
    build, source = sys.argv[1], sys.argv[2]
    if not shutil.which("cpack") or not shutil.which("dpkg-deb"):
        print("cpack or dpkg-deb missing: skipped")
        sys.exit(77)
    out_dir = tempfile.mkdtemp(prefix="wardwatch-deb-")
    p = run("cpack", "-G", "DEB", "-B", out_dir, cwd=build, timeout=540)
    check(p.returncode == 0, f"cpack -G DEB succeeds\n{p.stdout[-1500:]}{p.stderr[-1500:]}")
    debs = sorted(f for f in os.listdir(out_dir) if f.endswith(".deb"))
    print("packages:", debs)
    for comp, binary, conf in (("agent", "wardwatch-agent", "agent.conf"),
                               ("collector", "wardwatch-collector", "collector.conf")):
        name = f"wardwatch-{comp}"
        deb = [d for d in debs if d.startswith(name + "_")]
        if not check(len(deb) == 1, f"one {name} package: {deb}"):
            continue
        path = os.path.join(out_dir, deb[0])
        contents = run("dpkg-deb", "-c", path).stdout
        files = [line.split()[-1] for line in contents.splitlines()]
        for want in (f"./usr/bin/{binary}", f"./usr/lib/systemd/system/{binary}.service",
                     f"./etc/wardwatch/{conf}", f"./usr/share/doc/{name}/delivery.md",
                     f"./usr/share/doc/{name}/security.md"):
            check(want in files, f"{name} installs {want}")
        other = "collector" if comp == "agent" else "agent"
        check(not any(f"wardwatch-{other}" in f for f in files),
              f"{name} holds nothing of the {other}")
        binline = [line for line in contents.splitlines() if line.endswith(f"./usr/bin/{binary}")]
        check(binline and binline[0].startswith("-rwxr-xr-x"), f"{binary} is executable")
        info = run("dpkg-deb", "-I", path).stdout
        check(re.search(rf"^ Package: {name}$", info, re.M) is not None, f"control names {name}")
        depends = re.search(r"^ Depends: (.*)$", info, re.M)
        check(depends and "adduser" in depends.group(1) and "libc6" in depends.group(1),
              f"{name} depends on adduser and its libraries: {depends.group(1) if depends else None}")
        # The agent speaks HTTP itself (issue 11: libcurl's chain was 7.9 MiB of its RSS).
        if comp == "agent":
            check(depends and "libcurl" not in depends.group(1),
                  f"{name} does not depend on libcurl: {depends.group(1) if depends else None}")
            # TLS and capture are plugins the agent loads when first needed (issue 11): the
            # binary does not link OpenSSL or libpcap, the plugins do, and the package still
            # depends on both (dpkg-shlibdeps reads the plugins), so https and capture work
            # on an installed PC.
            plugins = {"libwardwatch-tls.so": ("libssl.so.3", "libssl3")}
            if os.path.exists(os.path.join(build, "lib/wardwatch/libwardwatch-pcap.so")):
                plugins["libwardwatch-pcap.so"] = ("libpcap.so", "libpcap0.8")
            agent_needed = run("readelf", "-d", os.path.join(build, "agent", binary)).stdout
            for plugin, (library, package) in plugins.items():
                check(f"./usr/lib/wardwatch/{plugin}" in files, f"{name} installs {plugin}")
                line = [l for l in contents.splitlines() if l.endswith(f"/{plugin}")]
                check(line and line[0].startswith("-rw"), f"{plugin} is a regular file")
                needed = run("readelf", "-d",
                             os.path.join(build, "lib/wardwatch", plugin)).stdout
                check(f"[{library}" in needed, f"{plugin} links {library}")
                check(library not in agent_needed, f"{binary} does not link {library}")
                check(depends and package in depends.group(1),
                      f"{name} depends on {package} for {plugin}: "
                      f"{depends.group(1) if depends else None}")
            check("libcrypto.so" not in agent_needed, f"{binary} does not link libcrypto")
        # A library the binary links must be a dependency (dpkg-shlibdeps): the collector's
        # jemalloc (libjemalloc2) when the build uses it.
        needed = run("readelf", "-d", os.path.join(build, comp, binary)).stdout
        if "libjemalloc.so" in needed:
            check(depends and "libjemalloc2" in depends.group(1),
                  f"{name} links jemalloc and depends on libjemalloc2: "
                  f"{depends.group(1) if depends else None}")
        for script in ("postinst", "postrm", "prerm", "conffiles"):
            check(re.search(rf"\b{script}\b", info) is not None, f"{name} has {script}")
        extract = tempfile.mkdtemp(prefix=f"{name}-ctl-")
        run("dpkg-deb", "-e", path, extract)
        postinst = open(os.path.join(extract, "postinst")).read()
        check(f"adduser --system" in postinst and name in postinst,
              f"{name} postinst creates the service user")
        commands = "\n".join(l for l in postinst.splitlines() if not l.lstrip().startswith("#"))
        check("systemctl enable" not in commands and "systemctl start" not in commands,
              f"{name} postinst enables and starts nothing")
        conffiles = [f"/etc/wardwatch/{conf}"]
        if comp == "agent":
            conffiles.append("/etc/xdg/autostart/wardwatch-session.desktop")
        check(open(os.path.join(extract, "conffiles")).read().split() == conffiles,
              f"{name}: {', '.join(conffiles)} are conffiles")
        data = tempfile.mkdtemp(prefix=f"{name}-data-")
        run("dpkg-deb", "-x", path, data)
        unit = open(os.path.join(data, "usr/lib/systemd/system", f"{binary}.service")).read()
        for setting in (f"User={name}", "ProtectSystem=strict", f"StateDirectory={name}",
                        "NoNewPrivileges=yes", "PrivateTmp=yes", "CapabilityBoundingSet="):
            check(setting in unit, f"{binary}.service has {setting}")
        if comp == "agent":
            # Foreground time for the service: each desktop session starts wardwatch-session
            # (XDG autostart), which writes to the unit's sticky, write-only-for-users folder.
            for want in ("./usr/bin/wardwatch-session",
                         "./etc/xdg/autostart/wardwatch-session.desktop"):
                check(want in files, f"{name} installs {want}")
            helper = [l for l in contents.splitlines() if l.endswith("./usr/bin/wardwatch-session")]
            check(helper and helper[0].startswith("-rwxr-xr-x"), "wardwatch-session is executable")
            desktop = open(os.path.join(data, "etc/xdg/autostart/wardwatch-session.desktop")).read()
            for line in ("[Desktop Entry]", "Type=Application", "Exec=/usr/bin/wardwatch-session",
                         "NoDisplay=true"):
                check(line in desktop.splitlines(), f"the autostart entry has {line}")
            for setting in ("RuntimeDirectory=wardwatch-agent", "RuntimeDirectoryMode=1733"):
                check(setting in unit.splitlines(), f"{binary}.service has {setting}")
        if shutil.which("systemd-analyze"):
            v = run("systemd-analyze", "verify", "--man=no",
                    os.path.join(source, "packaging/systemd", f"{binary}.service"))
            problems = [line for line in (v.stdout + v.stderr).splitlines()
                        if f"{binary}.service" in line and "/usr/bin/" not in line]
            check(not problems, f"systemd-analyze verify {binary}.service: {problems}")
    finish()


if __name__ == "__main__":
    main()
