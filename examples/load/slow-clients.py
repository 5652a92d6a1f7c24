#!/usr/bin/env python3
"""Slow and idle clients against an HTTP server on loopback (a load tool, not a test).

Holds IDLE connections that send nothing and SLOW connections that send half a request and then
drip one more byte every DRIP seconds (slowloris), for DURATION seconds. A connection the server
closes is opened again at once, so the pressure stays constant. Meanwhile it probes the server with
a fresh-connection GET every PROBE_MS milliseconds and reports the probes' latency: what a verifier
that polls during the attack sees.

    slow-clients.py --port 8080 [--host 127.0.0.1] [--path /.well-known/jwks.json]
                    [--idle 500] [--slow 64] [--duration 20] [--drip 1.0] [--probe-ms 100]

Only loopback addresses are accepted. Everything stops by itself after DURATION seconds; the last
stdout line is a summary: probes, probe p50/p99/max in ms, failed probes, and how many attacking
connections the server closed (and the median time it let them live).
"""
import argparse
import asyncio
import ipaddress
import statistics
import sys
import time


def loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class Stats:
    def __init__(self):
        self.closed_by_server = 0
        self.lifetimes = []
        self.probe_ms = []
        self.probe_failures = 0


async def hold(host, port, request_head, drip, deadline, stats, slow):
    """One attacking slot: connect, (drip), wait for the server to close, reconnect, until the deadline."""
    while time.monotonic() < deadline:
        opened = time.monotonic()
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.2)
            continue
        try:
            if slow:
                writer.write(request_head)
                await writer.drain()
            while time.monotonic() < deadline:
                try:
                    data = await asyncio.wait_for(reader.read(4096), timeout=drip)
                except asyncio.TimeoutError:
                    if slow:
                        writer.write(b"a")  # one more byte of a header line that never ends
                        await writer.drain()
                    continue
                if not data:  # the server closed it (or answered and closed)
                    stats.closed_by_server += 1
                    stats.lifetimes.append(time.monotonic() - opened)
                    break
        except (OSError, ConnectionError):
            stats.closed_by_server += 1
            stats.lifetimes.append(time.monotonic() - opened)
        finally:
            writer.close()


async def probe(host, port, path, every, deadline, stats):
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nUser-Agent: probe\r\n\r\n" % (path, host)).encode()
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=15)
            writer.write(request)
            await writer.drain()
            status = await asyncio.wait_for(reader.readline(), timeout=15)
            await asyncio.wait_for(reader.read(), timeout=15)
            writer.close()
            if b" 200 " not in status:
                stats.probe_failures += 1
            else:
                stats.probe_ms.append((time.monotonic() - start) * 1000)
        except (OSError, asyncio.TimeoutError, ConnectionError):
            stats.probe_failures += 1
        await asyncio.sleep(max(0.0, every - (time.monotonic() - start)))


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", default="/.well-known/jwks.json")
    p.add_argument("--idle", type=int, default=500)
    p.add_argument("--slow", type=int, default=64)
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--drip", type=float, default=1.0)
    p.add_argument("--probe-ms", type=int, default=100)
    a = p.parse_args()
    if not loopback(a.host):
        print("slow-clients.py: loopback addresses only: %s" % a.host, file=sys.stderr)
        return 2
    if a.duration <= 0 or a.duration > 600:
        print("slow-clients.py: --duration must be in (0, 600] seconds", file=sys.stderr)
        return 2
    deadline = time.monotonic() + a.duration
    head = ("GET %s HTTP/1.1\r\nHost: %s\r\nX-Slow: " % (a.path, a.host)).encode()
    stats = Stats()
    tasks = [hold(a.host, a.port, b"", a.drip, deadline, stats, False) for _ in range(a.idle)]
    tasks += [hold(a.host, a.port, head, a.drip, deadline, stats, True) for _ in range(a.slow)]
    if a.probe_ms > 0:
        tasks.append(probe(a.host, a.port, a.path, a.probe_ms / 1000, deadline, stats))
    await asyncio.gather(*tasks, return_exceptions=True)
    ms = sorted(stats.probe_ms)

    def pct(q):
        return ms[min(len(ms) - 1, int(q * len(ms)))] if ms else float("nan")

    life = statistics.median(stats.lifetimes) if stats.lifetimes else float("nan")
    print("probes %d p50 %.1fms p99 %.1fms max %.1fms failed %d; attack connections closed by server %d (median life %.1fs)"
          % (len(ms), pct(0.5), pct(0.99), ms[-1] if ms else float("nan"), stats.probe_failures,
             stats.closed_by_server, life))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
