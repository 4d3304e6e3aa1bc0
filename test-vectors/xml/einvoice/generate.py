"""Signed Vietnamese e-invoices made without kyso, and the attack shapes built on them.

The signatures come from xmlsec1 (libxmlsec) and, for the shape real invoicing software
writes, from this script with Python's `cryptography`: its second reference points at the
SigningTime object inside the signature with the enveloped-signature transform, and its
digest covers the whole object (the producers skip the transform; taken literally it would
remove its own target). The digests and the canonical SignedInfo of that shape are still
computed by xmlsec1; only the final RSA signature is made here.

Keys and certificates: the test PKI of test-vectors/pki (the seller's RSA-3072 seal with
UID MST:5700100256-001, the P-256 key with MST:0104831030), and an RSA-1024 certificate
issued here by the test signing CA, as in invoices from 2020 (signed with RSA-SHA1 and SHA-1
digests), with a common name longer than 64 characters and the UID MST:0102182292-998.

Usage: python generate.py OUT_DIR   (needs lxml, cryptography, xmlsec1 on the PATH)
"""
import base64
import datetime
import os
import subprocess
import sys
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.dirname(os.path.dirname(HERE))
DSIG = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = DSIG + "enveloped-signature"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = DSIG + "rsa-sha1"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = DSIG + "sha1"

INVOICE = """<?xml version="1.0" encoding="UTF-8"?>
<HDon>
  <DLHDon Id="{id}">
    <TTChung>
      <PBan>2.0.1</PBan>
      <THDon>Hóa đơn giá trị gia tăng</THDon>
      <KHMSHDon>1</KHMSHDon>
      <KHHDon>C26TKY</KHHDon>
      <SHDon>42</SHDon>
      <NLap>2026-05-20</NLap>
      <DVTTe>VND</DVTTe>
      <TGia>1</TGia>
      <HTTToan>TM/CK</HTTToan>
    </TTChung>
    <NDHDon>
      <NBan>
        <Ten>{seller}</Ten>
        <MST>{mst}</MST>
        <DChi>Số 1 đường Trần Hưng Đạo, phường Hồng Gai, tỉnh Quảng Ninh</DChi>
      </NBan>
      <NMua>
        <Ten>Công ty TNHH Mua Hàng &amp; Dịch Vụ</Ten>
        <MST>0312345678</MST>
        <DChi>Quận 1, Thành phố Hồ Chí Minh</DChi>
      </NMua>
      <DSHHDVu>
        <HHDVu>
          <TChat>1</TChat>
          <STT>1</STT>
          <THHDVu>Dịch vụ ký số hóa đơn điện tử</THHDVu>
          <DVTinh>Gói</DVTinh>
          <SLuong>1</SLuong>
          <DGia>1000000</DGia>
          <ThTien>1000000</ThTien>
          <TSuat>10%</TSuat>
        </HHDVu>
      </DSHHDVu>
      <TToan>
        <TgTCThue>1000000</TgTCThue>
        <TgTThue>100000</TgTThue>
        <TgTTTBSo>1100000</TgTTTBSo>
        <TgTTTBChu>Một triệu một trăm nghìn đồng chẵn.</TgTTTBChu>
      </TToan>
    </NDHDon>
  </DLHDon>
  <DLQRCode>00020101021238570010A000000727012700069704070113KYSO0000000042</DLQRCode>
  <DSCKS>
    <NBan>{signature}</NBan>
    <NMua/>
  </DSCKS>
</HDon>
"""

SIGNATURE = """<Signature xmlns="{dsig}" Id="NBan-{id}">
      <SignedInfo>
        <CanonicalizationMethod Algorithm="{c14n}"/>
        <SignatureMethod Algorithm="{method}"/>
        <Reference URI="#{id}">
          <Transforms>
            <Transform Algorithm="{enveloped}"/>
          </Transforms>
          <DigestMethod Algorithm="{digest}"/>
          <DigestValue/>
        </Reference>
        <Reference URI="#SigningTime-{id}">
          <Transforms>{time_transforms}</Transforms>
          <DigestMethod Algorithm="{digest}"/>
          <DigestValue/>
        </Reference>
      </SignedInfo>
      <SignatureValue/>
      <KeyInfo>
        <X509Data>
          <X509SubjectName>CN=not read from here</X509SubjectName>
          <X509Certificate/>
        </X509Data>
      </KeyInfo>
      <Object Id="SigningTime-{id}">
        <SignatureProperties>
          <SignatureProperty Target="#NBan-{id}">
            <SigningTime>2026-05-20T09:15:00</SigningTime>
          </SignatureProperty>
        </SignatureProperties>
      </Object>
    </Signature>"""

SELLER = "Ủy ban nhân dân tỉnh Quảng Ninh"

ROLE_SIGNATURE = """<Signature xmlns="{dsig}" Id="{role}-{id}">
      <SignedInfo>
        <CanonicalizationMethod Algorithm="{c14n}"/>
        <SignatureMethod Algorithm="{method}"/>
        {references}
        <Reference URI="#SigningTime-{role}-{id}">
          <Transforms><Transform Algorithm="{c14n}"/></Transforms>
          <DigestMethod Algorithm="{digest}"/>
          <DigestValue/>
        </Reference>
      </SignedInfo>
      <SignatureValue/>
      <KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo>
      <Object Id="SigningTime-{role}-{id}">
        <SignatureProperties>
          <SignatureProperty Target="#{role}-{id}">
            <SigningTime>{time}</SigningTime>
          </SignatureProperty>
        </SignatureProperties>
      </Object>
    </Signature>"""

ENVELOPED_REFERENCE = """<Reference URI="#{target}">
          <Transforms><Transform Algorithm="{enveloped}"/></Transforms>
          <DigestMethod Algorithm="{digest}"/>
          <DigestValue/>
        </Reference>"""


def role_signature(role, method, targets, time, inv_id="K26TKY42"):
    references = "".join(ENVELOPED_REFERENCE.format(target=t, enveloped=ENVELOPED, digest=SHA256)
                         for t in targets)
    return ROLE_SIGNATURE.format(dsig=DSIG, role=role, id=inv_id, c14n=C14N, method=method,
                                 references=references, digest=SHA256, time=time)


def three_signatures(tmp, out, keys):
    """The seller (RSA-3072), the buyer (P-256, whose tax code the invoice names) and the
    tax authority (RSA-2048, over DLHDon and the authority's code MCCQT), each signed by
    xmlsec1 in turn."""
    text = INVOICE.format(id="K26TKY42", seller=SELLER, mst="5700100256-001", signature="")
    text = text.replace("<MST>0312345678</MST>", "<MST>0104831030</MST>")
    text = text.replace("</DLHDon>\n", "</DLHDon>\n  <MCCQT Id=\"MCCQT-K26TKY42\">00B2C4D6E8F0A1B2C3D4E5F6A7B8C9D0E1</MCCQT>\n", 1)
    text = text.replace("<NBan></NBan>", "<NBan>" + role_signature(
        "NBan", RSA_SHA256, ["K26TKY42"], "2026-05-20T09:15:00") + "</NBan>")
    text = text.replace("<NMua/>", "<NMua>" + role_signature(
        "NMua", ECDSA_SHA256, ["K26TKY42"], "2026-05-20T10:00:00") + "</NMua><CQT>" + role_signature(
        "CQT", RSA_SHA256, ["K26TKY42", "MCCQT-K26TKY42"], "2026-05-20T10:05:00") + "</CQT>")
    path = write(text, tmp, "three.tpl.xml")
    for role in ("NBan", "NMua", "CQT"):
        key, cert = keys[role]
        signed = os.path.join(tmp, f"three.{role}.xml")
        run("xmlsec1", "--sign", "--privkey-pem", f"{key},{cert}", "--id-attr:Id", "DLHDon",
            "--id-attr:Id", "MCCQT", "--id-attr:Id", f"{DSIG}:Object", "--id-attr:Id",
            f"{DSIG}:Signature", "--node-id", f"{role}-K26TKY42", "--output", signed, path)
        path = signed
    with open(path, "rb") as f, open(os.path.join(out, "three-signatures.xml"), "wb") as g:
        g.write(f.read())


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, check=True, **kw)


def xmlsec1_sign(template, key, cert, out):
    run("xmlsec1", "--sign", "--privkey-pem", f"{key},{cert}", "--id-attr:Id", "DLHDon",
        "--id-attr:Id", f"{DSIG}:Object", "--output", out, template)


def xmlsec1_verifies(path, anchor):
    """Whether `xmlsec1 --verify` accepts the file (with the test root as trust anchor):
    its first signature, or each of them for the file with three."""
    nodes = [[]]
    if os.path.basename(path) == "three-signatures.xml":
        nodes = [["--id-attr:Id", f"{DSIG}:Signature", "--node-id", f"{r}-K26TKY42"]
                 for r in ("NBan", "NMua", "CQT")]
    for node in nodes:
        r = subprocess.run(["xmlsec1", "--verify", "--trusted-pem", anchor, "--untrusted-pem",
                            os.path.join(VECTORS, "pki/intermediate-ca.pem"), "--id-attr:Id",
                            "DLHDon", "--id-attr:Id", "MCCQT", "--id-attr:Id", f"{DSIG}:Object",
                            "--verification-gmt-time", "2026-06-01 00:00:00"] + node + [path],
                           capture_output=True)
        if r.returncode != 0:
            return False
    return True


def canonical_signed_info(doc):
    """The canonical SignedInfo of `doc`'s signature, by lxml: the element serialised with
    the namespaces in scope declared on it, read again as a document of its own and
    canonicalised whole (for an element whose ancestors carry no xml: attributes and no
    namespace but the one it uses, that is its canonical form as a subtree)."""
    signed_info = doc.find(f".//{{{DSIG}}}SignedInfo")
    alone = etree.fromstring(etree.tostring(signed_info))
    return etree.tostring(alone, method="c14n")


def presigned(path):
    """The canonical SignedInfo xmlsec1 verifies a signature over (printed only when the
    references verify)."""
    r = subprocess.run(["xmlsec1", "--verify", "--store-signatures", "--print-debug",
                        "--id-attr:Id", "DLHDon", "--id-attr:Id", f"{DSIG}:Object",
                        "--insecure", path], capture_output=True)
    start_marker = b"== PreSigned data - start buffer:\n"
    end_marker = b"\n== PreSigned data - end buffer"
    out = r.stdout
    start = out.index(start_marker) + len(start_marker)
    return out[start:out.index(end_marker, start)]


def invoice(mst, method, digest, time_transforms, inv_id="K26TKY42"):
    sig = SIGNATURE.format(dsig=DSIG, id=inv_id, c14n=C14N, method=method, digest=digest,
                           enveloped=ENVELOPED, time_transforms=time_transforms)
    return INVOICE.format(id=inv_id, seller=SELLER, mst=mst, signature=sig)


def transforms(*uris):
    return "".join(f'<Transform Algorithm="{u}"/>' for u in uris)


def producer_style(text, key_pem, cert_pem, hash_alg, tmp, name):
    """Signs as real invoicing software does: xmlsec1 computes both digests with the
    SigningTime reference canonicalised whole, then the enveloped-signature transform is
    put in front of that reference and the SignedInfo, canonicalised by lxml, is signed
    again here."""
    tpl = os.path.join(tmp, f"{name}.tpl.xml")
    first = os.path.join(tmp, f"{name}.first.xml")
    with open(tpl, "w", encoding="utf-8") as f:
        f.write(text)
    xmlsec1_sign(tpl, key_pem, cert_pem, first)
    doc = etree.parse(first)
    # The way the SignedInfo is canonicalised below agrees with xmlsec1 on this signature.
    assert canonical_signed_info(doc) == presigned(first), name
    refs = doc.findall(f".//{{{DSIG}}}Reference")
    time_transforms = refs[1].find(f"{{{DSIG}}}Transforms")
    env = etree.SubElement(time_transforms, f"{{{DSIG}}}Transform")
    env.set("Algorithm", ENVELOPED)
    time_transforms.insert(0, env)
    signed_info = canonical_signed_info(doc)
    with open(key_pem, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    value = key.sign(signed_info, padding.PKCS1v15(), hash_alg)
    doc.find(f".//{{{DSIG}}}SignatureValue").text = base64.b64encode(value).decode()
    return doc


def legacy_certificate(tmp):
    """An RSA-1024 certificate from the test signing CA (which signs it with SHA-256:
    `cryptography` signs no certificate with SHA-1)."""
    with open(os.path.join(VECTORS, "keys/intermediate-ca.key.pem"), "rb") as f:
        ca_key = serialization.load_pem_private_key(f.read(), password=None)
    with open(os.path.join(VECTORS, "pki/intermediate-ca.pem"), "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hà Nội"),
        # Longer than RFC 5280's 64 characters, as real seller certificates are.
        x509.NameAttribute(NameOID.COMMON_NAME,
                           "CÔNG TY CỔ PHẦN DỊCH VỤ THƯƠNG MẠI VÀ ĐẦU TƯ PHÁT TRIỂN CÔNG NGHỆ KYSO",
                           _validate=False),
        x509.NameAttribute(NameOID.USER_ID, "MST:0102182292-998"),
    ])
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
            .not_valid_after(datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    key_path = os.path.join(tmp, "legacy.key.pem")
    cert_path = os.path.join(tmp, "legacy.pem")
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def write(doc_or_text, out, name, base=None):
    path = os.path.join(out, name)
    # An attack that changed nothing would test nothing.
    assert base is None or doc_or_text != base, name
    if isinstance(doc_or_text, str):
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc_or_text)
    else:
        doc_or_text.write(path, encoding="UTF-8", xml_declaration=True)
    return path


def text_of(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main(out):
    os.makedirs(out, exist_ok=True)
    seal_key = os.path.join(VECTORS, "keys/ee-rsa3072.key.pem")
    seal_cert = os.path.join(VECTORS, "pki/ee-rsa3072.pem")
    ec_key = os.path.join(VECTORS, "keys/ee-ecdsa-p256.key.pem")
    ec_cert = os.path.join(VECTORS, "pki/ee-ecdsa-p256.pem")
    anchor = os.path.join(VECTORS, "pki/root-ca.pem")
    verdicts = []
    with tempfile.TemporaryDirectory() as tmp:
        # 1. xmlsec1 signs; the SigningTime reference is canonicalised only.
        tpl = write(invoice("5700100256-001", RSA_SHA256, SHA256, transforms(C14N)), tmp,
                    "t1.xml")
        xmlsec1_sign(tpl, seal_key, seal_cert, os.path.join(out, "xmlsec1-rsa.xml"))
        # 2. The same with exclusive C14N then C14N on the SigningTime reference.
        tpl = write(invoice("5700100256-001", RSA_SHA256, SHA256, transforms(EXC, C14N)), tmp,
                    "t2.xml")
        xmlsec1_sign(tpl, seal_key, seal_cert, os.path.join(out, "xmlsec1-exc-c14n.xml"))
        # 2b. The SigningTime reference with the enveloped-signature transform, signed by
        # xmlsec1 as the specification reads it: over nothing at all.
        tpl = write(invoice("5700100256-001", RSA_SHA256, SHA256,
                            transforms(ENVELOPED, C14N)), tmp, "t2b.xml")
        xmlsec1_sign(tpl, seal_key, seal_cert,
                     os.path.join(out, "xmlsec1-enveloped-signing-time.xml"))
        # 3. ECDSA P-256 (r||s), by xmlsec1.
        tpl = write(invoice("0104831030", ECDSA_SHA256, SHA256, transforms(C14N)), tmp,
                    "t3.xml")
        xmlsec1_sign(tpl, ec_key, ec_cert, os.path.join(out, "xmlsec1-ecdsa.xml"))
        # 4. The invoicing software's shape.
        producer = producer_style(invoice("5700100256-001", RSA_SHA256, SHA256,
                                          transforms(C14N)),
                                  seal_key, seal_cert, hashes.SHA256(), tmp, "p")
        producer_path = write(producer, out, "producer-rsa.xml")
        # 5. The legacy shape: RSA-1024, SHA-1 everywhere, software-made.
        legacy_key, legacy_cert = legacy_certificate(tmp)
        legacy = producer_style(invoice("0102182292-998", RSA_SHA1, SHA1, transforms(C14N)),
                                legacy_key, legacy_cert, hashes.SHA1(), tmp, "l")
        write(legacy, out, "producer-legacy-sha1.xml")
        # 6. Signed correctly, but the invoice names another seller tax code.
        tpl = write(invoice("0100109106", RSA_SHA256, SHA256, transforms(C14N)), tmp,
                    "t6.xml")
        xmlsec1_sign(tpl, seal_key, seal_cert, os.path.join(out, "tax-code-not-signer.xml"))

        # 7. Seller, buyer and tax authority.
        three_signatures(tmp, out, {
            "NBan": (seal_key, seal_cert),
            "NMua": (ec_key, ec_cert),
            "CQT": (os.path.join(VECTORS, "keys/ee-rsa2048.key.pem"),
                    os.path.join(VECTORS, "pki/ee-rsa2048.pem")),
        })
        # Attacks on the invoice xmlsec1 signed (which xmlsec1 itself verifies), without
        # signing again.
        base = text_of(os.path.join(out, "xmlsec1-rsa.xml"))
        write(base.replace("<TgTTTBSo>1100000</TgTTTBSo>", "<TgTTTBSo>9100000</TgTTTBSo>"),
              out, "attack-amount-changed.xml", base)
        write(base.replace("<MST>5700100256-001</MST>", "<MST>5700100256-002</MST>"),
              out, "attack-tax-code-changed.xml", base)
        write(base.replace("<DLQRCode>00020101021238570010A000000727012700069704070113KYSO0000000042</DLQRCode>",
                           "<DLQRCode>00020101021238570010A000000727012700069704070113EVIL0000009999</DLQRCode>"),
              out, "unsigned-qr-code-changed.xml", base)
        # A forged DLHDon in its place, the signed one moved under an extension element.
        start = base.index("<DLHDon")
        end = base.index("</DLHDon>") + len("</DLHDon>")
        signed = base[start:end]
        forged = signed.replace('Id="K26TKY42"', 'Id="K26TKY43"').replace(
            "<TgTTTBSo>1100000</TgTTTBSo>", "<TgTTTBSo>9100000</TgTTTBSo>")
        write(base[:start] + forged + "\n  <TTKhac>" + signed + "</TTKhac>" + base[end:],
              out, "attack-signed-data-moved.xml", base)
        # A second element with the signed data's Id, before it.
        write(base[:start] + '<Ghi Id="K26TKY42">x</Ghi>\n  ' + base[start:], out,
              "attack-duplicate-id.xml", base)
        # A second DLHDon inside the signature places.
        write(base.replace("<NMua/>", "<NMua>" + forged + "</NMua>"), out,
              "attack-second-dlhdon.xml", base)
        # A document type declaration with an entity.
        write(base.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                           '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HDon [<!ENTITY t "x">]>\n'),
              out, "attack-doctype.xml", base)

        for name in sorted(os.listdir(out)):
            if name.endswith(".xml"):
                verdicts.append((name, xmlsec1_verifies(os.path.join(out, name), anchor)))
    with open(os.path.join(out, "xmlsec1-verdicts.tsv"), "w") as f:
        f.write("# file\txmlsec1 --verify\n")
        for name, ok in verdicts:
            f.write(f"{name}\t{'verified' if ok else 'failed'}\n")


if __name__ == "__main__":
    main(sys.argv[1])
