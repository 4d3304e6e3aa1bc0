"""Signed PDF fixtures made with fpdf2, qpdf and pyHanko.

Usage: build_pdfs.py OUTDIR
Writes the base documents, every pyHanko-made case, the CRLs and
`validation-time` into OUTDIR, and appends the expected rows of each case to
OUTDIR/.cases.jsonl (report.py turns them into cases.tsv).
"""

import io
import logging
import os
import subprocess
import sys

from fpdf import FPDF

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import MDPPerm, SigFieldSpec
from pyhanko.sign.signers import pdf_signer as pdf_signer_mod
from pyhanko.sign.validation import add_validation_info
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

import _common as C

logging.basicConfig(level=logging.ERROR)

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else C.HERE)
T0, VT = C.run_times(OUT)
PKI = C.Pki()
REVINFO = C.Revinfo(PKI, T0, OUT)
TSA = C.LocalTsa(PKI)

# A4 in points; fpdf2 works in millimetres from the top, PDF from the bottom.
PAGE_H = 841.89


# --------------------------------------------------------------------------
# Base documents

def fpdf_document():
    """Two pages of an official letter (ASCII Vietnamese, core Helvetica)."""
    pdf = FPDF(format='A4', unit='pt')
    pdf.set_creator('fpdf2')
    pdf.set_title('Cong van so 123/UBND-VP')
    pdf.set_author('Kyso test vectors')
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font('Helvetica', 'B', 12)
    pdf.cell(0, 16, 'CONG HOA XA HOI CHU NGHIA VIET NAM', align='C',
             new_x='LMARGIN', new_y='NEXT')
    pdf.set_font('Helvetica', '', 11)
    pdf.cell(0, 14, 'Doc lap - Tu do - Hanh phuc', align='C',
             new_x='LMARGIN', new_y='NEXT')
    pdf.ln(20)
    pdf.cell(0, 14, 'So van ban:', new_x='LMARGIN', new_y='NEXT')  # field beside it
    pdf.ln(10)
    pdf.set_font('Helvetica', 'B', 13)
    pdf.cell(0, 18, 'CONG VAN', align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font('Helvetica', '', 11)
    pdf.cell(0, 14, 'V/v thanh toan hop dong cung cap thiet bi', align='C',
             new_x='LMARGIN', new_y='NEXT')
    pdf.ln(14)
    body = (
        'Kinh gui: Kho bac Nha nuoc tinh Quang Ninh.\n'
        'Can cu hop dong so 45/2026/HD-UBND ngay 15 thang 3 nam 2026, '
        'Uy ban nhan dan tinh de nghi Kho bac thanh toan cho Cong ty Co phan '
        'Kyso so tien ghi duoi day vao tai khoan so 0104831030.'
    )
    pdf.multi_cell(0, 15, body)
    pdf.ln(10)
    pdf.set_font('Helvetica', 'B', 12)
    pdf.cell(0, 16, 'So tien thanh toan: 1.000.000 VND', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font('Helvetica', '', 11)
    pdf.ln(10)
    pdf.multi_cell(0, 15, 'Trong qua trinh thuc hien, neu co vuong mac de nghi '
                          'lien he Van phong Uy ban nhan dan tinh de duoc huong dan.')
    pdf.add_page()
    pdf.set_font('Helvetica', '', 11)
    pdf.multi_cell(0, 15, 'Noi nhan:\n- Nhu tren;\n- Luu: VT, VP.')
    pdf.ln(20)
    pdf.cell(0, 14, 'NGUOI KY', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(110)
    pdf.cell(0, 14, 'DAU CO QUAN', new_x='LMARGIN', new_y='NEXT')
    return bytes(pdf.output())


HELV = {'/Type': '/Font', '/Subtype': '/Type1', '/BaseFont': '/Helvetica',
        '/Encoding': '/WinAnsiEncoding'}


def text_appearance(w, rect, text, font_ref):
    """A /Tx widget's normal appearance showing `text` (empty string: no text)."""
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    ops = b'/Tx BMC\n'
    if text:
        ops += b'BT /Helv 10 Tf 0 g 2 5 Td (' + text.encode('latin-1') + b') Tj ET\n'
    ops += b'EMC\n'
    stm = generic.StreamObject({
        pdf_name('/Type'): pdf_name('/XObject'),
        pdf_name('/Subtype'): pdf_name('/Form'),
        pdf_name('/BBox'): generic.ArrayObject(map(generic.FloatObject, (0, 0, width, height))),
        pdf_name('/Resources'): generic.DictionaryObject({
            pdf_name('/Font'): generic.DictionaryObject({pdf_name('/Helv'): font_ref})}),
    }, stream_data=ops)
    return w.add_object(stm)


TEXT_RECT = (100, 749, 320, 767)   # beside "So van ban:" on page 1
SIG1_BOX = (56, 650, 256, 730)     # under "NGUOI KY" on page 2
SIG2_BOX = (300, 650, 500, 730)
SEAL_BOX = (56, 520, 256, 600)     # under "DAU CO QUAN"


def make_base():
    raw = fpdf_document()
    w = IncrementalPdfFileWriter(io.BytesIO(raw))
    page1 = w.root['/Pages']['/Kids'][0]
    page1_ref = w.root['/Pages'].raw_get('/Kids')[0]
    helv = w.add_object(generic.DictionaryObject(
        {pdf_name(k): pdf_name(v) for k, v in HELV.items()}))
    rect = generic.ArrayObject(map(generic.FloatObject, TEXT_RECT))
    field = generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Annot'),
        pdf_name('/Subtype'): pdf_name('/Widget'),
        pdf_name('/FT'): pdf_name('/Tx'),
        pdf_name('/T'): pdf_string('so_van_ban'),
        pdf_name('/TU'): pdf_string('So van ban'),
        pdf_name('/V'): pdf_string(''),
        pdf_name('/DA'): pdf_string('/Helv 10 Tf 0 g'),
        pdf_name('/F'): generic.NumberObject(4),
        pdf_name('/Rect'): rect,
        pdf_name('/P'): page1_ref,
        pdf_name('/MK'): generic.DictionaryObject({
            pdf_name('/BC'): generic.ArrayObject([generic.FloatObject(0.5)])}),
    })
    field[pdf_name('/AP')] = generic.DictionaryObject(
        {pdf_name('/N'): text_appearance(w, TEXT_RECT, '', helv)})
    field_ref = w.add_object(field)
    annots = page1.get('/Annots')
    if annots is None:
        page1[pdf_name('/Annots')] = generic.ArrayObject([field_ref])
    else:
        annots.append(field_ref)
    w.update_container(page1)
    w.root[pdf_name('/AcroForm')] = generic.DictionaryObject({
        pdf_name('/Fields'): generic.ArrayObject([field_ref]),
        pdf_name('/DA'): pdf_string('/Helv 0 Tf 0 g'),
        pdf_name('/DR'): generic.DictionaryObject({
            pdf_name('/Font'): generic.DictionaryObject({pdf_name('/Helv'): helv})}),
    })
    w.update_root()
    fields.append_signature_field(
        w, SigFieldSpec(sig_field_name='Sig1', on_page=1, box=SIG1_BOX))
    fields.append_signature_field(
        w, SigFieldSpec(sig_field_name='Sig2', on_page=1, box=SIG2_BOX))
    buf = io.BytesIO()
    w.write(buf)
    two_rev = os.path.join(OUT, '.base-2rev.pdf')
    with open(two_rev, 'wb') as f:
        f.write(buf.getvalue())
    # qpdf folds the two revisions into one, with a classic xref table...
    subprocess.run(['qpdf', '--object-streams=disable', '--compress-streams=n',
                    '--deterministic-id',
                    two_rev, os.path.join(OUT, 'base.pdf')], check=True)
    # ...and, for the second base, into object streams and an xref stream.
    subprocess.run(['qpdf', '--object-streams=generate', '--deterministic-id',
                    two_rev, os.path.join(OUT, 'base-objstm.pdf')], check=True)
    os.remove(two_rev)
    with open(os.path.join(OUT, 'base.pdf'), 'rb') as f:
        base = f.read()
    with open(os.path.join(OUT, 'base-objstm.pdf'), 'rb') as f:
        objstm = f.read()
    return base, objstm


# --------------------------------------------------------------------------
# Signing with pyHanko

STAMP = TextStampStyle(stamp_text='Da ky so\nThoi gian: %(ts)s')


def signer_for(who):
    reg = SimpleCertificateStore.from_certs([PKI.ica_a])
    cert, key = {
        'rsa2048': (PKI.ee2048_a, PKI.ee2048_key_a),
        'rsa3072': (PKI.ee3072_a, PKI.ee3072_key_a),
        'p256': (PKI.eep256_a, PKI.eep256_key_a),
    }[who]
    return signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=reg)


def validation_context(revinfo):
    """Offline context holding one set of CRLs and OCSP answers, judged now."""
    return ValidationContext(
        trust_roots=[PKI.root_a], other_certs=[PKI.ica_a],
        crls=revinfo.crls_a, ocsps=revinfo.ocsps_a,
        allow_fetching=False, revocation_mode='hard-fail')


def sign(data, field, who='rsa2048', subfilter=C.CADES, timestamp=False,
         certify=False, perm=MDPPerm.FILL_FORMS, new_box=None, page=1):
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    sf = {C.CADES: fields.SigSeedSubFilter.PADES,
          C.ADBE: fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED}[subfilter]
    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=sf, md_algorithm='sha256',
        certify=certify, docmdp_permissions=perm,
        reason=None, location='Ha Noi')
    spec = None
    if new_box is not None:
        spec = SigFieldSpec(sig_field_name=field, on_page=page, box=new_box)
    ps = signers.PdfSigner(meta, signer=signer_for(who),
                           timestamper=TSA if timestamp else None,
                           stamp_style=STAMP, new_field_spec=spec)
    out = io.BytesIO()
    ps.sign_pdf(w, output=out)
    return out.getvalue()


def doc_timestamp(data, field='Timestamp'):
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    ts = signers.PdfTimeStamper(TSA, field_name=field)
    out = io.BytesIO()
    ts.timestamp_pdf(w, 'sha256', validation_context=None, output=out)
    return out.getvalue()


def embedded(data, field):
    """pyHanko's view of the signature or document timestamp in `field`."""
    r = PdfFileReader(io.BytesIO(data))
    return next(s for s in r.embedded_signatures if s.field_name == field)


def latest_gen_time(data, field):
    """The genTime a signature's timestamp (or a document timestamp) states."""
    sig = embedded(data, field)
    if sig.sig_object_type == '/DocTimeStamp':
        tokens = [sig.signed_data]
    else:
        tokens = list(extract_tst_data_iter(sig.signer_info, signed=False))
    assert tokens, f'{field}: no timestamp'
    return max(C.tst_gen_time(t) for t in tokens)


def add_fresh_validation_info(data, field):
    """Waits until the timestamp of `field` is in the past (genTime plus accuracy), issues
    CRLs of both CAs and an OCSP answer for the signer at that later moment, and appends
    pyHanko's DSS update for `field` (its chain and its timestamp's TSA chain, with a VRI
    entry) from a validation context that holds them and fetches nothing."""
    issued = C.wait_past(latest_gen_time(data, field))
    revinfo = C.Revinfo.issued_at(PKI, issued)
    out = add_validation_info(embedded(data, field), validation_context(revinfo))
    return out.getvalue()


def long_term(data, field='Sig1'):
    """B-T to B-LT: a DSS update with data issued after the signature timestamp."""
    return add_fresh_validation_info(data, field)


def long_term_archival(b_lt, field='Timestamp'):
    """B-LT to B-LTA: a document timestamp, then a DSS update with data issued after it
    that covers the document timestamp's TSA."""
    return add_fresh_validation_info(doc_timestamp(b_lt, field), field)


def add_dss(data, sig_field):
    """Append a DSS update with every certificate, CRL and OCSP answer of the run."""
    r = PdfFileReader(io.BytesIO(data))
    sig = next(s for s in r.embedded_signatures if s.field_name == sig_field)
    out = io.BytesIO(data)
    DocumentSecurityStore.add_dss(
        out, bytes(sig.sig_object['/Contents']),
        certs=[PKI.ee2048_a, PKI.ica_a, PKI.root_a, PKI.tsa_a, PKI.ocsp_a],
        ocsps=REVINFO.ocsps_a[:1], crls=REVINFO.crls_a)
    return out.getvalue()


def fill_text_field(data, value):
    """Incremental update setting so_van_ban's value and appearance."""
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    acro = w.root['/AcroForm']
    for fref in acro['/Fields']:
        f = fref.get_object()
        if f.get('/T') == 'so_van_ban':
            f[pdf_name('/V')] = pdf_string(value)
            helv = acro['/DR']['/Font'].raw_get('/Helv')
            f[pdf_name('/AP')] = generic.DictionaryObject({
                pdf_name('/N'): text_appearance(w, TEXT_RECT, value, helv)})
            w.update_container(f)
            break
    else:
        raise ValueError('no so_van_ban')
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def add_annotation(data, kind='Square', page=0, text='Da xem'):
    """Incremental update adding a markup annotation (with appearance) to a page."""
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    page_ref = C.page_refs(w.prev)[page]
    pg = page_ref.get_object()
    rect = (380, 560, 560, 600) if page == 0 else (300, 700, 520, 740)
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    annot = generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Annot'),
        pdf_name('/Subtype'): pdf_name('/' + kind),
        pdf_name('/Rect'): generic.ArrayObject(map(generic.FloatObject, rect)),
        pdf_name('/F'): generic.NumberObject(4),
        pdf_name('/C'): generic.ArrayObject(map(generic.FloatObject, (1, 0, 0))),
        pdf_name('/Contents'): pdf_string(text),
        pdf_name('/T'): pdf_string('Van thu'),
        pdf_name('/P'): page_ref,
    })
    if kind == 'FreeText':
        annot[pdf_name('/DA')] = pdf_string('/Helv 12 Tf 1 0 0 rg')
        helv = w.add_object(generic.DictionaryObject(
            {pdf_name(k): pdf_name(v) for k, v in HELV.items()}))
        ops = (b'1 1 1 rg 0 0 %d %d re f BT /Helv 12 Tf 1 0 0 rg 4 14 Td (%s) Tj ET'
               % (width, height, text.encode('latin-1')))
        res = generic.DictionaryObject({pdf_name('/Font'): generic.DictionaryObject(
            {pdf_name('/Helv'): helv})})
    else:
        ops = b'1 0 0 RG 2 w 1 1 %d %d re S' % (width - 2, height - 2)
        res = generic.DictionaryObject()
    ap = generic.StreamObject({
        pdf_name('/Type'): pdf_name('/XObject'), pdf_name('/Subtype'): pdf_name('/Form'),
        pdf_name('/BBox'): generic.ArrayObject(map(generic.FloatObject, (0, 0, width, height))),
        pdf_name('/Resources'): res}, stream_data=ops)
    annot[pdf_name('/AP')] = generic.DictionaryObject({pdf_name('/N'): w.add_object(ap)})
    aref = w.add_object(annot)
    annots = pg.get('/Annots')
    if isinstance(annots, generic.IndirectObject):
        annots = annots.get_object()    # an array object of its own: rewritten as such
    if annots is None:
        pg[pdf_name('/Annots')] = generic.ArrayObject([aref])
        w.update_container(pg)
    else:
        annots.append(aref)
        w.update_container(annots)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def overwrite_page_content(data, page=0):
    """Incremental update rewriting the page's content stream object itself."""
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    pg = C.page_refs(w.prev)[page].get_object()
    cref = pg.raw_get('/Contents')
    if isinstance(cref, generic.ArrayObject):
        cref = cref[0]
    old = cref.get_object().data
    new = old.replace(b'1.000.000 VND', b'9.000.000 VND')
    assert new != old
    w.objects[(cref.generation, cref.idnum)] = generic.StreamObject(stream_data=new)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def add_page(data):
    """Incremental update adding a third page."""
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    helv = w.add_object(generic.DictionaryObject(
        {pdf_name(k): pdf_name(v) for k, v in HELV.items()}))
    content = w.add_object(generic.StreamObject(
        stream_data=b'BT /F1 12 Tf 56 780 Td (Phu luc: so tien thanh toan la 9.000.000 VND) Tj ET'))
    page = generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Page'),
        pdf_name('/MediaBox'): generic.ArrayObject(map(generic.FloatObject, (0, 0, 595.28, PAGE_H))),
        pdf_name('/Contents'): content,
        pdf_name('/Resources'): generic.DictionaryObject({pdf_name('/Font'): generic.DictionaryObject(
            {pdf_name('/F1'): helv})}),
    })
    w.insert_page(page)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


OPENACTION_NOTE = (
    "pyHanko differs (ILLEGAL_MODIFICATIONS): its diff policy cannot justify the rewritten page "
    "object because fpdf2's /OpenAction also names that page; the update only adds a markup "
    "annotation to the page's /Annots, which {who}")


def no_docmdp_check():
    """pyHanko refuses to sign after a P=1 certification; the attack files need it."""
    pdf_signer_mod.PdfSigner._enforce_certification_constraints = lambda self, reader: None


# --------------------------------------------------------------------------

def main():
    base, objstm = make_base()
    w = lambda name, data: C.write(OUT, name, data)
    case = lambda name, rows, how: C.add_case(OUT, name, rows, how)
    R = C.row
    P = 'TOTAL-PASSED'
    F = 'TOTAL-FAILED'
    FF = 'FORMAT_FAILURE'

    # base.pdf and base-objstm.pdf carry no signature: they have no row in cases.tsv.

    # 1-2
    single = w('single-cades.pdf', sign(base, 'Sig1'))
    case('single-cades.pdf', [R(1, 'Sig1', C.CADES, P)], 'pyHanko, ee-rsa2048, PAdES B-B')
    w('single-adbe.pdf', sign(base, 'Sig1', subfilter=C.ADBE))
    case('single-adbe.pdf', [R(1, 'Sig1', C.ADBE, P)], 'pyHanko, ee-rsa2048')

    # 3
    a = sign(base, 'NguoiKy', timestamp=True, new_box=SIG1_BOX)
    a = sign(a, 'DauCoQuan', who='rsa3072', timestamp=True, new_box=SEAL_BOX)
    w('author-seal.pdf', a)
    case('author-seal.pdf', [R(1, 'NguoiKy', C.CADES, P, changes='form-filling'),
                             R(2, 'DauCoQuan', C.CADES, P)],
         'pyHanko: author B-T (ee-rsa2048) then seal B-T (ee-rsa3072)')

    # 4
    b_t = w('b-t.pdf', sign(base, 'Sig1', timestamp=True))
    case('b-t.pdf', [R(1, 'Sig1', C.CADES, P)], 'pyHanko B-T')
    b_lt = w('b-lt.pdf', long_term(b_t))
    case('b-lt.pdf', [R(1, 'Sig1', C.CADES, P, changes='long-term-data')],
         'pyHanko B-LT: b-t.pdf, then a DSS update with CRLs and OCSP issued after the '
         'signature timestamp')
    w('b-lta.pdf', long_term_archival(b_lt))
    case('b-lta.pdf', [R(1, 'Sig1', C.CADES, P, changes='long-term-data'),
                       R(2, 'Timestamp', C.RFC3161, P, changes='long-term-data')],
         'pyHanko B-LTA: b-lt.pdf, then a document timestamp, then a DSS update with CRLs '
         'and OCSP issued after it')
    w('single-ecdsa.pdf', sign(base, 'Sig1', who='p256'))
    case('single-ecdsa.pdf', [R(1, 'Sig1', C.CADES, P)],
         'pyHanko, ee-ecdsa-p256 (pyHanko raises the catalog /Version to 2.0 in the signed revision)')

    # 5-6
    w('xref-stream-signed.pdf', sign(objstm, 'Sig1'))
    case('xref-stream-signed.pdf', [R(1, 'Sig1', C.CADES, P)], 'pyHanko on the qpdf object-stream base')
    w('doc-timestamp-only.pdf', doc_timestamp(base))
    case('doc-timestamp-only.pdf', [R(1, 'Timestamp', C.RFC3161, P)], 'pyHanko document timestamp')

    # 7
    cert = {}
    for p, perm in ((1, MDPPerm.NO_CHANGES), (2, MDPPerm.FILL_FORMS), (3, MDPPerm.ANNOTATE)):
        cert[p] = w(f'certified-p{p}.pdf', sign(base, 'Sig1', certify=True, perm=perm))
        case(f'certified-p{p}.pdf', [R(1, 'Sig1', C.CADES, P)], f'pyHanko certification P={p}')

    no_docmdp_check()
    w('certified-p1-then-approval.pdf',
      sign(cert[1], 'Sig2', who='rsa3072'))
    case('certified-p1-then-approval.pdf',
         [R(1, 'Sig1', C.CADES, F, FF, 'form-filling', 'P=1 permits no change at all, '
            'not even a signature in an existing empty field'),
          R(2, 'Sig2', C.CADES, P, note='the approval signature itself is intact and covers '
            'the whole file; only the certification it breaks fails')], 'P=1 certification, then an approval signature (ee-rsa3072) in the empty field Sig2')
    w('certified-p1-then-fill.pdf', fill_text_field(cert[1], '123/UBND-VP'))
    case('certified-p1-then-fill.pdf',
         [R(1, 'Sig1', C.CADES, F, FF, 'form-filling', 'P=1 permits no change at all')],
         'P=1 certification, then so_van_ban filled')
    w('certified-p1-then-dss.pdf', add_dss(cert[1], 'Sig1'))
    case('certified-p1-then-dss.pdf', [R(1, 'Sig1', C.CADES, P, changes='long-term-data')],
         'P=1 certification, then a DSS update')
    w('certified-p2-then-fill.pdf', fill_text_field(cert[2], '123/UBND-VP'))
    case('certified-p2-then-fill.pdf', [R(1, 'Sig1', C.CADES, P, changes='form-filling')],
         'P=2 certification, then so_van_ban filled')
    w('certified-p2-then-approval.pdf', sign(cert[2], 'Sig2', who='rsa3072'))
    case('certified-p2-then-approval.pdf', [R(1, 'Sig1', C.CADES, P, changes='form-filling'),
                                            R(2, 'Sig2', C.CADES, P)],
         'P=2 certification, then an approval signature in the empty field Sig2')
    w('certified-p2-then-annotation.pdf', add_annotation(cert[2]))
    case('certified-p2-then-annotation.pdf',
         [R(1, 'Sig1', C.CADES, F, FF, 'annotations', 'P=2 permits no annotation')],
         'P=2 certification, then a Square annotation')
    w('certified-p3-then-annotation.pdf', add_annotation(cert[3]))
    case('certified-p3-then-annotation.pdf',
         [R(1, 'Sig1', C.CADES, P, changes='annotations',
            note=OPENACTION_NOTE.format(who='P=3 permits'))],
         'P=3 certification, then a Square annotation')

    # 8
    w('signed-then-fill.pdf', fill_text_field(single, '123/UBND-VP'))
    case('signed-then-fill.pdf', [R(1, 'Sig1', C.CADES, P, changes='form-filling')],
         'approval signature, then so_van_ban filled')
    w('signed-then-annotation.pdf', add_annotation(single))
    case('signed-then-annotation.pdf',
         [R(1, 'Sig1', C.CADES, P, changes='annotations',
            note=OPENACTION_NOTE.format(who='an approval signature without a lock permits'))],
         'approval signature, then a Square annotation')
    w('signed-then-page-content.pdf', overwrite_page_content(single))
    case('signed-then-page-content.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'other',
                                            'page 1 content stream rewritten')],
         'approval signature, then page 1 content stream object overwritten (pyHanko writer)')
    w('signed-then-new-page.pdf', add_page(single))
    case('signed-then-new-page.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'other', 'page added')],
         'approval signature, then a third page')

    with open(os.path.join(OUT, 'validation-time'), 'w') as f:
        f.write(C.rfc3339(VT) + '\n')


if __name__ == '__main__':
    main()
