"""Test certificates for the TLS suites, made with pyca/cryptography: a CA, a server
certificate for 127.0.0.1 and localhost, client certificates, and the bad ones a test
must see refused (expired, signed by another CA, not yet valid).

    python3 tlscerts.py DIR     writes every file into DIR

Each key store file holds the private key and then the certificate chain, as ZooKeeper's
PEM key store (ssl.keyStore.type=PEM) and Keeper read it; ca.pem is the trust store.
The same script made Tests/KeeperServerTests/Fixtures/tls (valid until 2126)."""
import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
FAR_AWAY = datetime.datetime(2126, 1, 1, tzinfo=datetime.timezone.utc)


def _name(common, org="Corral"):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ])


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def make_ca(common="Corral Test CA", not_before=LONG_AGO, not_after=FAR_AWAY):
    key = _key()
    name = _name(common)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_leaf(ca, common, server=False, not_before=LONG_AGO, not_after=FAR_AWAY, org="Corral"):
    ca_key, ca_cert = ca
    key = _key()
    builder = (
        x509.CertificateBuilder().subject_name(_name(common, org)).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(not_before).not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def _pem_key(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _pem_cert(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def write_key_store(path, key, cert, ca_cert=None):
    """The key, then the certificate and the CA's: one PEM key store."""
    with open(path, "wb") as f:
        f.write(_pem_key(key) + _pem_cert(cert) + (_pem_cert(ca_cert) if ca_cert is not None else b""))


def write_split(directory, stem, key, cert):
    """The key and the certificate in two files, as kazoo and curl take them."""
    with open(os.path.join(directory, stem + "-key.pem"), "wb") as f:
        f.write(_pem_key(key))
    with open(os.path.join(directory, stem + "-cert.pem"), "wb") as f:
        f.write(_pem_cert(cert))


def write_all(directory):
    os.makedirs(directory, exist_ok=True)
    ca = make_ca()
    other = make_ca("Another CA")
    with open(os.path.join(directory, "ca.pem"), "wb") as f:
        f.write(_pem_cert(ca[1]))
    with open(os.path.join(directory, "other-ca.pem"), "wb") as f:
        f.write(_pem_cert(other[1]))
    now = datetime.datetime.now(datetime.timezone.utc)
    leaves = {
        "server": make_leaf(ca, "localhost", server=True),
        "server2": make_leaf(ca, "localhost", server=True, org="Corral Renewed"),
        "alice": make_leaf(ca, "alice"),
        "admin": make_leaf(ca, "admin"),
        "bob": make_leaf(ca, "bob"),
        "expired": make_leaf(ca, "expired", not_before=LONG_AGO, not_after=LONG_AGO + datetime.timedelta(days=1)),
        "expired-server": make_leaf(
            ca, "localhost", server=True, not_before=LONG_AGO, not_after=LONG_AGO + datetime.timedelta(days=1)),
        "future": make_leaf(ca, "future", not_before=now + datetime.timedelta(days=3650)),
        "stranger": make_leaf(other, "stranger"),
        "stranger-server": make_leaf(other, "localhost", server=True),
    }
    for stem, (key, cert) in leaves.items():
        issuer = other if stem.startswith("stranger") else ca
        write_key_store(os.path.join(directory, stem + ".pem"), key, cert, issuer[1])
        write_split(directory, stem, key, cert)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tlscerts.py DIR")
    write_all(sys.argv[1])
