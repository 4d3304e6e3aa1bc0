"""Shared helpers for build_pdfs.py and attacks.py.

Everything here runs offline: the test PKI of test-vectors/ signs, a local
time-stamping authority object answers RFC 3161 requests in-process, and the
CRLs and the OCSP response are issued here with the `cryptography` package.
"""

import datetime as dt
import hashlib
import io
import json
import os
import re
import zlib

from asn1crypto import algos, cms, core, keys, tsp, x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import general as sign_general
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.dirname(HERE)
PKI = os.path.join(VECTORS, 'pki')
KEYS = os.path.join(VECTORS, 'keys')
REV = os.path.join(VECTORS, 'revocation')

PASSWORD = b'kyso-test'


# --------------------------------------------------------------------------
# Time: one instant per run, written to `validation-time` as T0 + 1 h.

def run_times(outdir):
    """The run's reference instant T0 (saved by the first script that asks)."""
    path = os.path.join(outdir, '.t0')
    if os.path.exists(path):
        with open(path) as f:
            t0 = dt.datetime.fromisoformat(f.read().strip())
    else:
        t0 = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        with open(path, 'w') as f:
            f.write(t0.isoformat())
    return t0, t0 + dt.timedelta(hours=1)


def rfc3339(t):
    return t.astimezone(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


# --------------------------------------------------------------------------
# Key material

def _read(path):
    with open(path, 'rb') as f:
        return f.read()


def load_cert(path):
    """(cryptography certificate, asn1crypto certificate)"""
    c = x509.load_pem_x509_certificate(_read(path))
    return c, asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))


def load_key(path, password=None):
    k = serialization.load_pem_private_key(_read(path), password=password)
    der = k.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return k, keys.PrivateKeyInfo.load(der)


class Pki:
    def __init__(self):
        self.root, self.root_a = load_cert(os.path.join(PKI, 'root-ca.pem'))
        self.ica, self.ica_a = load_cert(os.path.join(PKI, 'intermediate-ca.pem'))
        self.root_key, _ = load_key(os.path.join(KEYS, 'root-ca.key.pem'))
        self.ica_key, _ = load_key(os.path.join(KEYS, 'intermediate-ca.key.pem'))
        self.ee2048, self.ee2048_a = load_cert(os.path.join(PKI, 'ee-rsa2048.pem'))
        self.ee2048_key, self.ee2048_key_a = load_key(
            os.path.join(KEYS, 'ee-rsa2048.key.pem'))
        self.ee3072, self.ee3072_a = load_cert(os.path.join(PKI, 'ee-rsa3072.pem'))
        self.ee3072_key, self.ee3072_key_a = load_key(
            os.path.join(KEYS, 'ee-rsa3072.enc.key.pem'), PASSWORD)
        self.eep256, self.eep256_a = load_cert(os.path.join(PKI, 'ee-ecdsa-p256.pem'))
        self.eep256_key, self.eep256_key_a = load_key(
            os.path.join(KEYS, 'ee-ecdsa-p256.key.pem'))
        self.tsa, self.tsa_a = load_cert(os.path.join(REV, 'tsa.pem'))
        self.tsa_key, self.tsa_key_a = load_key(os.path.join(REV, 'keys', 'tsa.key.pem'))
        self.ocsp, self.ocsp_a = load_cert(os.path.join(REV, 'ocsp-responder.pem'))
        self.ocsp_key, _ = load_key(os.path.join(REV, 'keys', 'ocsp-responder.key.pem'))


# --------------------------------------------------------------------------
# Revocation data issued at run time

def _revoked_from_index():
    """Serials the Signing CA's database lists as revoked (revocation/index.txt)."""
    out = []
    with open(os.path.join(REV, 'index.txt'), encoding='latin-1') as f:
        for line in f:
            cols = line.rstrip('\n').split('\t')
            if cols[0] != 'R':
                continue
            when, *reason = cols[2].split(',')
            t = dt.datetime.strptime(when, '%y%m%d%H%M%SZ').replace(tzinfo=dt.timezone.utc)
            reason_flag = {
                'keyCompromise': x509.ReasonFlags.key_compromise,
                'holdInstruction': x509.ReasonFlags.certificate_hold,
            }.get(reason[0] if reason else '', x509.ReasonFlags.unspecified)
            out.append((int(cols[3], 16), t, reason_flag))
    return out


def make_crl(issuer_cert, issuer_key, number, this_update, next_update, revoked=()):
    b = (x509.CertificateRevocationListBuilder()
         .issuer_name(issuer_cert.subject)
         .last_update(this_update)
         .next_update(next_update)
         .add_extension(x509.CRLNumber(number), critical=False)
         .add_extension(
             x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                 issuer_cert.extensions.get_extension_for_class(
                     x509.SubjectKeyIdentifier).value),
             critical=False))
    for serial, when, reason in revoked:
        rb = (x509.RevokedCertificateBuilder().serial_number(serial)
              .revocation_date(when)
              .add_extension(x509.CRLReason(reason), critical=False))
        b = b.add_revoked_certificate(rb.build())
    return b.sign(issuer_key, hashes.SHA256())


def make_ocsp(pki, cert, this_update, next_update):
    """A 'good' answer for `cert` by the delegated responder."""
    b = (ocsp.OCSPResponseBuilder()
         .add_response(cert=cert, issuer=pki.ica, algorithm=hashes.SHA256(),
                       cert_status=ocsp.OCSPCertStatus.GOOD,
                       this_update=this_update, next_update=next_update,
                       revocation_time=None, revocation_reason=None)
         .responder_id(ocsp.OCSPResponderEncoding.HASH, pki.ocsp)
         .certificates([pki.ocsp]))
    return b.sign(pki.ocsp_key, hashes.SHA256())


class Revinfo:
    """CRLs of both CAs and a 'good' OCSP answer for ee-rsa2048, all issued at one moment.

    `Revinfo(pki, t0, outdir)` is the run's first set (thisUpdate T0 - 10 min, written
    to outdir as signing-ca.crl.der and root.crl.der); `Revinfo.issued_at(pki, t)` a
    later set, issued at `t` (after a timestamp's genTime: see `wait_past`), held in
    memory only."""

    def __init__(self, pki, t0, outdir=None, this_update=None):
        from asn1crypto import crl as asn1_crl, ocsp as asn1_ocsp
        if this_update is None:
            this_update = t0 - dt.timedelta(minutes=10)
        next_update = t0 + dt.timedelta(days=30)
        number = int(t0.timestamp())  # grows from run to run, and from set to set
        self.sca_crl = make_crl(pki.ica, pki.ica_key, number, this_update, next_update,
                                _revoked_from_index())
        self.root_crl = make_crl(pki.root, pki.root_key, number, this_update, next_update)
        self.crl_der = {
            'signing-ca.crl.der': self.sca_crl.public_bytes(serialization.Encoding.DER),
            'root.crl.der': self.root_crl.public_bytes(serialization.Encoding.DER),
        }
        if outdir is not None:
            for name, der in self.crl_der.items():
                with open(os.path.join(outdir, name), 'wb') as f:
                    f.write(der)
        self.crls_a = [asn1_crl.CertificateList.load(d) for d in self.crl_der.values()]
        # producedAt is the moment the builder signs, so never before this_update.
        self.ocsp_ee2048 = make_ocsp(pki, pki.ee2048, this_update, t0 + dt.timedelta(days=7))
        self.ocsps_a = [asn1_ocsp.OCSPResponse.load(
            self.ocsp_ee2048.public_bytes(serialization.Encoding.DER))]

    @classmethod
    def issued_at(cls, pki, t):
        """A set issued at `t`: thisUpdate t, nextUpdate t + 30 days (CRLs) and
        t + 7 days (OCSP), cRLNumber the Unix time of t."""
        return cls(pki, t, this_update=t)


def tst_gen_time(signed_data):
    """genTime of a timestamp token (asn1crypto cms.SignedData)."""
    return signed_data['encap_content_info']['content'].parsed['gen_time'].native


def wait_past(gen_time, accuracy=dt.timedelta(seconds=1)):
    """Sleeps until the clock is a whole second past `gen_time` (rounded up to the
    second) plus the accuracy the local TSA states, and returns that moment to the second:
    data issued then is issued after the latest time the timestamp can stand for."""
    import time
    whole = gen_time.replace(microsecond=0)
    if whole < gen_time:
        whole += dt.timedelta(seconds=1)
    target = whole + accuracy + dt.timedelta(seconds=1)
    while True:
        now = dt.datetime.now(dt.timezone.utc)
        if now >= target:
            return now.replace(microsecond=0)
        time.sleep((target - now).total_seconds() + 0.01)


# --------------------------------------------------------------------------
# A local RFC 3161 authority with the ECDSA P-256 TSA key of revocation/.
# pyHanko's DummyTimeStamper signs with RSA only, so the CMS part is redone.

class LocalTsa(DummyTimeStamper):
    def __init__(self, pki):
        from pyhanko_certvalidator.registry import SimpleCertificateStore
        super().__init__(tsa_cert=pki.tsa_a, tsa_key=pki.tsa_key_a,
                         certs_to_embed=SimpleCertificateStore.from_certs([pki.ica_a]))
        self._key = pki.tsa_key

    def _build_tst_info(self, message_imprint, dt_, req):
        info = super()._build_tst_info(message_imprint, dt_, req)
        info['policy'] = tsp.ObjectIdentifier('1.3.6.1.4.1.55555.3.1')
        info['accuracy'] = tsp.Accuracy({'seconds': 1})
        return info

    def _sign_tst_info(self, tst_info_data, md_algorithm, dt_):
        attrs = cms.CMSAttributes([
            sign_general.simple_cms_attribute('content_type', 'tst_info'),
            sign_general.simple_cms_attribute(
                'signing_time', cms.Time({'utc_time': core.UTCTime(dt_)})),
            sign_general.simple_cms_attribute(
                'signing_certificate_v2',
                sign_general.as_signing_certificate_v2(self.tsa_cert)),
            sign_general.simple_cms_attribute(
                'message_digest', hashlib.new(md_algorithm, tst_info_data).digest()),
        ])
        h = {'sha256': hashes.SHA256(), 'sha384': hashes.SHA384(),
             'sha512': hashes.SHA512()}[md_algorithm]
        return self._key.sign(attrs.dump(), ec.ECDSA(h)), attrs

    def _build_signed_data(self, tst_info_data, md_algorithm, signature, signed_attrs):
        sd = super()._build_signed_data(tst_info_data, md_algorithm, signature, signed_attrs)
        si = sd['signer_infos'][0]
        si['signature_algorithm'] = algos.SignedDigestAlgorithm(
            {'algorithm': md_algorithm + '_ecdsa'})
        sd['signer_infos'] = [si]
        return sd


# --------------------------------------------------------------------------
# Case table: every script appends its rows to `.cases.jsonl` in outdir.

def add_case(outdir, file, rows, how):
    """rows: list of dicts with keys signature, field, subfilter, indication,
    sub_indication, changes, note."""
    with open(os.path.join(outdir, '.cases.jsonl'), 'a') as f:
        f.write(json.dumps({'file': file, 'rows': rows, 'how': how}) + '\n')


def row(signature, field, subfilter, indication, sub='-', changes='none', note='-'):
    return dict(signature=str(signature), field=field, subfilter=subfilter,
                indication=indication, sub_indication=sub, changes=changes, note=note)


CADES = 'ETSI.CAdES.detached'
ADBE = 'adbe.pkcs7.detached'
RFC3161 = 'ETSI.RFC3161'


# --------------------------------------------------------------------------
# Raw incremental updates, written by hand (no PDF library on the write side)

def pdf_str(obj):
    """Serialise a pyHanko generic object to bytes."""
    b = io.BytesIO()
    obj.write_to_stream(b, None)
    return b.getvalue()


def last_startxref(data):
    i = data.rindex(b'startxref')
    m = re.match(rb'startxref\s+(\d+)\s+%%EOF', data[i:])
    return int(m.group(1))


def trailer_info(data):
    """/Root, /Info, /ID and /Size of the newest revision (through pyHanko's reader)."""
    r = PdfFileReader(io.BytesIO(data))
    t = r.trailer
    return {
        'Root': t.raw_get('/Root'),
        'Info': t.raw_get('/Info') if '/Info' in t else None,
        'ID': t.raw_get('/ID') if '/ID' in t else None,
        'Size': int(t['/Size']),
    }, r


def ref(n):
    return b'%d 0 R' % n


def stream_obj(data, extra=b'', compress=False):
    if compress:
        data = zlib.compress(data)
        extra += b' /Filter /FlateDecode'
    return b'<< /Length %d%s >>\nstream\n' % (len(data), extra) + data + b'\nendstream'


def xref_table(entries):
    """entries: {objnum: offset}; writes subsections of consecutive numbers."""
    out = bytearray(b'xref\n')
    nums = sorted(entries)
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out += b'%d %d\n' % (nums[i], j - i + 1)
        for n in nums[i:j + 1]:
            off = entries[n]
            if off is None:
                out += b'0000000000 65535 f\r\n'
            else:
                out += b'%010d 00000 n\r\n' % off
        i = j + 1
    return bytes(out)


def append_update(data, objects, root=None, extra_trailer=b'', size=None,
                  xref_entries=None):
    """Append one incremental update holding `objects` ({num: body bytes}),
    a cross-reference table section, a trailer with /Prev, startxref and %%EOF."""
    info, _ = trailer_info(data)
    prev = last_startxref(data)
    out = bytearray(data)
    if not out.endswith(b'\n'):
        out += b'\n'
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b'%d 0 obj\n' % num + objects[num] + b'\nendobj\n'
    if xref_entries is not None:
        offsets.update(xref_entries)
    xref_at = len(out)
    if not offsets:
        offsets = {0: None}
    out += xref_table(offsets)
    if size is None:
        size = max([info['Size']] + [n + 1 for n in offsets])
    root_ref = root if root is not None else pdf_str(info['Root'])
    t = b'trailer\n<< /Size %d /Root %s' % (size, root_ref)
    if info['Info'] is not None:
        t += b' /Info ' + pdf_str(info['Info'])
    if info['ID'] is not None:
        t += b' /ID ' + pdf_str(info['ID'])
    t += b' /Prev %d%s >>\n' % (prev, extra_trailer)
    out += t + b'startxref\n%d\n%%%%EOF\n' % xref_at
    return bytes(out)


def page_refs(reader):
    """Indirect references of the pages, in order."""
    out = []

    def walk(node_ref):
        node = node_ref.get_object()
        if node['/Type'] == '/Pages':
            for kid in node.raw_get('/Kids'):
                walk(kid)
        else:
            out.append(node_ref)

    walk(reader.root.raw_get('/Pages'))
    return out


def write(outdir, name, data):
    with open(os.path.join(outdir, name), 'wb') as f:
        f.write(data)
    return data
