"""Authentication over TLS: 401, client certificates, tokens, token-file rotation, basic auth."""
import os
import ssl

from conftest import fixture


def test_401_without_credentials(tls):
    s = tls.new_session(cert=False)
    r = s.get(tls.url + "/api/v1/namespaces/default/pods")
    assert r.status_code == 401
    assert r.json() == fixture("error-401-unauthorized.json")["body"]
    assert r.headers["Content-Type"] == "application/json" and r.headers["Audit-Id"]
    r = tls.new_session(cert=False, token="wrong").get(tls.url + "/api/v1/namespaces/default/pods")
    assert r.status_code == 401
    assert s.get(tls.url + "/version").status_code == 200
    assert s.get(tls.url + "/healthz").text == "ok"


def test_client_cert_and_token_and_basic(tls):
    assert tls.get("/api/v1/namespaces/default/pods").status_code == 200
    assert tls.new_session(cert=False, token="tok-flag").get(tls.url + "/api/v1/pods").status_code == 200
    s = tls.new_session(cert=False)
    s.auth = ("admin", "secret")
    assert s.get(tls.url + "/api/v1/pods").status_code == 200
    s.auth = ("admin", "nope")
    assert s.get(tls.url + "/api/v1/pods").status_code == 401
    log = tls.control("GET", "requests")["requests"]
    users = {(e["user"], e["authMethod"]) for e in log}
    assert ("sandbox-admin", "x509") in users and ("sandbox-token", "token") in users
    assert "tok-flag" not in str(log) and "secret" not in str(log)


def test_token_file_rotation(tls):
    s1 = tls.new_session(cert=False, token="file-token-1")
    r = s1.get(tls.url + "/api/v1/pods")
    assert r.status_code == 200
    with open(tls.token_file, "w") as f:
        f.write("file-token-2\n")
    st = os.stat(tls.token_file)
    os.utime(tls.token_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert s1.get(tls.url + "/api/v1/pods").status_code == 401
    assert tls.new_session(cert=False, token="file-token-2").get(tls.url + "/api/v1/pods").status_code == 200
    log = tls.control("GET", "requests")["requests"]
    assert any(e["user"] == "alice" for e in log)


def test_kubeconfig_and_server_certificate(tls):
    import yaml
    cfg = yaml.safe_load(open(tls.kubeconfig))
    assert cfg["current-context"] == "sandbox"
    assert [c["name"] for c in cfg["contexts"]] == ["sandbox", "sandbox-token"]
    assert cfg["contexts"][0]["context"] == {"cluster": "sandbox", "user": "sandbox-admin", "namespace": "default"}
    assert cfg["users"][1]["user"] == {"token": "tok-flag"}
    assert "certificate-authority-data" in cfg["clusters"][0]["cluster"]
    from cryptography import x509
    client = x509.load_pem_x509_certificate(open(tls.kubeconfig + ".d/client.crt", "rb").read())
    assert "CN=sandbox-admin" in client.subject.rfc4514_string()
    assert "O=system:masters" in client.subject.rfc4514_string()
    host, port = tls.url.split("//")[1].split(":")
    pem = ssl.get_server_certificate((host, int(port)))
    server = x509.load_pem_x509_certificate(pem.encode())
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "sandbox.sortie.test" in san.get_values_for_type(x509.DNSName)
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    # kubectl with the generated kubeconfig and with the token context
    assert "default" in tls.kubectl("get", "namespaces").stdout
    assert tls.kubectl("--context", "sandbox-token", "get", "pods").returncode == 0
