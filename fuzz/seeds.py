#!/usr/bin/python3
"""Writes the committed seed corpus, fuzz/corpus/<target>/ (run from the
top of the repository).  Each seed is a small, valid example of the
input layout its target documents, so the fuzzer starts from inputs that
reach every branch of interest instead of random bytes."""
import os
import socket
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


def readline_seed(name, maxlen_code, splits, data):
    """[maxlen code][k][k split lengths, 2 bytes, minus one][data]"""
    head = bytes([maxlen_code, len(splits)])
    head += b"".join(struct.pack("<H", s - 1) for s in splits)
    write("readline", name, head + data)


def in4(ip, port):
    return (struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) +
            socket.inet_pton(socket.AF_INET, ip) + bytes(8))


def in6(ip, port, scope=0):
    return (struct.pack("=H", socket.AF_INET6) + struct.pack("!H", port) +
            bytes(4) + socket.inet_pton(socket.AF_INET6, ip) +
            struct.pack("=I", scope))


def un(path):
    return struct.pack("=H", socket.AF_UNIX) + path


def sockaddr_seed(name, salen, buflen, family, port, a, b):
    """[salen][buflen][family: 0 keep, 1 inet, 2 inet6, 3 unix]
    [port + 1: 2 bytes][address a: salen bytes][address b]"""
    head = bytes([salen, buflen, family]) + struct.pack("<H", port + 1)
    write("sockaddr", name, head + a + b)


def main():
    readline_seed("two-lines", 126, [], b"hello\nworld\n")
    readline_seed("split-three-ways", 2, [4, 4, 4], b"hello world\n")
    readline_seed("longer-than-buffer", 144, [1000, 500],
                  b"a" * 2000 + b"\n")
    readline_seed("eof-mid-line", 16, [2], b"abc\ndef")
    readline_seed("empty-lines-and-nul", 5, [1, 1], b"\n\n\x00x\n")
    readline_seed("http-request", 60, [3, 7, 1],
                  b"GET / HTTP/1.0\r\nHost: 192.0.2.1\r\n\r\n")
    readline_seed("one-byte-pieces", 30, [1] * 15,
                  b"one byte at a time\n")
    sockaddr_seed("ipv4-pair", 16, 128, 1, 80, in4("192.0.2.1", 7),
                  in4("192.0.2.2", 7))
    sockaddr_seed("ipv4-small-buffer", 16, 11, 1, 9877,
                  in4("203.0.113.9", 9877), in4("203.0.113.9", 9877))
    sockaddr_seed("ipv6-scope", 28, 128, 2, 22, in6("fe80::1", 22, 3),
                  in6("fe80::1", 22, 4))
    sockaddr_seed("ipv6-mapped", 28, 40, 2, 0, in6("::ffff:192.0.2.1", 80),
                  in6("2001:db8::1", 80))
    sockaddr_seed("unix-path", 16, 128, 3, 0, un(b"/tmp/lnp.sock\0"),
                  un(b"/tmp/lnp.sock\0"))
    sockaddr_seed("unix-abstract", 12, 128, 3, 0, un(b"\0lnp-demo\0"),
                  un(b"\0lnp-demo\0"))
    sockaddr_seed("unix-unnamed", 2, 128, 3, 0, un(b""), un(b""))
    sockaddr_seed("too-short", 15, 128, 1, 7, in4("192.0.2.1", 7)[:15],
                  in4("192.0.2.1", 7)[:15])
    sockaddr_seed("unknown-family", 128, 128, 0, 7,
                  struct.pack("=H", 12345) + b"\x01" * 126, b"\x02" * 128)


if __name__ == "__main__":
    main()
