#!/usr/bin/env python3
"""Python half of test-vectors/interop/gen_tsp_eid.sh: the interop fixtures that the OpenSSL
CLI cannot write. ASN.1 structures are built with asn1crypto, signatures are made with
cryptography; neither shares code with kyso.

Usage (every path explicit; the shell driver supplies them):
  build_tsp_eid.py tst OUT GENTIME SERIAL DOC TSA_CERT TSA_KEY CHAIN_CERT...
      an RFC 3161 TimeStampToken over DOC (SHA-256) whose genTime content octets are
      GENTIME exactly as given (e.g. 20260531120000.1Z), signed by TSA_KEY with the signed
      attributes contentType, messageDigest and signingCertificateV2
  build_tsp_eid.py ocsp OUT PRODUCED THIS NEXT EE ISSUER RESPONDER RESPONDER_KEY
      a signed OCSPResponse (BasicOCSPResponse, status good for EE) whose producedAt,
      thisUpdate and nextUpdate content octets are the given texts, exactly as given
  build_tsp_eid.py renewal-digest TOKEN [token-only]
      hex SHA-256 of the DER TimeStampAndCRL { TOKEN } (RFC 5544 renewal input), or with
      token-only of the token alone (the wrong input, for the bad fixture)
  build_tsp_eid.py tsd OUT (content FILE | uri URI) TOKEN...
      an RFC 5544 ContentInfo/TimeStampedData holding the tokens in the order given
  build_tsp_eid.py gentime TOKEN
      prints the genTime content octets of a TimeStampToken (or of a TimeStampResp)
  build_tsp_eid.py sod OUT LDS SIGNER_CERT SIGNER_KEY MD VERSION ECONTENT_TYPE (der | ber)
      an EF.SOD (tag 77 around a ContentInfo/SignedData) over the LDSSecurityObject file
      LDS, signed by SIGNER_KEY with MD (sha256 or sha512); VERSION is the SignedData
      version written, ECONTENT_TYPE the eContentType (and the signed contentType
      attribute). "ber" writes the outer layers with indefinite lengths and the eContent
      as a constructed OCTET STRING of two chunks; the signed attributes stay DER
  build_tsp_eid.py unwrap SOD OUT
      the ContentInfo inside the tag 77 (definite or indefinite length), for openssl cms
"""
import datetime
import hashlib
import sys

from asn1crypto import algos, cms, core, ocsp, pem, tsp, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
ID_DATA = "1.2.840.113549.1.7.1"
ID_CT_TSTINFO = "1.2.840.113549.1.9.16.1.4"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def load_cert(path):
    data = read(path)
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def load_key(path):
    return serialization.load_pem_private_key(read(path), password=None)


def signature_algorithm(key, md):
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {"algorithm": f"{md}_ecdsa"}
    if isinstance(key, rsa.RSAPrivateKey):
        return {"algorithm": f"{md}_rsa"}
    sys.exit(f"unsupported key type {type(key).__name__}")


def sign(key, data, md):
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(HASHES[md]()))
    return key.sign(data, padding.PKCS1v15(), HASHES[md]())


def digest(md, data):
    return hashlib.new(md, data).digest()


def raw_time(text):
    """A GeneralizedTime whose content octets are `text`, byte for byte, so that
    encodings a DER writer would refuse (a trailing zero in the fraction) can be made."""
    body = text.encode("ascii")
    assert len(body) < 0x80
    return core.GeneralizedTime.load(b"\x18" + bytes([len(body)]) + body)


def der_length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, value):
    return bytes([tag]) + der_length(len(value)) + value


def signed_attributes(attrs):
    """SignedAttributes as DER: the SET OF sorted by encoding (X.690 11.6)."""
    items = sorted((cms.CMSAttribute(a) for a in attrs), key=lambda a: a.dump())
    out = cms.CMSAttributes(items)
    assert out.dump() == tlv(0x31, b"".join(i.dump() for i in items))
    return out


def signed_data(econtent_type, econtent, signer, key, md, version, attrs, certs, null_params):
    """A ContentInfo/SignedData with one signer (issuerAndSerialNumber, SignerInfo v1).
    `null_params`: whether the digest AlgorithmIdentifiers carry NULL parameters (as
    `openssl ts` writes them) or none (as `openssl cms` does); RFC 5754 allows both."""
    md_id = {"algorithm": md} if null_params else {"algorithm": md, "parameters": None}
    attrs = signed_attributes(
        [
            {"type": "content_type", "values": [econtent_type]},
            {"type": "message_digest", "values": [digest(md, econtent)]},
        ]
        + attrs
    )
    signature = sign(key, attrs.dump(), md)
    sd = cms.SignedData(
        {
            "version": version,
            "digest_algorithms": [algos.DigestAlgorithm(md_id)],
            "encap_content_info": {
                "content_type": econtent_type,
                "content": core.ParsableOctetString(econtent),
            },
            "certificates": certs,
            "signer_infos": [
                {
                    "version": "v1",
                    "sid": cms.SignerIdentifier(
                        name="issuer_and_serial_number",
                        value={
                            "issuer": signer.issuer,
                            "serial_number": signer.serial_number,
                        },
                    ),
                    "digest_algorithm": md_id,
                    "signed_attrs": attrs,
                    "signature_algorithm": signature_algorithm(key, md),
                    "signature": signature,
                }
            ],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": sd})


def cmd_tst(out, gentime, serial, doc, tsa_cert, tsa_key, *chain):
    signer = load_cert(tsa_cert)
    key = load_key(tsa_key)
    info = tsp.TSTInfo(
        {
            "version": "v1",
            "policy": "1.3.6.1.4.1.55555.3.1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest("sha256", read(doc)),
            },
            "serial_number": int(serial),
            "gen_time": raw_time(gentime),
            "accuracy": {"seconds": 1},
        }
    )
    econtent = info.dump()
    assert b"\x18" + bytes([len(gentime)]) + gentime.encode() in econtent
    ess = tsp.SigningCertificateV2({"certs": [{"cert_hash": digest("sha256", signer.dump())}]})
    certs = [signer] + [load_cert(c) for c in chain]
    token = signed_data(
        ID_CT_TSTINFO,
        econtent,
        signer,
        key,
        "sha256",
        "v3",
        [{"type": "signing_certificate_v2", "values": [ess]}],
        certs,
        True,
    )
    write(out, token.dump())


def cmd_ocsp(out, produced, this, nxt, ee_path, issuer_path, responder_path, key_path):
    ee, issuer = load_cert(ee_path), load_cert(issuer_path)
    responder, key = load_cert(responder_path), load_key(key_path)
    issuer_key_bits = issuer["tbs_certificate"]["subject_public_key_info"]["public_key"]
    cert_id = {
        "hash_algorithm": {"algorithm": "sha1"},
        "issuer_name_hash": digest("sha1", issuer.subject.dump()),
        # The BIT STRING's value without its unused-bits octet (RFC 6960 4.1.1).
        "issuer_key_hash": digest("sha1", issuer_key_bits.contents[1:]),
        "serial_number": ee.serial_number,
    }
    tbs = ocsp.ResponseData(
        {
            "responder_id": ocsp.ResponderId(name="by_name", value=responder.subject),
            "produced_at": raw_time(produced),
            "responses": [
                {
                    "cert_id": cert_id,
                    "cert_status": ocsp.CertStatus(name="good", value=core.Null()),
                    "this_update": raw_time(this),
                    "next_update": raw_time(nxt),
                }
            ],
        }
    )
    tbs_der = tbs.dump()
    for t in (produced, this, nxt):
        assert t.encode() in tbs_der
    basic = ocsp.BasicOCSPResponse(
        {
            "tbs_response_data": tbs,
            "signature_algorithm": signature_algorithm(key, "sha256"),
            "signature": sign(key, tbs_der, "sha256"),
            "certs": [responder],
        }
    )
    response = ocsp.OCSPResponse(
        {
            "response_status": "successful",
            "response_bytes": {"response_type": "basic_ocsp_response", "response": basic},
        }
    )
    write(out, response.dump())


def time_stamp_and_crl(token_der):
    """TimeStampAndCRL { timeStamp } as DER, the token copied byte for byte."""
    item = tsp.TimeStampAndCRL({"time_stamp": cms.EncapsulatedContentInfo.load(token_der)})
    der = item.dump()
    assert der == tlv(0x30, token_der)
    return item, der


def cmd_renewal_digest(token, mode="element"):
    token_der = read(token)
    data = token_der if mode == "token-only" else time_stamp_and_crl(token_der)[1]
    print(digest("sha256", data).hex())


def cmd_tsd(out, kind, value, *tokens):
    fields = {"version": "v1"}
    if kind == "content":
        fields["content"] = read(value)
    elif kind == "uri":
        fields["data_uri"] = value
    else:
        sys.exit(f"tsd: unknown kind {kind}")
    items = [time_stamp_and_crl(read(t))[0] for t in tokens]
    fields["temporal_evidence"] = tsp.Evidence(name="tst_evidence", value=items)
    tsd = tsp.TimeStampedData(fields)
    ci = cms.ContentInfo({"content_type": "timestamped_data", "content": tsd})
    der = ci.dump()
    for t in tokens:
        assert read(t) in der
    write(out, der)


def token_info(token_der):
    ci = cms.ContentInfo.load(token_der)
    return tsp.TSTInfo.load(ci["content"]["encap_content_info"]["content"].contents)


def cmd_gentime(path):
    data = read(path)
    seq = core.Sequence.load(data)
    # A TimeStampResp starts with its PKIStatusInfo (a SEQUENCE), a token with an OID.
    if seq[0].tag == 16:
        data = seq[1].dump()
    print(token_info(data)["gen_time"].contents.decode("ascii"))


def ber_sod(content_info_der):
    """Rewrites a DER ContentInfo/SignedData: indefinite lengths for the ContentInfo, its
    [0], the SignedData, the encapContentInfo and its [0], the eContent as a constructed
    OCTET STRING of two primitive chunks. Every other element is copied unchanged."""
    ci = cms.ContentInfo.load(content_info_der)
    sd = ci["content"]
    econtent = sd["encap_content_info"]["content"].contents
    half = len(econtent) // 2
    chunks = tlv(0x04, econtent[:half]) + tlv(0x04, econtent[half:])
    eoc = b"\x00\x00"
    encap = (
        b"\x30\x80"
        + sd["encap_content_info"]["content_type"].dump()
        + b"\xa0\x80"
        + b"\x24\x80"
        + chunks
        + eoc
        + eoc
        + eoc
    )
    body = sd["version"].dump() + sd["digest_algorithms"].dump() + encap
    for name in ("certificates", "crls"):
        if sd[name].contents is not None:
            body += sd[name].dump()
    body += sd["signer_infos"].dump()
    inner = b"\x30\x80" + body + eoc
    return b"\x30\x80" + ci["content_type"].dump() + b"\xa0\x80" + inner + eoc + eoc


def cmd_sod(out, lds, signer_cert, signer_key, md, version, econtent_type, form):
    signer = load_cert(signer_cert)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    ci = signed_data(
        econtent_type,
        read(lds),
        signer,
        load_key(signer_key),
        md,
        "v3",
        [{"type": "signing_time", "values": [cms.Time(name="utc_time", value=now)]}],
        [signer],
        False,
    )
    # The SignedData version is not signed. It is written here rather than given to
    # asn1crypto, which encodes a version-1 SignedData's encapContentInfo in the PKCS #7
    # form (eContent without its [0] EXPLICIT tag) and so would change more than the version.
    body = ci["content"].contents
    assert body.startswith(b"\x02\x01\x03")
    body = b"\x02\x01" + bytes([int(version)]) + body[3:]
    der = tlv(0x30, ci["content_type"].dump() + tlv(0xA0, tlv(0x30, body)))
    if int(version) == 3:
        assert der == ci.dump()
    if form == "der":
        write(out, tlv(0x77, der))
    elif form == "ber":
        write(out, b"\x77\x80" + ber_sod(der) + b"\x00\x00")
    else:
        sys.exit(f"sod: unknown form {form}")


def cmd_unwrap(path, out):
    data = read(path)
    assert data[0] == 0x77
    if data[1] == 0x80:
        assert data[-2:] == b"\x00\x00"
        write(out, data[2:-2])
    else:
        n = 2 if data[1] < 0x80 else 2 + (data[1] & 0x7F)
        write(out, data[n:])


COMMANDS = {
    "tst": cmd_tst,
    "ocsp": cmd_ocsp,
    "renewal-digest": cmd_renewal_digest,
    "tsd": cmd_tsd,
    "gentime": cmd_gentime,
    "sod": cmd_sod,
    "unwrap": cmd_unwrap,
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](*sys.argv[2:])


if __name__ == "__main__":
    main()
