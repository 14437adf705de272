"""The sandbox PKI (a CA, a server cert, an admin client cert) and the kubeconfig it writes."""
import base64
import datetime
import ipaddress
import os
import ssl
import tempfile

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(k) -> bytes:
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                           serialization.NoEncryption())


def _pem_cert(c) -> bytes:
    return c.public_bytes(serialization.Encoding.PEM)


def _name(cn, org=None):
    attrs = []
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


class Pki:
    def __init__(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=365)
        self.ca_key = _key()
        ca_name = _name("sandbox-ca")
        self.ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
                        .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
                        .not_valid_before(start).not_valid_after(end)
                        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                                     content_commitment=False, key_encipherment=False,
                                                     data_encipherment=False, key_agreement=False,
                                                     encipher_only=False, decipher_only=False), critical=True)
                        .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()),
                                       critical=False)
                        .sign(self.ca_key, hashes.SHA256()))
        self.server_key, self.server_cert = self._leaf(
            _name("sandbox-apiserver"), start, end, ExtendedKeyUsageOID.SERVER_AUTH,
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                         x509.DNSName("localhost"), x509.DNSName("sandbox.sortie.test")]))
        self.client_key, self.client_cert = self._leaf(_name("sandbox-admin", "system:masters"), start, end,
                                                       ExtendedKeyUsageOID.CLIENT_AUTH, None)

    def _leaf(self, name, start, end, usage, san):
        key = _key()
        b = (x509.CertificateBuilder().subject_name(name).issuer_name(self.ca_cert.subject)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(start).not_valid_after(end)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, content_commitment=False,
                                          data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                          crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                            critical=False))
        if san is not None:
            b = b.add_extension(san, critical=False)
        return key, b.sign(self.ca_key, hashes.SHA256())

    @property
    def ca_pem(self):
        return _pem_cert(self.ca_cert)

    @property
    def client_cert_pem(self):
        return _pem_cert(self.client_cert)

    @property
    def client_key_pem(self):
        return _pem_key(self.client_key)

    def server_context(self, workdir) -> ssl.SSLContext:
        cert = os.path.join(workdir, "server.crt")
        key = os.path.join(workdir, "server.key")
        _write(cert, _pem_cert(self.server_cert) + self.ca_pem)
        _write(key, _pem_key(self.server_key), 0o600)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert, key)
        ctx.load_verify_locations(cadata=self.ca_pem.decode())
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.set_alpn_protocols(["http/1.1"])
        # One TLS 1.3 session ticket per connection, as Go's crypto/tls (the real API server) sends;
        # OpenSSL's default of two cost ~0.2 ms of CPU each per handshake.
        ctx.num_tickets = 1
        return ctx


def _write(path, data: bytes, mode=0o644):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def write_kubeconfig(path, url, pki: Pki | None, tokens: list[str], basic: str | None):
    b64 = lambda b: base64.b64encode(b).decode()
    cluster = {"server": url}
    user: dict = {}
    if pki is not None:
        cluster["certificate-authority-data"] = b64(pki.ca_pem)
        user = {"client-certificate-data": b64(pki.client_cert_pem), "client-key-data": b64(pki.client_key_pem)}
    elif basic:
        u, _, p = basic.partition(":")
        user = {"username": u, "password": p}
    elif tokens:
        user = {"token": tokens[0]}
    cfg = {"apiVersion": "v1", "kind": "Config", "preferences": {},
           "clusters": [{"name": "sandbox", "cluster": cluster}],
           "users": [{"name": "sandbox-admin", "user": user}],
           "contexts": [{"name": "sandbox", "context": {"cluster": "sandbox", "user": "sandbox-admin",
                                                        "namespace": "default"}}],
           "current-context": "sandbox"}
    if tokens:
        cfg["users"].append({"name": "sandbox-token", "user": {"token": tokens[0]}})
        cfg["contexts"].append({"name": "sandbox-token", "context": {"cluster": "sandbox", "user": "sandbox-token",
                                                                     "namespace": "default"}})
    d = path + ".d"
    os.makedirs(d, exist_ok=True)
    if pki is not None:
        _write(os.path.join(d, "ca.crt"), pki.ca_pem)
        _write(os.path.join(d, "client.crt"), pki.client_cert_pem)
        _write(os.path.join(d, "client.key"), pki.client_key_pem, 0o600)
    _write(path, yaml.safe_dump(cfg, sort_keys=False).encode(), 0o600)
