"""Sends N `GET ROUTE` requests over one keep-alive connection, DEPTH per
write, and reads every response (by its Content-Length): the client of
instructions.sh and proxy-instructions.sh.

    python3 loadtest/pipelined.py PORT N DEPTH ROUTE
"""
import socket, sys
port, n, depth, route = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.create_connection(("127.0.0.1", port))
batch = (b"GET " + route.encode() + b" HTTP/1.1\r\nHost: bench\r\n\r\n") * depth
buf = b""
for _ in range(n // depth):
    s.sendall(batch)
    got = 0
    while got < depth:
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            head = buf[:end].decode().lower()
            length = int(head.split("content-length:")[1].split("\r\n")[0])
            if len(buf) >= end + 4 + length:
                buf = buf[end + 4 + length:]
                got += 1
                continue
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("the server closed the connection")
        buf += chunk
