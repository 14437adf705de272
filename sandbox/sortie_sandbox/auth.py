"""Authentication: client certificates signed by the sandbox CA, static bearer tokens (flags
and a token file re-read when it changes), and HTTP basic auth."""
import base64
import csv
import hmac
import io
import os


class Authenticator:
    def __init__(self, tokens=(), token_file=None, basic=None, tls=False):
        self.tokens = {t: {"user": "sandbox-token", "groups": ["system:masters"]} for t in tokens}
        self.token_file = token_file
        self._file_tokens: dict = {}
        self._mtime = None
        self.basic = basic  # "user:pass"
        self.tls = tls

    @property
    def required(self) -> bool:
        return self.tls or bool(self.tokens) or bool(self.token_file) or bool(self.basic)

    def _reload(self):
        if not self.token_file:
            return
        try:
            st = os.stat(self.token_file)
        except OSError:
            self._file_tokens = {}
            self._mtime = None
            return
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        if key == self._mtime:
            return
        self._mtime = key
        toks = {}
        with open(self.token_file, encoding="utf-8") as f:
            for row in csv.reader(io.StringIO(f.read())):
                if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
                    continue
                tok = row[0].strip()
                user = row[1].strip() if len(row) > 1 and row[1].strip() else "sandbox-token"
                groups = [g.strip() for g in row[3].split(",")] if len(row) > 3 and row[3].strip() else \
                    ["system:masters"]
                toks[tok] = {"user": user, "groups": groups}
        self._file_tokens = toks

    def authenticate(self, request):
        """Returns (user, method) or None."""
        transport = request.transport
        if transport is not None:
            cert = transport.get_extra_info("peercert")
            if cert:
                cn = None
                for rdn in cert.get("subject", ()):
                    for k, v in rdn:
                        if k == "commonName":
                            cn = v
                if cn:
                    return cn, "x509"
        h = request.headers.get("Authorization", "")
        if h[:7].lower() == "bearer ":
            tok = h[7:].strip()
            self._reload()
            for table in (self.tokens, self._file_tokens):
                for known, info in table.items():
                    if hmac.compare_digest(known.encode(), tok.encode()):
                        return info["user"], "token"
            return None
        if h[:6].lower() == "basic " and self.basic:
            try:
                cred = base64.b64decode(h[6:].strip()).decode()
            except Exception:
                return None
            if hmac.compare_digest(cred.encode(), self.basic.encode()):
                return cred.split(":", 1)[0], "basic"
        return None
