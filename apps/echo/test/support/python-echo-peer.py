"""Python websockets (10.x) server driving an echo client, for apps/echo interop tests.

Usage: python3 python-echo-peer.py [plain|deflate]
Prints JSON lines: {"event": "listening", "port": P}, then one {"event": "done", ...} per
connection: which messages came back identical, the negotiated extensions, the close code.
"""

import asyncio
import json
import sys

import websockets

MIB = 1024 * 1024
# (kind, size): text sizes are in characters of a mixed-script string, binary in bytes.
PLAN = [
    ("text", 0), ("text", 1), ("text", 125), ("text", 126), ("text", 65536), ("text", MIB),
    ("binary", 0), ("binary", 1), ("binary", 125), ("binary", 65535), ("binary", 65536),
    ("binary", MIB), ("binary", 16 * MIB),
]
UNIT = "κόσμε😀 "


def payload(kind, size, seed):
    if kind == "text":
        return (UNIT * (size // len(UNIT) + 1))[:size]
    return bytes(((i * 31 + seed) & 0xFF for i in range(size))) if size < MIB else bytes(range(256)) * (size // 256)


async def drive(ws, path=None):
    checks = []
    for i, (kind, size) in enumerate(PLAN):
        data = payload(kind, size, i)
        # Progress lines let the test say which echo never came.
        print(json.dumps({"event": "sending", "kind": kind, "size": size}), flush=True)
        await ws.send(data)
        echo = await ws.recv()
        checks.append({"kind": kind, "size": size, "ok": type(echo) is type(data) and echo == data})
    # A fragmented text message (websockets sends an iterable as fragments).
    parts = ["frag-", "men-", "ted ", UNIT]
    await ws.send(parts)
    echo = await ws.recv()
    checks.append({"kind": "fragmented text", "size": len("".join(parts)), "ok": echo == "".join(parts)})
    pong = await ws.ping(b"python ping")
    await pong
    checks.append({"kind": "ping", "size": 11, "ok": True})
    await ws.close(4002, "python done")
    print(json.dumps({
        "event": "done",
        "checks": checks,
        "extensions": ws.response_headers.get("Sec-WebSocket-Extensions"),
        "close_code": ws.close_code,
    }), flush=True)


async def main():
    compression = "deflate" if len(sys.argv) > 1 and sys.argv[1] == "deflate" else None
    async with websockets.serve(drive, "127.0.0.1", 0, compression=compression, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(json.dumps({"event": "listening", "port": port}), flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())
