"""Build the interop CMS fixtures that the OpenSSL CLI cannot write.

Called by gen_cms.sh, never on its own:

    build_cms.py certs TEST_VECTORS_DIR OUT_DIR WORK_DIR
        issue the extra end-entity certificates (keys already in OUT_DIR)
    build_cms.py cms TEST_VECTORS_DIR OUT_DIR WORK_DIR
        build the hand-made signatures, write WORK_DIR/cases.in and OUT_DIR/README.md

Every structure is written byte by byte with the small DER/BER writer below, so
that the deliberate deviations (indefinite and non-minimal lengths, unsorted
SETs, odd AlgorithmIdentifiers) are exactly where the fixture wants them. The
private-key operations come from `cryptography`; `asn1crypto` only reads the
existing test PKI and re-reads every output as a sanity check. Time-stamp
tokens come from `openssl ts`, run as a subprocess with the test TSA.
"""

from __future__ import annotations

import hashlib
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import asn1crypto
import cryptography
from asn1crypto import cms as a_cms
from asn1crypto import core as a_core
from asn1crypto import crl as a_crl
from asn1crypto import pem as a_pem
from asn1crypto import x509 as a_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, padding, rsa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

PINNED = {"asn1crypto": "1.5.1", "cryptography": "50.0.2"}

# ---------------------------------------------------------------------------
# object identifiers
# ---------------------------------------------------------------------------

OID = {
    "data": "1.2.840.113549.1.7.1",
    "signedData": "1.2.840.113549.1.7.2",
    "contentType": "1.2.840.113549.1.9.3",
    "messageDigest": "1.2.840.113549.1.9.4",
    "signingTime": "1.2.840.113549.1.9.5",
    "countersignature": "1.2.840.113549.1.9.6",
    "commitmentType": "1.2.840.113549.1.9.16.2.16",
    "contentTimestamp": "1.2.840.113549.1.9.16.2.20",
    "certificateRefs": "1.2.840.113549.1.9.16.2.21",
    "revocationRefs": "1.2.840.113549.1.9.16.2.22",
    "escTimeStamp": "1.2.840.113549.1.9.16.2.25",
    "archiveTimestampV3": "0.4.0.1733.2.4",
    "atsHashIndexV3": "0.4.0.19122.1.5",
    "proofOfOrigin": "1.2.840.113549.1.9.16.6.1",
    "proofOfApproval": "1.2.840.113549.1.9.16.6.5",
    "unknownAttr": "1.3.6.1.4.1.55555.9.1",
    "sha256": "2.16.840.1.101.3.4.2.1",
    "sha384": "2.16.840.1.101.3.4.2.2",
    "sha512": "2.16.840.1.101.3.4.2.3",
    "sha3-384": "2.16.840.1.101.3.4.2.9",
    "sha3-512": "2.16.840.1.101.3.4.2.10",
    "shake256-len": "2.16.840.1.101.3.4.2.18",
    "rsaEncryption": "1.2.840.113549.1.1.1",
    "mgf1": "1.2.840.113549.1.1.8",
    "rsassaPss": "1.2.840.113549.1.1.10",
    "sha256WithRSA": "1.2.840.113549.1.1.11",
    "ecdsaWithSHA256": "1.2.840.10045.4.3.2",
    "ecdsaWithSHA384": "1.2.840.10045.4.3.3",
    "ecdsaWithSHA3-384": "2.16.840.1.101.3.4.3.11",
    "ecdsaPlainSHA256": "0.4.0.127.0.7.1.1.4.1.3",
    "ecdsaPlainSHA384": "0.4.0.127.0.7.1.1.4.1.4",
    "ed448": "1.3.101.113",
    "countryName": "2.5.4.6",
    "organizationName": "2.5.4.10",
    "commonName": "2.5.4.3",
    "subjectKeyIdentifier": "2.5.29.14",
    "authorityKeyIdentifier": "2.5.29.35",
}

# The signing time of every hand-made signature, and the certificate window.
SIGNING_TIME = "260501000000Z"
NOT_BEFORE = "250101000000Z"
NOT_AFTER = "450101000000Z"

# ---------------------------------------------------------------------------
# a small DER/BER writer
# ---------------------------------------------------------------------------


def length(n: int) -> bytes:
    """Minimal (DER) length octets."""
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + length(len(content)) + content


def tlv_long(tag: int, content: bytes, octets: int) -> bytes:
    """A definite length in `octets` length octets, whether or not that is minimal (BER)."""
    return bytes([tag, 0x80 | octets]) + len(content).to_bytes(octets, "big") + content


def tlv_indefinite(tag: int, *parts: bytes) -> bytes:
    """A constructed element with the indefinite length form (BER), closed by end-of-contents."""
    return bytes([tag, 0x80]) + b"".join(parts) + b"\x00\x00"


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def der_sorted(parts: list[bytes]) -> list[bytes]:
    """X.690 section 11.6: SET OF elements ordered as octet strings, the shorter padded with 0s."""
    width = max((len(p) for p in parts), default=0)
    return sorted(parts, key=lambda p: p + b"\x00" * (width - len(p)))


def set_of(parts: list[bytes], sort: bool = True) -> bytes:
    return tlv(0x31, b"".join(der_sorted(parts) if sort else parts))


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    first = [arcs[0] * 40 + arcs[1]] + arcs[2:]
    body = bytearray()
    for arc in first:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(0x06, bytes(body))


def integer(n: int) -> bytes:
    body = n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True)
    return tlv(0x02, body)


def octets(b: bytes) -> bytes:
    return tlv(0x04, b)


def bits(b: bytes) -> bytes:
    return tlv(0x03, b"\x00" + b)


NULL = b"\x05\x00"


def utctime(s: str) -> bytes:
    return tlv(0x17, s.encode("ascii"))


def utf8(s: str) -> bytes:
    return tlv(0x0C, s.encode("utf-8"))


def ctx(n: int, content: bytes, constructed: bool = True) -> bytes:
    return tlv((0xA0 if constructed else 0x80) | n, content)


def alg(name: str, params: bytes | None = None) -> bytes:
    """AlgorithmIdentifier; params None means absent."""
    return seq(oid(OID[name]), params or b"")


def attribute(type_name: str, values: list[bytes], sort: bool = True) -> bytes:
    return seq(oid(OID[type_name]), set_of(values, sort))


# ---------------------------------------------------------------------------
# a small reader (definite and indefinite lengths), enough to cut and splice
# ---------------------------------------------------------------------------


@dataclass
class Node:
    start: int  # first octet of the tag
    body: int  # first octet of the contents
    end: int  # one past the last octet (after end-of-contents for indefinite)
    tag: int
    indefinite: bool

    @property
    def body_end(self) -> int:
        return self.end - 2 if self.indefinite else self.end


def read(buf: bytes, at: int) -> Node:
    tag = buf[at]
    if tag & 0x1F == 0x1F:
        raise ValueError("high tag numbers are not used here")
    first = buf[at + 1]
    if first == 0x80:
        pos = at + 2
        while buf[pos : pos + 2] != b"\x00\x00":
            pos = read(buf, pos).end
        return Node(at, at + 2, pos + 2, tag, True)
    if first < 0x80:
        return Node(at, at + 2, at + 2 + first, tag, False)
    n = first & 0x7F
    size = int.from_bytes(buf[at + 2 : at + 2 + n], "big")
    return Node(at, at + 2 + n, at + 2 + n + size, tag, False)


def kids(buf: bytes, node: Node) -> list[Node]:
    out, pos = [], node.body
    while pos < node.body_end:
        child = read(buf, pos)
        out.append(child)
        pos = child.end
    return out


def walk(buf: bytes, node: Node) -> None:
    """Read every constructed element down to the primitives (raises on malformed input)."""
    if node.tag & 0x20:
        for child in kids(buf, node):
            walk(buf, child)
        if not node.indefinite and node.body < node.end and kids(buf, node)[-1].end != node.end:
            raise ValueError("a child runs past its parent")


def rewrite(buf: bytes, node: Node, path: list[int], change) -> bytes:
    """Re-encode `node` (definite lengths) with the descendant at `path` replaced by change(old)."""
    if not path:
        return change(buf[node.start : node.end])
    children = kids(buf, node)
    target = children[path[0]]
    inner = (
        buf[node.body : target.start]
        + rewrite(buf, target, path[1:], change)
        + buf[target.end : node.body_end]
    )
    return tlv(node.tag, inner)


# ---------------------------------------------------------------------------
# files and keys
# ---------------------------------------------------------------------------


def der_of(path: Path) -> bytes:
    data = path.read_bytes()
    if a_pem.detect(data):
        return a_pem.unarmor(data)[2]
    return data


def write_pem(path: Path, der: bytes, label: str = "CERTIFICATE") -> None:
    path.write_bytes(a_pem.armor(label, der))


def load_key(path: Path):
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def spki_from_openssl(key_path: Path) -> bytes:
    """The key's SubjectPublicKeyInfo exactly as OpenSSL writes it (RSA-PSS, DSA, Ed448...)."""
    return subprocess.run(
        ["openssl", "pkey", "-in", str(key_path), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout


class Cert:
    """A certificate of the test PKI, with the pieces the builders need."""

    def __init__(self, path: Path, key_path: Path | None = None):
        self.path = path
        self.der = der_of(path)
        self.parsed = a_x509.Certificate.load(self.der)
        tbs = self.parsed["tbs_certificate"]
        self.subject = tbs["subject"].dump()
        self.issuer = tbs["issuer"].dump()
        self.serial = tbs["serial_number"].dump()
        self.ski = self.parsed.key_identifier
        self.key = load_key(key_path) if key_path else None

    def issuer_and_serial(self) -> bytes:
        return seq(self.issuer, self.serial)


# ---------------------------------------------------------------------------
# signing primitives
# ---------------------------------------------------------------------------


def sign_pkcs1(key, data: bytes, digest=hashes.SHA256()) -> bytes:
    return key.sign(data, padding.PKCS1v15(), digest)


def sign_ecdsa_der(key, data: bytes, digest=hashes.SHA256()) -> bytes:
    return key.sign(data, ec.ECDSA(digest))


def sign_ecdsa_plain(key, data: bytes, digest) -> bytes:
    """BSI TR-03111 plain format: r || s, each as long as the group order, big-endian."""
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(digest)))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def sign_pss(key, data: bytes, digest, mgf_digest, salt: int) -> bytes:
    return key.sign(data, padding.PSS(mgf=padding.MGF1(mgf_digest), salt_length=salt), digest)


# ---------------------------------------------------------------------------
# CMS assembly
# ---------------------------------------------------------------------------


def signed_attrs_field(attrs: list[bytes], sort: bool = True) -> bytes:
    """The SignerInfo's [0] IMPLICIT signedAttrs field, DER unless told otherwise."""
    return tlv(0xA0, b"".join(der_sorted(attrs) if sort else attrs))


def to_be_signed(field: bytes) -> bytes:
    """RFC 5652 section 5.4: the same octets with the EXPLICIT SET OF tag instead of [0]."""
    return b"\x31" + field[1:]


def basic_attrs(digest: bytes, with_content_type: bool = True) -> list[bytes]:
    attrs = [
        attribute("signingTime", [utctime(SIGNING_TIME)]),
        attribute("messageDigest", [octets(digest)]),
    ]
    if with_content_type:
        attrs.insert(0, attribute("contentType", [oid(OID["data"])]))
    return attrs


def signer_info(
    signer: Cert,
    digest_alg: bytes,
    attrs_field: bytes,
    sig_alg: bytes,
    signature: bytes,
    unsigned: list[bytes] | None = None,
) -> bytes:
    parts = [integer(1), signer.issuer_and_serial(), digest_alg, attrs_field, sig_alg, octets(signature)]
    if unsigned:
        # Unsigned attributes are kept in the order they were added (CAdES adds them in turn).
        parts.append(tlv(0xA1, b"".join(unsigned)))
    return seq(*parts)


def content_info(digest_algs: list[bytes], certs: list[bytes], signer_infos: list[bytes], content: bytes | None = None) -> bytes:
    eci = [oid(OID["data"])]
    if content is not None:
        eci.append(ctx(0, octets(content)))
    sd = seq(
        integer(1),
        set_of(digest_algs),
        seq(*eci),
        tlv(0xA0, b"".join(der_sorted(certs))),
        set_of(signer_infos),
    )
    return seq(oid(OID["signedData"]), ctx(0, sd))


def simple_signature(
    signer: Cert,
    chain: list[Cert],
    document: bytes,
    digest_name: str,
    digest_fn,
    sig_alg: bytes,
    sign,
    digest_params: bytes | None = None,
    extra_attrs: list[bytes] | None = None,
    unsigned=None,
) -> bytes:
    """A detached signature with contentType, signingTime, messageDigest (+ extras), DER."""
    digest_alg = alg(digest_name, digest_params)
    attrs = basic_attrs(digest_fn(document)) + (extra_attrs or [])
    field = signed_attrs_field(attrs)
    signature = sign(to_be_signed(field))
    unsigned_attrs = unsigned(signature) if callable(unsigned) else unsigned
    si = signer_info(signer, digest_alg, field, sig_alg, signature, unsigned_attrs)
    return content_info([digest_alg], [signer.der] + [c.der for c in chain], [si])


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


# ---------------------------------------------------------------------------
# certificates
# ---------------------------------------------------------------------------


def name(cn: str) -> bytes:
    def rdn(kind: str, value: bytes) -> bytes:
        return set_of([seq(oid(OID[kind]), value)])

    return seq(
        rdn("countryName", tlv(0x13, b"VN")),
        rdn("organizationName", utf8("Kyso Test PKI")),
        rdn("commonName", utf8(cn)),
    )


def ee_extensions(profile: Cert, issuer: Cert, spki: bytes) -> bytes:
    """The extensions of pki/ee-rsa2048.pem, with this key's SKI and this issuer's AKI."""
    spki_node = read(spki, 0)
    key_bits = kids(spki, spki_node)[1]
    # RFC 5280 section 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
    ski = hashlib.sha1(spki[key_bits.body + 1 : key_bits.end]).digest()
    out = []
    for ext in profile.parsed["tbs_certificate"]["extensions"]:
        ext_id = ext["extn_id"].dotted
        if ext_id == OID["subjectKeyIdentifier"]:
            out.append(seq(oid(ext_id), octets(octets(ski))))
        elif ext_id == OID["authorityKeyIdentifier"]:
            out.append(seq(oid(ext_id), octets(seq(ctx(0, issuer.ski, constructed=False)))))
        else:
            out.append(ext.dump())
    return ctx(3, seq(*out))


def issue(cn: str, spki: bytes, issuer: Cert, profile: Cert, sig_alg: bytes, sign) -> bytes:
    serial = secrets.randbits(159) | 1
    tbs = seq(
        ctx(0, integer(2)),
        integer(serial),
        sig_alg,
        issuer.subject,
        seq(utctime(NOT_BEFORE), utctime(NOT_AFTER)),
        name(cn),
        spki,
        ee_extensions(profile, issuer, spki),
    )
    return seq(tbs, sig_alg, bits(sign(tbs)))


def stage_certs(tv: Path, out: Path) -> None:
    profile = Cert(tv / "pki/ee-rsa2048.pem")
    rsa_ca = Cert(tv / "pki/intermediate-ca.pem", tv / "keys/intermediate-ca.key.pem")
    ec_ca = Cert(tv / "pki/ec-intermediate-ca.pem", tv / "keys/ec-intermediate-ca.key.pem")
    rsa_sha256 = alg("sha256WithRSA", NULL)

    def by_rsa_ca(data: bytes) -> bytes:
        return sign_pkcs1(rsa_ca.key, data)

    def made(stem: str, cn: str, spki: bytes, issuer: Cert, sig_alg: bytes, sign) -> None:
        der = issue(cn, spki, issuer, profile, sig_alg, sign)
        a_x509.Certificate.load(der).native  # must parse
        write_pem(out / f"{stem}.pem", der)

    # 5a: ecdsa-with-SHA256 WITH an explicit NULL, in the TBS and outside it.
    key = out / "ee-ecdsa-null-params.key.pem"
    made(
        "ee-ecdsa-null-params",
        "Kyso Interop ECDSA NULL parameters",
        spki_from_openssl(key),
        ec_ca,
        alg("ecdsaWithSHA256", NULL),
        lambda data: sign_ecdsa_der(ec_ca.key, data),
    )

    # 5b: rsaEncryption with the parameters ABSENT in the SubjectPublicKeyInfo.
    key = out / "ee-rsa-spki-no-params.key.pem"
    pub = load_key(key).public_key()
    rsa_public_key = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    spki = seq(alg("rsaEncryption"), bits(rsa_public_key))
    made("ee-rsa-spki-no-params", "Kyso Interop RSA SPKI without parameters", spki, rsa_ca, rsa_sha256, by_rsa_ca)

    # 5c: sha256WithRSAEncryption with ABSENT parameters as the certificate's signature algorithm.
    key = out / "ee-sha256rsa-no-params.key.pem"
    made(
        "ee-sha256rsa-no-params",
        "Kyso Interop sha256WithRSAEncryption without parameters",
        spki_from_openssl(key),
        rsa_ca,
        alg("sha256WithRSA"),
        by_rsa_ca,
    )

    # 8a: id-RSASSA-PSS keys, as `openssl genpkey -algorithm RSA-PSS` wrote them.
    made("ee-pss-spki", "Kyso Interop RSASSA-PSS key", spki_from_openssl(out / "ee-pss-spki.key.pem"), rsa_ca, rsa_sha256, by_rsa_ca)
    made(
        "ee-pss-spki-params",
        "Kyso Interop RSASSA-PSS key with parameters",
        spki_from_openssl(out / "ee-pss-spki-params.key.pem"),
        rsa_ca,
        rsa_sha256,
        by_rsa_ca,
    )

    # 11: DSA and Ed448.
    made("ee-dsa", "Kyso Interop DSA", spki_from_openssl(out / "ee-dsa.key.pem"), rsa_ca, rsa_sha256, by_rsa_ca)
    made("ee-ed448", "Kyso Interop Ed448", spki_from_openssl(out / "ee-ed448.key.pem"), rsa_ca, rsa_sha256, by_rsa_ca)


# ---------------------------------------------------------------------------
# time-stamp tokens from the test TSA
# ---------------------------------------------------------------------------


class Tsa:
    def __init__(self, tv: Path, work: Path):
        self.tv = tv
        self.dir = work / "tsa"
        self.dir.mkdir(exist_ok=True)
        (self.dir / "serial").write_text("01\n")
        chain = self.dir / "chain.pem"
        chain.write_bytes((tv / "revocation/tsa.pem").read_bytes() + (tv / "pki/intermediate-ca.pem").read_bytes())
        self.chain = chain
        self.config = self.dir / "tsa.cnf"
        self.config.write_text(
            "[ tsa ]\n"
            "default_tsa = interop_tsa\n"
            "[ interop_tsa ]\n"
            f"serial = {self.dir / 'serial'}\n"
            f"signer_cert = {tv / 'revocation/tsa.pem'}\n"
            f"signer_key = {tv / 'revocation/keys/tsa.key.pem'}\n"
            f"certs = {tv / 'pki/intermediate-ca.pem'}\n"  # the TSA's own comes with -cert
            "signer_digest = sha256\n"
            "default_policy = 1.3.6.1.4.1.55555.3.1\n"
            "digests = sha256, sha384, sha512\n"
            "accuracy = secs:1\n"
            "ordering = no\n"
            "tsa_name = no\n"
            "ess_cert_id_chain = no\n"
            "ess_cert_id_alg = sha256\n"
        )
        self.count = 0

    def token(self, digest: bytes) -> bytes:
        """A TimeStampToken (ContentInfo, DER) over the SHA-256 value `digest`, TSA certificate included."""
        self.count += 1
        query = self.dir / f"q{self.count}.tsq"
        token = self.dir / f"t{self.count}.der"
        run(["openssl", "ts", "-query", "-digest", digest.hex(), "-sha256", "-cert", "-out", str(query)])
        run(["openssl", "ts", "-reply", "-config", str(self.config), "-queryfile", str(query), "-token_out", "-out", str(token)])
        self.verify(token.read_bytes(), digest)
        return token.read_bytes()

    def verify(self, token_der: bytes, digest: bytes) -> None:
        if not self.accepts(token_der, digest):
            raise SystemExit("build_cms.py: openssl ts -verify refuses a token just made")

    def accepts(self, token_der: bytes, digest: bytes) -> bool:
        """Whether `openssl ts -verify` accepts the token for the SHA-256 value `digest`."""
        path = self.dir / "check.der"
        path.write_bytes(token_der)
        cmd = [
            "openssl", "ts", "-verify", "-token_in", "-in", str(path), "-digest", digest.hex(),
            "-CAfile", str(self.tv / "pki/root-ca.pem"), "-untrusted", str(self.chain),
        ]
        return subprocess.run(cmd, capture_output=True).returncode == 0


def run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(f"build_cms.py: command failed: {' '.join(cmd)}\n{done.stdout}{done.stderr}")
        sys.exit(1)


# ---------------------------------------------------------------------------
# the fixtures
# ---------------------------------------------------------------------------


class Builder:
    def __init__(self, tv: Path, out: Path, work: Path):
        self.tv, self.out, self.work = tv, out, work
        self.doc = (tv / "documents/cong-van.txt").read_bytes()
        self.other = (tv / "documents/quyet-dinh.txt").read_bytes()
        self.ca = Cert(tv / "pki/intermediate-ca.pem")
        self.root = Cert(tv / "pki/root-ca.pem")
        self.ec_ca = Cert(tv / "pki/ec-intermediate-ca.pem")
        self.rsa2048 = Cert(tv / "pki/ee-rsa2048.pem", tv / "keys/ee-rsa2048.key.pem")
        self.rsa3072 = Cert(tv / "pki/ee-rsa3072.pem", tv / "keys/ee-rsa3072.key.pem")
        self.p256 = Cert(tv / "pki/ee-ecdsa-p256.pem", tv / "keys/ee-ecdsa-p256.key.pem")
        self.p384 = Cert(tv / "pki/ee-ecdsa-p384.pem", tv / "keys/ee-ecdsa-p384.key.pem")
        self.tsa = Tsa(tv, work)
        self.notes: dict[str, str] = {}  # file -> what the independent OpenSSL checks said

    # -- bookkeeping ---------------------------------------------------------

    def save(self, name: str, der: bytes) -> None:
        (self.out / name).write_bytes(der)
        # Every TLV must be well formed down to the primitives, with nothing left over ...
        top = read(der, 0)
        if top.end != len(der):
            raise SystemExit(f"build_cms.py: {name}: trailing octets")
        walk(der, top)
        # ... and asn1crypto (which reads BER too) must see a SignedData in it.
        sd = a_cms.ContentInfo.load(der)["content"]
        sd["encap_content_info"]["content_type"].native
        for si in sd["signer_infos"]:
            si["sid"].native, si["digest_algorithm"].native, si["signature_algorithm"]["algorithm"].native

    def rsa_sig(self, signer: Cert):
        return lambda data: sign_pkcs1(signer.key, data)

    def plain_rsa(self, signer: Cert | None = None, **kw) -> bytes:
        signer = signer or self.rsa2048
        return simple_signature(
            signer, [self.ca], self.doc, "sha256", sha256, alg("sha256WithRSA", NULL), self.rsa_sig(signer), **kw
        )

    # -- 1: BER outside the signed attributes ---------------------------------

    def ber_detached_from_openssl(self) -> None:
        """1b: OpenSSL's streamed output with the eContent cut out (OpenSSL embeds it anyway)."""
        src = (self.work / "stream-no-nodetach.der").read_bytes()
        top = read(src, 0)
        signed_data = kids(src, kids(src, top)[1])[0]
        eci = kids(src, signed_data)[2]
        parts = kids(src, eci)
        if len(parts) != 2 or not eci.indefinite:
            raise SystemExit("build_cms.py: OpenSSL's streamed output is not shaped as expected")
        econtent = parts[1]
        der = src[: econtent.start] + src[econtent.end :]
        self.save("ber-stream-detached.p7s", der)

    def ber_chunked(self) -> None:
        """1c: indefinite lengths, a chunked eContent, non-minimal definite lengths, DER attributes."""
        signer = self.rsa2048
        field = signed_attrs_field(basic_attrs(sha256(self.doc)))
        si = signer_info(signer, alg("sha256"), field, alg("sha256WithRSA", NULL), sign_pkcs1(signer.key, to_be_signed(field)))
        chunks = [self.doc[:300], self.doc[300:600], self.doc[600:]]
        digest_alg_ber = tlv_long(0x30, oid(OID["sha256"]), 2)  # 30 82 00 0b ...
        digest_algs = tlv_long(0x31, digest_alg_ber, 1)  # 31 81 0f ...
        econtent = tlv_indefinite(0xA0, tlv_indefinite(0x24, *(octets(c) for c in chunks)))
        eci = tlv_indefinite(0x30, oid(OID["data"]), econtent)
        certificates = tlv_indefinite(0xA0, signer.der, self.ca.der)
        sd = tlv_indefinite(0x30, integer(1), digest_algs, eci, certificates, set_of([si]))
        der = tlv_indefinite(0x30, oid(OID["signedData"]), tlv_indefinite(0xA0, sd))
        self.save("ber-chunked.p7m", der)

    def ber_in_signed_attrs(self) -> None:
        """1d: the signingTime value SET written with 31 81 0f, and that BER encoding signed."""
        signer = self.rsa2048
        ber_time = seq(oid(OID["signingTime"]), tlv_long(0x31, utctime(SIGNING_TIME), 1))
        attrs = [
            attribute("contentType", [oid(OID["data"])]),
            ber_time,
            attribute("messageDigest", [octets(sha256(self.doc))]),
        ]
        field = tlv(0xA0, b"".join(attrs))  # the DER order of the DER forms, one of them in BER
        signature = sign_pkcs1(signer.key, to_be_signed(field))
        si = signer_info(signer, alg("sha256"), field, alg("sha256WithRSA", NULL), signature)
        self.save("ber-in-signed-attrs.p7s", content_info([alg("sha256")], [signer.der, self.ca.der], [si]))

    # -- 2: signed attributes out of DER order --------------------------------

    def unsorted(self) -> None:
        signer = self.rsa2048
        ct = attribute("contentType", [oid(OID["data"])])
        st = attribute("signingTime", [utctime(SIGNING_TIME)])
        md = attribute("messageDigest", [octets(sha256(self.doc))])
        received = [md, ct, st]
        assert der_sorted(received) == [ct, st, md], "messageDigest, contentType, signingTime must not be DER order"
        field = signed_attrs_field(received, sort=False)
        sorted_field = signed_attrs_field(received)
        other_time = attribute("signingTime", [utctime("260502000000Z")])
        variants = {
            "attrs-unsorted-signed-as-received.p7s": to_be_signed(field),
            "attrs-unsorted-signed-sorted.p7s": to_be_signed(sorted_field),
            # Over attributes that are not those in the file (another signing time).
            "attrs-unsorted-bad-signature.p7s": to_be_signed(signed_attrs_field([ct, other_time, md])),
        }
        for file, signed in variants.items():
            si = signer_info(signer, alg("sha256"), field, alg("sha256WithRSA", NULL), sign_pkcs1(signer.key, signed))
            self.save(file, content_info([alg("sha256")], [signer.der, self.ca.der], [si]))

    # -- 5: AlgorithmIdentifiers seen in the wild -----------------------------

    def odd_algorithm_identifiers(self) -> None:
        out = self.out
        ee = Cert(out / "ee-ecdsa-null-params.pem", out / "ee-ecdsa-null-params.key.pem")
        der = simple_signature(
            ee, [self.ec_ca], self.doc, "sha256", sha256, alg("ecdsaWithSHA256", NULL),
            lambda d: sign_ecdsa_der(ee.key, d), digest_params=NULL,
        )
        self.save("ecdsa-null-params.p7s", der)

        ee = Cert(out / "ee-rsa-spki-no-params.pem", out / "ee-rsa-spki-no-params.key.pem")
        self.save("rsa-spki-no-params.p7s", self.plain_rsa(ee))

        ee = Cert(out / "ee-sha256rsa-no-params.pem", out / "ee-sha256rsa-no-params.key.pem")
        der = simple_signature(ee, [self.ca], self.doc, "sha256", sha256, alg("sha256WithRSA"), self.rsa_sig(ee))
        self.save("sha256rsa-no-params.p7s", der)

    # -- 6: attributes --------------------------------------------------------

    def commitment_two_values(self) -> None:
        values = [seq(oid(OID["proofOfOrigin"])), seq(oid(OID["proofOfApproval"]))]
        self.save("commitment-two-values.p7s", self.plain_rsa(extra_attrs=[attribute("commitmentType", values)]))

    def unknown_attr_repeated(self) -> None:
        extra = [
            attribute("unknownAttr", [utf8("Kyso interop: giá trị thứ nhất")]),
            attribute("unknownAttr", [utf8("Kyso interop: giá trị thứ hai")]),
        ]
        self.save("unknown-attr-repeated.p7s", self.plain_rsa(extra_attrs=extra))

    def countersignature(self, over: bytes, signer: Cert, correct: bool = True, nested: Cert | None = None) -> bytes:
        """A countersignature Attribute over the signature value `over` (RFC 5652 section 11.4)."""
        digest = sha256(over) if correct else sha256(self.doc)
        field = signed_attrs_field(basic_attrs(digest, with_content_type=False))
        if isinstance(signer.key, ec.EllipticCurvePrivateKey):
            sig_alg, signature = alg("ecdsaWithSHA256"), sign_ecdsa_der(signer.key, to_be_signed(field))
        else:
            sig_alg, signature = alg("sha256WithRSA", NULL), sign_pkcs1(signer.key, to_be_signed(field))
        unsigned = [self.countersignature(signature, nested)] if nested else None
        si = signer_info(signer, alg("sha256"), field, sig_alg, signature, unsigned)
        return attribute("countersignature", [si])

    def countersigned(self) -> None:
        chain = [self.ca, self.p256, self.rsa3072]
        signer = self.rsa2048
        for file, kw in {
            "countersigned.p7s": {},
            "countersigned-nested.p7s": {"nested": self.rsa3072},
            "countersigned-bad.p7s": {"correct": False},
        }.items():
            der = simple_signature(
                signer, chain, self.doc, "sha256", sha256, alg("sha256WithRSA", NULL), self.rsa_sig(signer),
                unsigned=lambda sig, kw=kw: [self.countersignature(sig, self.p256, **kw)],
            )
            self.save(file, der)

    def content_timestamps(self) -> None:
        good = self.tsa.token(sha256(self.doc))
        wrong = self.tsa.token(sha256(self.other))
        self.save("content-timestamp.p7s", self.plain_rsa(extra_attrs=[attribute("contentTimestamp", [good])]))
        self.save(
            "content-timestamp-wrong-document.p7s",
            self.plain_rsa(extra_attrs=[attribute("contentTimestamp", [wrong])]),
        )

    def archive_and_cades_c(self) -> None:
        signer = self.rsa2048
        digest_alg = alg("sha256")
        field = signed_attrs_field(basic_attrs(sha256(self.doc)))
        sig_alg = alg("sha256WithRSA", NULL)
        signature = sign_pkcs1(signer.key, to_be_signed(field))

        def issuer_serial(cert: Cert) -> bytes:
            # IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber } (directoryName [4])
            return seq(seq(ctx(4, cert.issuer)), cert.serial)

        def other_hash(data: bytes) -> bytes:
            # OtherHashAlgAndValue ::= SEQUENCE { hashAlgorithm, hashValue }
            return seq(alg("sha256"), octets(sha256(data)))

        # complete-certificate-references: the CA certificates of the path, not the signer's.
        cert_refs = attribute(
            "certificateRefs",
            [seq(*(seq(other_hash(c.der), issuer_serial(c)) for c in (self.ca, self.root)))],
        )

        # complete-revocation-references: one CrlOcspRef per certificate of the path below the
        # anchor, each naming the committed CRL that covers it.
        def crl_ref(path: Path) -> bytes:
            crl_der = der_of(path)
            tbs = a_crl.CertificateList.load(crl_der)["tbs_cert_list"]
            ident = [tbs["issuer"].dump(), tbs["this_update"].chosen.dump()]
            number = a_crl.CertificateList.load(crl_der).crl_number_value
            if number is not None:
                ident.append(number.dump())
            validated = seq(other_hash(crl_der), seq(*ident))  # CrlValidatedID
            return seq(ctx(0, seq(seq(validated))))  # CrlOcspRef { crlids [0] CRLListID }

        rev_refs = attribute(
            "revocationRefs",
            [seq(crl_ref(self.tv / "revocation/signing-ca.crl.der"), crl_ref(self.tv / "revocation/root.crl.der"))],
        )

        # CAdES-C time-stamp: signature value, then the two reference attributes.
        esc = attribute("escTimeStamp", [self.tsa.token(sha256(signature + cert_refs + rev_refs))])

        certs = [signer.der, self.ca.der]
        unsigned_before = [cert_refs, rev_refs, esc]
        # ATSHashIndexV3 (EN 319 122-1 section 5.5.2), hashIndAlgorithm = sha256 by default.
        index = seq(
            seq(*(octets(sha256(c)) for c in der_sorted(certs))),
            seq(),
            seq(*(octets(sha256(a)) for a in unsigned_before)),
        )
        index_attr = attribute("atsHashIndexV3", [index])
        # Message imprint input (EN 319 122-1 section 5.5.3): eContentType, the content hash, the
        # signer's fields from version to signature, then the index.
        si_fields = integer(1) + signer.issuer_and_serial() + digest_alg + field + sig_alg + octets(signature)
        imprint = sha256(oid(OID["data"]) + sha256(self.doc) + si_fields + index)
        token = self.tsa.token(imprint)

        # The index goes into the token's own SignerInfo as an unsigned attribute.
        def add_index(signer_info_der: bytes) -> bytes:
            node = read(signer_info_der, 0)
            return tlv(0x30, signer_info_der[node.body : node.end] + tlv(0xA1, index_attr))

        top = read(token, 0)
        sd_kids = kids(token, kids(token, kids(token, top)[1])[0])
        path = [1, 0, len(sd_kids) - 1, 0]  # ContentInfo > [0] > SignedData > signerInfos > SignerInfo
        token = rewrite(token, top, path, add_index)
        self.tsa.verify(token, imprint)
        ats = attribute("archiveTimestampV3", [token])

        si = signer_info(signer, digest_alg, field, sig_alg, signature, unsigned_before + [ats])
        self.save("archive-and-cades-c.p7s", content_info([digest_alg], certs, [si]))

    # -- 9, 10, 11: algorithms OpenSSL's CMS does not sign with ----------------

    def sha3(self) -> None:
        p384 = self.p384
        der = simple_signature(
            p384, [self.ca], self.doc, "sha3-384", lambda d: hashlib.sha3_384(d).digest(),
            alg("ecdsaWithSHA3-384"), lambda d: sign_ecdsa_der(p384.key, d, hashes.SHA3_384()),
        )
        self.save("sha3-384-ecdsa-p384.p7s", der)

        signer = self.rsa2048
        pss_params = seq(
            ctx(0, alg("sha3-512")),
            ctx(1, seq(oid(OID["mgf1"]), alg("sha3-512"))),
            ctx(2, integer(64)),
        )
        der = simple_signature(
            signer, [self.ca], self.doc, "sha3-512", lambda d: hashlib.sha3_512(d).digest(),
            alg("rsassaPss", pss_params),
            lambda d: sign_pss(signer.key, d, hashes.SHA3_512(), hashes.SHA3_512(), 64),
        )
        self.save("sha3-512-pss.p7s", der)

    def ecdsa_plain(self) -> None:
        for file, ee, digest_name, fn, hash_obj, sig_name in [
            ("ecdsa-plain-sha256.p7s", self.p256, "sha256", sha256, hashes.SHA256(), "ecdsaPlainSHA256"),
            ("ecdsa-plain-sha384-p384.p7s", self.p384, "sha384", lambda d: hashlib.sha384(d).digest(), hashes.SHA384(), "ecdsaPlainSHA384"),
        ]:
            der = simple_signature(
                ee, [self.ca], self.doc, digest_name, fn, alg(sig_name),
                lambda d, ee=ee, h=hash_obj: sign_ecdsa_plain(ee.key, d, h),
            )
            self.save(file, der)

    def ed448(self) -> None:
        ee = Cert(self.out / "ee-ed448.pem", self.out / "ee-ed448.key.pem")
        der = simple_signature(
            ee, [self.ca], self.doc, "shake256-len", lambda d: hashlib.shake_256(d).digest(64),
            alg("ed448"), lambda d: ee.key.sign(d), digest_params=integer(512),
        )
        self.save("ed448.p7s", der)

    # -- checks by OpenSSL of what openssl cms -verify does not look at -------

    def openssl_verifies(self, cert_der: bytes, data: bytes, signature: bytes, how: list[str]) -> bool:
        """`openssl dgst -verify` (or pkeyutl for EdDSA) of `signature` over `data` with the certificate's key."""
        d = self.work / "dgst"
        d.mkdir(exist_ok=True)
        (d / "cert.der").write_bytes(cert_der)
        (d / "data").write_bytes(data)
        (d / "sig").write_bytes(signature)
        pub = subprocess.run(
            ["openssl", "x509", "-inform", "DER", "-in", str(d / "cert.der"), "-pubkey", "-noout"],
            check=True, capture_output=True,
        ).stdout
        (d / "pub.pem").write_bytes(pub)
        if how == ["raw"]:
            cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(d / "pub.pem"), "-rawin",
                   "-in", str(d / "data"), "-sigfile", str(d / "sig")]
        else:
            cmd = ["openssl", "dgst", *how, "-verify", str(d / "pub.pem"), "-signature", str(d / "sig"), str(d / "data")]
        return subprocess.run(cmd, capture_output=True).returncode == 0

    def independent_checks(self) -> None:
        def say(ok: bool) -> str:
            return "ok" if ok else "fails"

        def signer_parts(file: str):
            sd = a_cms.ContentInfo.load((self.out / file).read_bytes())["content"]
            return sd, sd["signer_infos"][0]

        def signed_octets(si) -> bytes:
            return b"\x31" + si["signed_attrs"].dump()[1:]

        rsa = self.rsa2048.der
        der_form = to_be_signed(signed_attrs_field(basic_attrs(sha256(self.doc))))
        for file in ["ber-in-signed-attrs.p7s", "attrs-unsorted-signed-as-received.p7s",
                     "attrs-unsorted-signed-sorted.p7s", "attrs-unsorted-bad-signature.p7s"]:
            _, si = signer_parts(file)
            sig = si["signature"].native
            self.notes[file] = (
                f"openssl dgst -verify over the octets received: {say(self.openssl_verifies(rsa, signed_octets(si), sig, ['-sha256']))}, "
                f"over the DER form: {say(self.openssl_verifies(rsa, der_form, sig, ['-sha256']))}"
            )

        certs_by_serial = {c.serial: c.der for c in (self.p256, self.rsa3072)}
        for file in ["countersigned.p7s", "countersigned-nested.p7s", "countersigned-bad.p7s"]:
            _, si = signer_parts(file)
            found = []

            def walk_counter(parent, depth: int) -> None:
                unsigned = parent["unsigned_attrs"]
                for attr in [] if isinstance(unsigned, a_core.Void) else unsigned:
                    if attr["type"].dotted != OID["countersignature"]:
                        continue
                    for cs in attr["values"]:
                        cert = certs_by_serial[cs["sid"].chosen["serial_number"].dump()]
                        is_ec = cs["signature_algorithm"]["algorithm"].dotted == OID["ecdsaWithSHA256"]
                        sig_ok = self.openssl_verifies(cert, signed_octets(cs), cs["signature"].native, ["-sha256"])
                        md = next(a for a in cs["signed_attrs"] if a["type"].native == "message_digest")["values"][0].native
                        digest_ok = md == hashlib.sha256(parent["signature"].native).digest()
                        found.append(
                            f"{'nested ' if depth else ''}countersignature ({'ECDSA' if is_ec else 'RSA'}): "
                            f"openssl dgst -verify {say(sig_ok)}, messageDigest {'matches' if digest_ok else 'does not match'} the signature value"
                        )
                        walk_counter(cs, depth + 1)

            walk_counter(si, 0)
            self.notes[file] = "; ".join(found)

        for file, token_doc in [("content-timestamp.p7s", self.doc), ("content-timestamp-wrong-document.p7s", self.other)]:
            _, si = signer_parts(file)
            token = next(a for a in si["signed_attrs"] if a["type"].dotted == OID["contentTimestamp"])["values"][0].dump()
            self.notes[file] = (
                f"token: openssl ts -verify against cong-van.txt {say(self.tsa.accepts(token, sha256(self.doc)))}"
                + ("" if token_doc is self.doc else f", against quyet-dinh.txt {say(self.tsa.accepts(token, sha256(self.other)))}")
            )

        self.notes["archive-and-cades-c.p7s"] = "escTimeStamp and archiveTimestampV3 tokens: openssl ts -verify ok for their imprints"

        for file, ee, md in [("ecdsa-plain-sha256.p7s", self.p256, "-sha256"), ("ecdsa-plain-sha384-p384.p7s", self.p384, "-sha384")]:
            _, si = signer_parts(file)
            raw = si["signature"].native
            half = len(raw) // 2
            as_der = encode_dss_signature(int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big"))
            self.notes[file] = (
                f"value {len(raw)} octets; r||s re-encoded as an ECDSA-Sig-Value: openssl dgst -verify "
                f"{say(self.openssl_verifies(ee.der, signed_octets(si), as_der, [md]))}"
            )

        _, si = signer_parts("ed448.p7s")
        ed = Cert(self.out / "ee-ed448.pem")
        self.notes["ed448.p7s"] = (
            f"openssl pkeyutl -verify (Ed448) over the signed attributes {say(self.openssl_verifies(ed.der, signed_octets(si), si['signature'].native, ['raw']))}"
        )

    # -- self-checks (cryptography, independent of any CMS code) --------------

    def self_check(self) -> None:
        """Re-verify every signature value (countersignatures too) with `cryptography`."""
        special = ("ber-in-signed-attrs", "attrs-unsorted")  # see check_special_signatures
        for file in sorted(self.out.glob("*.p7[sm]")):
            if file.name.startswith(special):
                continue
            sd = a_cms.ContentInfo.load(file.read_bytes())["content"]
            certs = {c.chosen.issuer_serial: c.chosen for c in sd["certificates"]}

            def check(si, label: str, over: bytes | None) -> None:
                sid = si["sid"].chosen
                cert = certs[sid["issuer"].sha256 + b":" + str(sid["serial_number"].native).encode()]
                check_signer(label, si, cert)
                if over is not None:  # a countersignature: its messageDigest is over `over`
                    digest = next(a for a in si["signed_attrs"] if a["type"].native == "message_digest")["values"][0].native
                    if (digest == sha256(over)) != (file.name != "countersigned-bad.p7s"):
                        raise SystemExit(f"build_cms.py: self-check of {label}: countersignature digest")
                unsigned = si["unsigned_attrs"]
                for attr in [] if isinstance(unsigned, a_core.Void) else unsigned:
                    if attr["type"].dotted == OID["countersignature"]:
                        for inner in attr["values"]:
                            check(inner, label + " (countersignature)", si["signature"].native)

            for si in sd["signer_infos"]:
                check(si, file.name, None)


def check_signer(label: str, si, cert) -> None:
    """Verify one SignerInfo's signature over its [0] with the SET tag, or stop the build."""
    raw = si["signed_attrs"].dump()
    signed = b"\x31" + raw[1:]
    signature = si["signature"].native
    sig_alg = si["signature_algorithm"]
    sig_oid = sig_alg["algorithm"].dotted
    if cert.public_key.algorithm == "rsassa_pss":
        return  # id-RSASSA-PSS keys are OpenSSL's fixtures, checked by openssl cms -verify
    pub = serialization.load_der_public_key(cert.public_key.dump())
    by_name = {
        "sha1": hashes.SHA1(), "sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512(),
        "sha3_256": hashes.SHA3_256(), "sha3_384": hashes.SHA3_384(), "sha3_512": hashes.SHA3_512(),
    }
    by_oid = {OID["sha256"]: hashes.SHA256(), OID["sha384"]: hashes.SHA384(), OID["sha512"]: hashes.SHA512(),
              OID["sha3-384"]: hashes.SHA3_384(), OID["sha3-512"]: hashes.SHA3_512(),
              "2.16.840.1.101.3.4.2.8": hashes.SHA3_256()}
    try:
        if isinstance(pub, rsa.RSAPublicKey) and sig_oid == OID["rsassaPss"]:
            params = sig_alg["parameters"]
            h = by_name[params["hash_algorithm"]["algorithm"].native]
            m = by_name[params["mask_gen_algorithm"]["parameters"]["algorithm"].native]
            pss = padding.PSS(mgf=padding.MGF1(m), salt_length=params["salt_length"].native)
            pub.verify(signature, signed, pss, h)
        elif isinstance(pub, rsa.RSAPublicKey):
            pub.verify(signature, signed, padding.PKCS1v15(), by_oid[si["digest_algorithm"]["algorithm"].dotted])
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            if sig_oid in (OID["ecdsaPlainSHA256"], OID["ecdsaPlainSHA384"]):
                half = len(signature) // 2
                signature = encode_dss_signature(
                    int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
                )
            pub.verify(signature, signed, ec.ECDSA(by_oid[si["digest_algorithm"]["algorithm"].dotted]))
        elif isinstance(pub, ed448.Ed448PublicKey):
            pub.verify(signature, signed)
        elif isinstance(pub, dsa.DSAPublicKey):
            pub.verify(signature, signed, by_oid[si["digest_algorithm"]["algorithm"].dotted])
        else:
            raise SystemExit(f"build_cms.py: {label}: no check for {type(pub).__name__}")
    except InvalidSignature:
        raise SystemExit(f"build_cms.py: self-check of {label}: the signature does not verify")


def versions_note() -> str:
    have = {"asn1crypto": asn1crypto.__version__, "cryptography": cryptography.__version__}
    for pkg, want in PINNED.items():
        if have[pkg] != want:
            sys.stderr.write(f"build_cms.py: note: {pkg} {have[pkg]} here, the fixtures were made with {want}\n")
    return ", ".join(f"{k}=={v}" for k, v in have.items())


def stage_cms(tv: Path, out: Path, work: Path) -> None:
    b = Builder(tv, out, work)
    b.ber_detached_from_openssl()
    b.ber_chunked()
    b.ber_in_signed_attrs()
    b.unsorted()
    b.odd_algorithm_identifiers()
    b.commitment_two_values()
    b.unknown_attr_repeated()
    b.countersigned()
    b.content_timestamps()
    b.archive_and_cades_c()
    b.sha3()
    b.ecdsa_plain()
    b.ed448()
    b.self_check()
    check_special_signatures(b)
    b.independent_checks()
    write_cases(work / "cases.in", b.notes)
    (out / "README.md").write_text(README.replace("@PINS@", versions_note()))


def check_special_signatures(b: Builder) -> None:
    """The fixtures whose signature is not over the re-encoded [0]: check what each one covers."""
    pub = b.rsa2048.key.public_key()

    def verifies(sig: bytes, data: bytes) -> bool:
        try:
            pub.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
            return True
        except Exception:
            return False

    der_form = to_be_signed(signed_attrs_field(basic_attrs(sha256(b.doc))))
    for file in [
        "ber-in-signed-attrs.p7s",
        "attrs-unsorted-signed-as-received.p7s",
        "attrs-unsorted-signed-sorted.p7s",
        "attrs-unsorted-bad-signature.p7s",
    ]:
        buf = (b.out / file).read_bytes()
        # ContentInfo > [0] > SignedData > signerInfos (last) > SignerInfo
        top = read(buf, 0)
        sd = kids(buf, kids(buf, top)[1])[0]
        si = kids(buf, kids(buf, sd)[-1])[0]
        parts = kids(buf, si)
        field, sig = parts[3], parts[5]
        received = b"\x31" + buf[field.start + 1 : field.end]
        signature = buf[sig.body : sig.end]
        got = (verifies(signature, received), verifies(signature, der_form))
        want = {
            "ber-in-signed-attrs.p7s": (True, False),
            "attrs-unsorted-signed-as-received.p7s": (True, False),
            "attrs-unsorted-signed-sorted.p7s": (False, True),
            "attrs-unsorted-bad-signature.p7s": (False, False),
        }[file]
        if received == der_form or got != want:
            raise SystemExit(f"build_cms.py: self-check of {file}: the signature does not cover what it should")


# ---------------------------------------------------------------------------
# the table of cases (gen_cms.sh adds OpenSSL's verdicts) and the README
# ---------------------------------------------------------------------------

S = "pki/ee-rsa2048.pem"
I = "interop/cms/"
CASES = [
    # file, point, what, expected, signer, document, anchor
    ("ber-stream-attached.p7m", "1a", "openssl cms -sign -stream -nodetach: indefinite lengths, constructed eContent OCTET STRING", "TOTAL-PASSED", S),
    ("ber-stream-detached.p7s", "1b", "openssl cms -sign -stream (BER, indefinite lengths) with the embedded eContent cut out: detached BER", "TOTAL-PASSED", S),
    ("ber-chunked.p7m", "1c", "BER: indefinite ContentInfo/SignedData/eContentInfo/certificates, eContent in 3 chunks, non-minimal lengths in digestAlgorithms; DER signed attributes", "TOTAL-PASSED", S),
    ("ber-in-signed-attrs.p7s", "1d", "signingTime value SET with length 81 0f inside the signed attributes; signature over those BER octets", "TOTAL-FAILED/FORMAT_FAILURE", S),
    ("attrs-unsorted-signed-as-received.p7s", "2a", "signed attributes in the order messageDigest, contentType, signingTime; signature over that order", "TOTAL-PASSED+warning:signed-attributes-not-in-der-order(signed_as_received=true)", S),
    ("attrs-unsorted-signed-sorted.p7s", "2b", "same order in the file; signature over the DER-sorted encoding", "TOTAL-PASSED+warning:signed-attributes-not-in-der-order(signed_as_received=false)", S),
    ("attrs-unsorted-bad-signature.p7s", "2c", "same order in the file; signature over other attributes (another signingTime)", "TOTAL-FAILED/SIG_CRYPTO_FAILURE", S),
    ("ecdsa-null-params.p7s", "5a", "ecdsa-with-SHA256 with explicit NULL in the signer's certificate (TBS and outer) and in SignerInfo.signatureAlgorithm; sha256 with NULL", "TOTAL-PASSED", I + "ee-ecdsa-null-params.pem", "documents/cong-van.txt", "ec"),
    ("rsa-spki-no-params.p7s", "5b", "signer certificate's SubjectPublicKeyInfo rsaEncryption with absent parameters", "TOTAL-PASSED", I + "ee-rsa-spki-no-params.pem"),
    ("sha256rsa-no-params.p7s", "5c", "sha256WithRSAEncryption with absent parameters in the signer's certificate and in SignerInfo.signatureAlgorithm", "TOTAL-PASSED", I + "ee-sha256rsa-no-params.pem"),
    ("commitment-two-values.p7s", "6a", "commitment-type-indication with two values: proof of origin and proof of approval", "TOTAL-PASSED", S),
    ("unknown-attr-repeated.p7s", "6b", "unknown signed attribute 1.3.6.1.4.1.55555.9.1 (UTF8String) present as two Attribute entries", "TOTAL-PASSED+warning:repeated-unknown-signed-attribute", S),
    ("countersigned.p7s", "6c", "countersignature by ee-ecdsa-p256 over the signature value", "TOTAL-PASSED;countersignature:TOTAL-PASSED", S),
    ("countersigned-nested.p7s", "6c", "countersignature by ee-ecdsa-p256 carrying its own countersignature by ee-rsa3072", "TOTAL-PASSED;countersignature:TOTAL-PASSED;nested-countersignature:TOTAL-PASSED", S),
    ("countersigned-bad.p7s", "6c", "countersignature by ee-ecdsa-p256 whose messageDigest is the document's digest, not the signature value's", "TOTAL-PASSED;countersignature:TOTAL-FAILED/HASH_FAILURE", S),
    ("content-timestamp.p7s", "6d", "signed content-time-stamp: openssl ts token over cong-van.txt (TSA certificate included)", "TOTAL-PASSED", S),
    ("content-timestamp-wrong-document.p7s", "6d", "signed content-time-stamp whose token is over quyet-dinh.txt", "TOTAL-FAILED/HASH_FAILURE", S),
    ("archive-and-cades-c.p7s", "6e", "unsigned certificateRefs, revocationRefs, escTimeStamp and archiveTimestampV3 (with ats-hash-index-v3), not examined", "TOTAL-PASSED", S),
    ("pss-spki.p7s", "8a", "id-RSASSA-PSS key without parameters in the SPKI; RSASSA-PSS sha256/MGF1-sha256/salt 222 (OpenSSL's maximum)", "TOTAL-PASSED", I + "ee-pss-spki.pem"),
    ("pss-spki-params.p7s", "8a", "id-RSASSA-PSS key restricted to sha256/MGF1-sha256/salt>=32 in the SPKI; signed sha256/MGF1-sha256/salt 32", "TOTAL-PASSED", I + "ee-pss-spki-params.pem"),
    ("pss-salt20.p7s", "8b", "rsaEncryption key, RSASSA-PSS sha256, MGF1-sha256, salt 20 (saltLength omitted: the DEFAULT)", "TOTAL-PASSED", S),
    ("pss-mgf1-sha1.p7s", "8c", "RSASSA-PSS sha256 with MGF1-SHA-1 (maskGenAlgorithm omitted: the DEFAULT), salt 32", "TOTAL-PASSED", S),
    ("pss-sha512-salt64.p7s", "8d", "RSASSA-PSS sha512, MGF1-sha512, salt 64", "TOTAL-PASSED", S),
    ("sha3-256-rsa.p7s", "9", "openssl cms -md sha3-256, PKCS#1 v1.5; OpenSSL writes signatureAlgorithm rsaEncryption", "TOTAL-PASSED", S),
    ("sha3-384-ecdsa-p384.p7s", "9", "ee-ecdsa-p384, digest id-sha3-384, signatureAlgorithm id-ecdsa-with-sha3-384 (2.16.840.1.101.3.4.3.11)", "TOTAL-PASSED", "pki/ee-ecdsa-p384.pem"),
    ("sha3-512-pss.p7s", "9", "RSASSA-PSS with id-sha3-512, MGF1-sha3-512, salt 64; digest id-sha3-512", "TOTAL-PASSED", S),
    ("ecdsa-plain-sha256.p7s", "10", "ecdsa-plain-SHA256 (0.4.0.127.0.7.1.1.4.1.3), signature r||s 32+32 octets", "TOTAL-PASSED", "pki/ee-ecdsa-p256.pem"),
    ("ecdsa-plain-sha384-p384.p7s", "10", "ecdsa-plain-SHA384 (0.4.0.127.0.7.1.1.4.1.4), signature r||s 48+48 octets", "TOTAL-PASSED", "pki/ee-ecdsa-p384.pem"),
    ("dsa-sha256.p7s", "11", "DSA 2048/256 key, openssl cms -md sha256 (dsa-with-sha256)", "TOTAL-PASSED", I + "ee-dsa.pem"),
    ("ed448.p7s", "11", "Ed448 (pure), digest id-shake256-len with 512", "TOTAL-PASSED", I + "ee-ed448.pem"),
]


def write_cases(path: Path, notes: dict[str, str]) -> None:
    rows = []
    for row in CASES:
        file, point, what, expected, signer, *rest = row
        document = rest[0] if rest else "documents/cong-van.txt"
        anchor = rest[1] if len(rest) > 1 else "rsa"
        note = notes.get(file, "-")
        rows.append("\t".join([f"interop/cms/{file}", point, what, expected, document, signer, anchor, note]))
    path.write_text("\n".join(rows) + "\n")


README = r"""# Interoperability CMS fixtures

CMS SignedData signatures from producers other than kyso: the OpenSSL CLI
(3.0) and hand-assembled structures signed with Python's `cryptography`.
Each targets one way real signatures differ from the DER happy path. All are
over `documents/cong-van.txt` (754 octets); a `.p7m` carries it as eContent,
a `.p7s` is detached. `cases.tsv` lists every file with the point it covers,
the verdict kyso must reach, the document, the signer certificate, what
`openssl cms -verify` said (followed, after a `;`, by what other OpenSSL
commands said of the parts `cms -verify` does not examine: `dgst -verify` or
`pkeyutl -verify` over extracted signed attributes, `ts -verify` of the
tokens), the trust anchor set (`rsa`: `pki/root-ca.pem` with
`pki/intermediate-ca.pem`, `ec`: `pki/ec-root-ca.pem` with
`pki/ec-intermediate-ca.pem`) and whether `openssl asn1parse` reads the file.

Everything here is written by `../gen_cms.sh OUTDIR PYTHON` (with
`../build_cms.py`) in one run; keys, serial numbers and signatures change on
every run, names, dates and verdicts do not. PYTHON is a virtual environment
with pinned packages:

    python3 -m venv /tmp/kyso-venv
    /tmp/kyso-venv/bin/pip install asn1crypto==1.5.1 cryptography==50.0.2
    bash test-vectors/interop/gen_cms.sh test-vectors/interop /tmp/kyso-venv/bin/python

This run used @PINS@. The private keys of the new end entities lie
next to their certificates (`*.key.pem`, unencrypted PKCS#8): they are test
keys.

## Common ground

* Validation time: 2026-06-01T00:00:00Z. The hand-made signatures carry
  signingTime 2026-05-01T00:00:00Z (UTCTime). The OpenSSL-made ones
  (`ber-stream-*`, `pss-*`, `sha3-256-rsa`, `dsa-sha256`) carry the clock
  of the run, and so does the genTime of every time-stamp token: `openssl cms` and `openssl ts` take no time argument. That clock may be
  later than the validation time (as it is for the OpenSSL fixtures in `cms/`);
  the verdicts do not depend on it.
* No fixture carries an ESS signing-certificate(-v2) attribute, so every one
  also gets kyso's `no-signing-certificate-attribute` warning, and offline
  validation its revocation warning; the expected column names only the
  warning a case is about.
* Signers are issued by `pki/intermediate-ca.pem` (RSA) unless the anchor
  column says `ec`. The certificates set holds the signer's certificate and
  its issuing CA (plus the countersigners' for 6c).
* New end-entity certificates are assembled field by field: version 3,
  random 159-bit serial, validity 2025-01-01 to 2045-01-01 (UTCTime), subject
  `C=VN, O=Kyso Test PKI, CN=Kyso Interop ...`, and the extensions of
  `pki/ee-rsa2048.pem` copied verbatim except subjectKeyIdentifier (SHA-1 of
  the new key, RFC 5280 section 4.2.1.2) and authorityKeyIdentifier (the
  issuer's key identifier).
* `openssl cms -verify` re-encodes the signed attributes before checking the
  signature: BER lengths become DER, but the attributes stay in the order
  received (OpenSSL's template for this is a SET OF that is not sorted). It
  does not look at countersignatures, time-stamp tokens in attributes, or
  CAdES attributes.
* Each new certificate passes `openssl verify -attime 1780272000` (the
  validation time) against its root; the generator stops otherwise.

## 1. BER outside the signed attributes

RFC 5652 section 1: CMS values are BER; only the signed attributes must be
DER (section 5.3, and section 5.4 for what is signed). A verifier must
therefore read indefinite lengths, constructed OCTET STRINGs and non-minimal
lengths anywhere else, and digest the eContent as the concatenation of its
primitive chunks (section 5.4: the content octets, without tag or length).

**ber-stream-attached.p7m (1a).** `openssl cms -sign -stream -binary -nodetach
-outform DER`. `openssl asn1parse` shows `l=inf` on ContentInfo, [0],
SignedData, EncapsulatedContentInfo, its [0] and the constructed OCTET STRING
(one primitive 754-octet chunk inside); the certificates [0] is definite.
OpenSSL verifies it. Expected TOTAL-PASSED. Point 7 (a signature that carries
its content, given a detached document as well) uses this file too, with
`documents/quyet-dinh.txt` as the other document.

**ber-stream-detached.p7s (1b).** OpenSSL 3.0 cannot write a detached
streamed signature in DER form: `openssl cms -sign -stream -outform DER`
without `-nodetach` still embeds the content (indefinite lengths, same shape
as 1a), and the detached part of `-outform SMIME` is definite-length DER. So
this file is OpenSSL's `-stream` output with the eContent [0] element cut out
of the (indefinite-length) EncapsulatedContentInfo; nothing signed changes
(the messageDigest attribute already carries the document's digest). It keeps
OpenSSL's indefinite lengths (ContentInfo, [0], SignedData and the
EncapsulatedContentInfo, which now holds only the eContentType). OpenSSL
verifies it with `-content`. Expected TOTAL-PASSED.

**ber-chunked.p7m (1c).** Written octet by octet: ContentInfo, its [0],
SignedData, EncapsulatedContentInfo, the eContent [0] and the certificates [0]
use the indefinite form; the eContent is a constructed OCTET STRING of three
primitive chunks (300 + 300 + 154 octets); the digestAlgorithms SET has length
`81 0f` and the AlgorithmIdentifier inside it `82 00 0b` (both non-minimal).
The signed attributes and the SignerInfo are DER; the signature is good.
OpenSSL verifies it. Expected TOTAL-PASSED.

**ber-in-signed-attrs.p7s (1d).** The signingTime attribute's value SET is
written `31 81 0f` instead of `31 0f`, and the signature IS made over those
octets (the [0] tag replaced by 31, section 5.4). RFC 5652 section 5.3 says
SignedAttributes MUST be DER encoded even where the rest is BER, and section
5.4 that their DER encoding is what is signed, so the field is malformed: a
strict verifier refuses it before any signature check. Expected
TOTAL-FAILED/FORMAT_FAILURE. OpenSSL re-encodes to DER and reports a
signature failure instead, which confirms the signature does not cover the DER
form.

## 2. Signed attributes out of DER order

DER orders the elements of a SET OF by their encodings compared as octet
strings (X.690 section 11.6). The three attributes encode with lengths 0x18
(contentType), 0x1c (signingTime) and 0x2f (messageDigest), so DER order is
contentType, signingTime, messageDigest; these files write messageDigest,
contentType, signingTime (the builder asserts this is not DER order).

**attrs-unsorted-signed-as-received.p7s (2a).** Signature over `31 len` +
the attributes in file order, as some producers sign. RFC 5652 section 5.4
asks for the DER form, so a tolerant verifier that tries the received octets
after the DER ones finds the signature there and warns. Expected TOTAL-PASSED
with the warning `signed-attributes-not-in-der-order` (signed as received).
OpenSSL verifies it, because it keeps the received order when it re-encodes.

**attrs-unsorted-signed-sorted.p7s (2b).** Same file order, signature over the
DER (sorted) encoding, which is exactly what section 5.4 defines as the
signed octets; the encoding in the file is still not DER. Expected
TOTAL-PASSED with the same warning (signed over the DER order). OpenSSL
reports a signature failure: it checks the received order only.

**attrs-unsorted-bad-signature.p7s (2c).** Same file order; the signature is
over a DER attribute set with another signingTime (2026-05-02), so neither the
received nor the sorted encoding matches while the messageDigest is right.
Expected TOTAL-FAILED/SIG_CRYPTO_FAILURE. OpenSSL reports a signature failure.

## 5. AlgorithmIdentifiers seen in the wild

**ecdsa-null-params.p7s, ee-ecdsa-null-params.pem (5a).** A P-256 end entity
issued by `pki/ec-intermediate-ca.pem` whose signature AlgorithmIdentifier
(in the TBS and outside it) is ecdsa-with-SHA256 followed by an explicit NULL;
the CMS by it uses ecdsa-with-SHA256 + NULL as SignerInfo.signatureAlgorithm
and sha256 + NULL as digest algorithm. RFC 5758 section 3.2 says the
parameters MUST be omitted for ecdsa-with-SHA256, but encoders that always
append NULL exist, the NULL carries no information and the signature is
good: the expected verdict is TOTAL-PASSED (a profile warning may accompany
it; the verdict must not change). OpenSSL accepts both the certificate and the
signature. Anchor: `ec`.

**rsa-spki-no-params.p7s, ee-rsa-spki-no-params.pem (5b).** An RSA-2048 end
entity whose SubjectPublicKeyInfo algorithm is rsaEncryption with the
parameters absent instead of NULL (RFC 3279 section 2.3.1 asks for NULL). The
key itself is unambiguous; expected TOTAL-PASSED (a profile warning allowed).
OpenSSL accepts the certificate and the signature.

**sha256rsa-no-params.p7s, ee-sha256rsa-no-params.pem (5c).** The end entity's
certificate is signed with sha256WithRSAEncryption with absent parameters (TBS
and outer), and the CMS uses the same identifier as SignerInfo.signatureAlgorithm.
RFC 4055 section 5 says the parameters MUST be NULL but implementations MUST
accept them absent as well: expected TOTAL-PASSED with no warning. The key
is next to it (`ee-sha256rsa-no-params.key.pem`). OpenSSL accepts both.

## 6. Attributes

**commitment-two-values.p7s (6a).** A signed commitment-type-indication
(1.2.840.113549.1.9.16.2.16) whose attrValues SET holds two
CommitmentTypeIndication values, proof of origin (…16.6.1) and proof of
approval (…16.6.5), in DER order. An Attribute is a type with a SET OF values
(RFC 5652 section 5.3), and RFC 5126 section 5.11.1 / ETSI EN 319 122-1
section 5.2.3 define each value as one commitment; the signer commits to both.
Expected TOTAL-PASSED, with both commitments reported.

**unknown-attr-repeated.p7s (6b).** The unknown signed attribute type
1.3.6.1.4.1.55555.9.1 appears as two Attribute entries (UTF8String values
"Kyso interop: giá trị thứ nhất" and "… thứ hai"), next to the usual three; the
SET is in DER order and the signature is good. RFC 5652 sections 11.1 to
11.3 forbid multiple instances of content-type, message-digest and
signing-time; nothing forbids repeating a type it does not define, and the
signature covers both entries, so the verdict stands while the repetition is
worth telling the relying party. Expected TOTAL-PASSED with a warning that an
unknown attribute is repeated.

**countersigned.p7s, countersigned-nested.p7s, countersigned-bad.p7s (6c).**
The outer SignerInfo (ee-rsa2048) has an unsigned countersignature attribute
(1.2.840.113549.1.9.6) holding a SignerInfo by `pki/ee-ecdsa-p256.pem`
(ecdsa-with-SHA256) whose signed attributes are signingTime and messageDigest
only: RFC 5652 section 11.4 says the countersignature's messageDigest is the
digest of the contents octets of the countersigned SignerInfo's signature
OCTET STRING and that a countersignature carries no contentType. In
`-nested`, that countersignature has its own countersignature by
`pki/ee-rsa3072.pem` over the ECDSA signature value (section 11.4 allows
countersignatures of countersignatures). In `-bad`, the countersignature's
messageDigest is the document's SHA-256 instead (its own signature is good),
so the countersignature fails with HASH_FAILURE; unsigned attributes are not
covered by the outer signature (section 5.3), so the outer verdict stays
TOTAL-PASSED. The certificates set includes both countersigners.
`openssl cms -verify` checks the outer signature only; `openssl dgst -verify`
over each countersignature's signed attributes accepts all of them, and the
table says whether each messageDigest matches.

**content-timestamp.p7s, content-timestamp-wrong-document.p7s (6d).** A
signed id-aa-ets-contentTimestamp (1.2.840.113549.1.9.16.2.20) whose value is
a TimeStampToken from the test TSA (`revocation/tsa.pem`, `openssl ts -query
-cert` then `openssl ts -reply -token_out`, SHA-256, TSA certificate and
`pki/intermediate-ca.pem` included; `openssl ts -verify` accepts each token
for the digest it was made over). In the good file the token's message imprint
is SHA-256 of `cong-van.txt`, the signed content (RFC 5126 section 5.11.4: a
time-stamp of the data before signing). In `-wrong-document` it is
SHA-256 of `quyet-dinh.txt`: the signer signed a reference whose hash does
not match the signed data object, which is ETSI EN 319 102-1's HASH_FAILURE.
Expected TOTAL-FAILED/HASH_FAILURE for that file. The tokens' genTime is the
clock of the generation run; when that is after the validation time the token
proves no time, and a verifier may say so in a warning, but neither verdict
rests on it. `openssl cms -verify` does not look into the attribute and
verifies both; `openssl ts -verify` accepts the second token for
quyet-dinh.txt and refuses it for cong-van.txt.

**archive-and-cades-c.p7s (6e).** Unsigned attributes a verifier does not
examine yet, in the order a CAdES augmentation adds them:
complete-certificate-references (…2.21: OtherCertID with SHA-256 and
IssuerSerial for `pki/intermediate-ca.pem` and `pki/root-ca.pem`, RFC 5126
section 6.2.1), complete-revocation-references (…2.22: one CrlOcspRef per
certificate, crlids naming `revocation/signing-ca.crl.der` and
`revocation/root.crl.der` by SHA-256, issuer, thisUpdate and cRLNumber, RFC
5126 section 6.2.2), id-aa-ets-escTimeStamp (…2.25: a test-TSA token whose
imprint is SHA-256 over the signature value followed by the two reference
attributes, RFC 5126 section 6.3.5), and id-aa-ets-archiveTimestampV3
(0.4.0.1733.2.4: a test-TSA token carrying, as an unsigned attribute of its
own SignerInfo, an ats-hash-index-v3 with the SHA-256 of both certificates and
of the three attributes before it; its imprint follows ETSI EN 319 122-1
section 5.5.3: eContentType, the content hash, the SignerInfo fields version
to signature, then the index). The two imprints follow those clauses as
written there; no verifier has cross-checked them, and nothing here relies on
them. Unsigned attributes are outside the signature (RFC 5652 section 5.3),
so the verdict is the plain signature's: TOTAL-PASSED. OpenSSL verifies it;
`openssl ts -verify` accepts both tokens for their imprints.

## 8. RSASSA-PSS (RFC 4055)

**pss-spki.p7s, ee-pss-spki.pem (8a).** The key comes from `openssl genpkey
-algorithm RSA-PSS` with no options, which writes a SubjectPublicKeyInfo with
algorithm id-RSASSA-PSS and the parameters ABSENT (RFC 4055 section 3.1: no
restriction on the key's use). The certificate is issued by
`pki/intermediate-ca.pem`; `openssl cms -sign -keyopt rsa_padding_mode:pss`
writes RSASSA-PSS-params sha256 / MGF1-sha256 / saltLength 222 (OpenSSL's
default for such a key is the maximum salt). Expected TOTAL-PASSED.
**pss-spki-params.p7s, ee-pss-spki-params.pem** is the same with
`-pkeyopt rsa_pss_keygen_md:sha256 rsa_pss_keygen_mgf1_md:sha256
rsa_pss_keygen_saltlen:32`: the SPKI carries RSASSA-PSS-params that restrict
the key (section 3.1: hash and MGF must match, salt at least 32), and OpenSSL
signs with exactly those (salt 32). Expected TOTAL-PASSED.

**pss-salt20.p7s (8b).** ee-rsa2048 (an rsaEncryption key, usable for PSS,
RFC 4055 section 1.2) with `-keyopt rsa_padding_mode:pss -keyopt
rsa_pss_saltlen:20`: sha256, MGF1-sha256, salt 20. OpenSSL leaves the
saltLength field out, as DER requires: 20 is its DEFAULT (RFC 4055 section
3.1), so a verifier must supply it. Expected TOTAL-PASSED.

**pss-mgf1-sha1.p7s (8c).** `-keyopt rsa_mgf1_md:sha1 -keyopt
rsa_pss_saltlen:32`: message hash sha256, MGF1 with SHA-1. OpenSSL omits the
maskGenAlgorithm field, which is right: mgf1SHA1 is its DEFAULT (RFC 4055
section 3.1) and DER leaves defaults out. A verifier must read the absent
field as MGF1-SHA-1. Expected TOTAL-PASSED.

**pss-sha512-salt64.p7s (8d).** `-md sha512 -keyopt rsa_pss_saltlen:64`:
sha512, MGF1-sha512, saltLength 64, the usual SHA-512 profile. Expected
TOTAL-PASSED.

## 9. SHA-3

**sha3-256-rsa.p7s.** `openssl cms -md sha3-256` with ee-rsa2048: digest
id-sha3-256 (2.16.840.1.101.3.4.2.8, parameters absent) and, as for every
PKCS#1 v1.5 signer, SignerInfo.signatureAlgorithm rsaEncryption
(1.2.840.113549.1.1.1) with NULL; RFC 5652 section 5.3 and RFC 3370 section
3.2 let rsaEncryption stand for "PKCS#1 v1.5 with the digestAlgorithm".
Expected TOTAL-PASSED.

**sha3-384-ecdsa-p384.p7s.** OpenSSL 3.0's CMS refuses ECDSA with SHA-3
("unsupported signature algorithm"), so this one is hand-made: ee-ecdsa-p384,
digest id-sha3-384 (…4.2.9), signatureAlgorithm id-ecdsa-with-sha3-384
(2.16.840.1.101.3.4.3.11), parameters absent as for all ECDSA identifiers.
Expected TOTAL-PASSED. OpenSSL verifies it.

**sha3-512-pss.p7s.** OpenSSL 3.0 cannot write PSS parameters with SHA-3
(internal error in the PSS AlgorithmIdentifier), so this one is hand-made:
RSASSA-PSS with hashAlgorithm id-sha3-512 (…4.2.10, parameters absent),
maskGenAlgorithm MGF1 with id-sha3-512, saltLength 64; digest id-sha3-512.
Expected TOTAL-PASSED. OpenSSL verifies it.

## 10. Plain ECDSA (BSI TR-03111)

**ecdsa-plain-sha256.p7s, ecdsa-plain-sha384-p384.p7s.** BSI TR-03111 section
5.2.1 defines the plain signature format, the concatenation r ‖ s of two
big-endian integers each as long as the group order, and the
ecdsa-plain-signatures identifiers (0.4.0.127.0.7.1.1.4.1): ecdsa-plain-SHA256
is …4.1.3 and ecdsa-plain-SHA384 …4.1.4, with absent parameters.
ee-ecdsa-p256 signs with the first (64-octet value, sha256 digest),
ee-ecdsa-p384 with the second (96-octet value, sha384 digest). Expected
TOTAL-PASSED. `openssl cms -verify` does not know the identifiers and reports
a verification failure for both; the same r and s re-encoded as an
ECDSA-Sig-Value pass `openssl dgst -verify` over the signed attributes.

## 11. DSA and Ed448

**dsa-sha256.p7s, ee-dsa.pem.** DSA key with 2048-bit p and 256-bit q
(`openssl genpkey -genparam -algorithm DSA`), certificate issued by
`pki/intermediate-ca.pem` (the domain parameters are in the SPKI), signature
by `openssl cms -sign -md sha256`, which writes id-dsa-with-sha256
(2.16.840.1.101.3.4.3.2, parameters absent; RFC 5758 section 3.1). Expected
TOTAL-PASSED.

**ed448.p7s, ee-ed448.pem.** OpenSSL 3.0's CMS cannot sign with Ed448 (no
default digest, and it refuses SHAKE256), so this one is hand-made after RFC
8419: digestAlgorithm id-shake256-len (2.16.840.1.101.3.4.2.18) with the
parameter INTEGER 512, messageDigest SHAKE256(content) of 64 octets,
signatureAlgorithm id-Ed448 (1.3.101.113) with absent parameters, PureEdDSA
with an empty context over the DER signed attributes (RFC 8419 sections 2 and
3). `openssl cms -verify` cannot check it either ("unknown digest
algorithm"); `openssl pkeyutl -verify` accepts the Ed448 signature over the
signed attributes. RFC 8702 section 3.1's id-shake256 (fixed 512-bit output,
no parameter) is the identifier for SHAKE256 with RSASSA-PSS and ECDSA, not
the one RFC 8419 uses here. Expected TOTAL-PASSED.
"""


def main(argv: list[str]) -> None:
    if len(argv) != 5 or argv[1] not in ("certs", "cms"):
        sys.exit("usage: build_cms.py certs|cms TEST_VECTORS_DIR OUT_DIR WORK_DIR")
    tv, out, work = Path(argv[2]), Path(argv[3]), Path(argv[4])
    if argv[1] == "certs":
        stage_certs(tv, out)
    else:
        stage_cms(tv, out, work)


if __name__ == "__main__":
    main(sys.argv)
