"""A minimal backend for command-server tests: answers 200 with its own name to every GET on the port in argv[1]."""
import http.server
import os
import sys

PORT = int(sys.argv[1])
NAME = os.environ.get("INSTANCE_NAME", "app")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b'{"status":"healthy"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Instance", NAME)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


print(f"listening on {PORT}", flush=True)
http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
