#!/usr/bin/env python3
"""A minimal SMTP server for `make bench` that accepts every message and throws it away,
optionally after a delay (a slow mail provider). Standard library only.

    smtp_sink.py PORT [DELAY_SECONDS]

The delay applies to the greeting and to the answer after each message's data, the two
places a slow or overloaded provider makes its clients wait. Prints `message` for each one
accepted and `connection` for each connection, so the caller can count them.
"""

import asyncio
import sys


async def session(reader, writer, delay):
    async def reply(line, wait=0.0):
        if wait:
            await asyncio.sleep(wait)
        writer.write(line.encode() + b"\r\n")
        await writer.drain()

    print("connection", flush=True)
    try:
        await reply("220 bench-sink ESMTP", delay)
        while line := await reader.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                await reply("250 bench-sink")
            elif verb == "DATA":
                await reply("354 end with <CRLF>.<CRLF>")
                while (data := await reader.readline()) not in (b".\r\n", b""):
                    pass
                await reply("250 queued", delay)
                print("message", flush=True)
            elif verb == "QUIT":
                await reply("221 bye")
                break
            else:  # MAIL, RCPT, RSET, NOOP
                await reply("250 ok")
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main():
    port = int(sys.argv[1])
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    server = await asyncio.start_server(
        lambda r, w: session(r, w, delay), "127.0.0.1", port
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
