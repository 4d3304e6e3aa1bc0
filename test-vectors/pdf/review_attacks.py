"""Shapes found in kyso's own security review, crafted on bytes like attacks.py.

Usage: review_attacks.py OUTDIR   (after build_pdfs.py and attacks.py, same OUTDIR)

Each shape is one a validator that classifies changes object by object can get
wrong: an object's role read from its own /Type, a reference that was dangling
when signed filled under a parent whose change is permitted, a FieldMDP lock
evaded through the locked field's appearance stream, /NeedAppearances set after
a P=1 certification, and the decompression budget of a whole document. Two more
are valid files that must pass: /Annots and /Fields held in arrays of their
own. Where a document has to be prepared before it is signed (the attacker
writes it, the victim signs it), the preparation is an update to base.pdf (for
the indirect arrays, folded into one revision by qpdf), and pyHanko signs. Every change after a signature is written here by hand, except
in the two valid files and the FieldMDP control (a field filled the ordinary
way), whose later revisions pyHanko's writer makes.
"""

import io
import os
import re
import subprocess
import zlib

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec

import _common as C
import attacks as A
import build_pdfs as B

OUT = B.OUT
R = C.row
P, F, FF = 'TOTAL-PASSED', 'TOTAL-FAILED', 'FORMAT_FAILURE'
FORGED_LINE = b'So tien thanh toan: 9.000.000 VND'


def read(name):
    with open(os.path.join(OUT, name), 'rb') as f:
        return f.read()


def write(name, data):
    return C.write(OUT, name, data)


def case(name, rows, how):
    C.add_case(OUT, name, rows, how)


def helv_ref(data):
    """`N 0 R` of the /Helv font in /AcroForm /DR."""
    r = PdfFileReader(io.BytesIO(data))
    return C.pdf_str(r.root['/AcroForm'].raw_get('/DR')['/Font'].raw_get('/Helv'))


def text_field(data, name='so_van_ban'):
    """(object number, field dictionary) of a top-level field of the newest revision."""
    r = PdfFileReader(io.BytesIO(data))
    for ref in r.root['/AcroForm'].raw_get('/Fields'):
        f = ref.get_object()
        if f.get('/T') == name:
            return ref.idnum, f
    raise ValueError('no field ' + name)


# --------------------------------------------------------------------------
# An object's role is where the document structure puts it, not its own /Type.
# The page 1 content stream is redefined with the forged amount, and its
# dictionary says /Type /Annot (or /Catalog, or a widget's keys). A validator
# that takes the role from /Type files page content under annotations (which an
# approval signature and P=3 permit) or under the catalog's long-term keys.

def content_stream_update(signed, extra):
    """One update: page 1's content stream object, forged, with `extra` keys."""
    _, _, cnum, _ = A.page_info(signed)
    forged = A.page_content(signed).replace(A.AMOUNT_OP, A.FORGED_OP)
    assert FORGED_LINE in forged
    return C.append_update(signed, {cnum: C.stream_obj(forged, b' ' + extra)})


def type_from_dictionary(base, single, cert_p3, b_lta):
    how = ('{src} + a hand-written update redefining the page 1 content stream (same object '
           'number) with the amount 9.000.000 and /Type /Annot added to its dictionary')
    note = ('page 1 content stream rewritten; its new dictionary says /Type /Annot, which '
            'does not make it an annotation')
    for src, name, data in (('single-cades.pdf', 'type-annot-content-stream.pdf', single),
                            ('certified-p3.pdf', 'type-annot-content-stream-p3.pdf', cert_p3)):
        write(name, content_stream_update(data, b'/Type /Annot'))
        case(name, [R(1, 'Sig1', C.CADES, F, FF, 'other', note)], how.format(src=src))
    write('type-annot-content-stream-b-lta.pdf', content_stream_update(b_lta, b'/Type /Annot'))
    case('type-annot-content-stream-b-lta.pdf',
         [R(1, 'Sig1', C.CADES, F, FF, 'other', note),
          R(2, 'Timestamp', C.RFC3161, F, FF, 'other',
            note + '; a later change that is not long-term data fails a document timestamp '
            'as it does a signature (pyHanko\'s API finds EXTENDED_WITH_OTHER too)')],
         how.format(src='b-lta.pdf'))

    # The attacker prepares the document: the content stream's dictionary already carries
    # the keys when it is signed, so the later update only changes their values.
    _, _, cnum, _ = A.page_info(base)
    content = A.page_content(base)
    prepared_cases = (
        ('type-annot-prepared.pdf', b'/Type /Annot', b'/Type /Annot /NM (x)',
         {}, 'approval signature', 'annotations'),
        ('type-catalog-prepared-p1.pdf', b'/Type /Catalog /Version /1.7',
         b'/Type /Catalog /Version /2.0',
         dict(certify=True, perm=MDPPerm.NO_CHANGES), 'P=1 certification', 'long-term-data'),
        ('type-widget-prepared-p2.pdf', b'/Type /Annot /Subtype /Widget /DA (/Helv 10 Tf 0 g)',
         b'/Type /Annot /Subtype /Widget /DA (/Helv 12 Tf 0 g)',
         dict(certify=True, perm=MDPPerm.FILL_FORMS), 'P=2 certification', 'form-filling'),
    )
    for name, signed_keys, new_keys, kw, kind, lure in prepared_cases:
        prepared = C.append_update(base, {cnum: C.stream_obj(content, b' ' + signed_keys)})
        signed = B.sign(prepared, 'Sig1', **kw)
        write(name, content_stream_update(signed, new_keys))
        case(name, [R(1, 'Sig1', C.CADES, F, FF, 'other',
                      'page 1 content stream rewritten; its dictionary already said %s when '
                      'signed, so a role read from /Type would class the rewrite as %s, which '
                      'the signature permits' % (signed_keys.decode(), lure))],
             'attacker-prepared base.pdf whose page 1 content stream dictionary also says %s, '
             '%s by pyHanko, then a hand-written update redefining that stream with the '
             'amount 9.000.000 and %s' % (signed_keys.decode(), kind, new_keys.decode()))


# --------------------------------------------------------------------------
# A reference that was dangling when signed, filled by a later update whose other
# change to the referencing object is permitted.

def dangling_under_annots(base):
    pnum, pg, cnum, r = A.page_info(base)
    fonts = pg['/Resources'].raw_get('/Font')
    size = C.trailer_info(base)[0]['Size']
    fx = size + 20          # far above what the signing update allocates
    # Prepared: page 1 holds its resources directly, with a form XObject /Fx that names
    # an object nobody defines, and its content ends by drawing /Fx (nothing, when signed).
    page = C.pdf_str(pg)
    page = re.sub(rb'/Resources \d+ 0 R',
                  lambda m: b'/Resources << /Font ' + C.pdf_str(fonts)
                  + b' /XObject << /Fx %d 0 R >> >>' % fx, page, count=1)
    assert b'/XObject' in page
    content = A.page_content(base) + b'\nq /Fx Do Q\n'
    prepared = C.append_update(base, {pnum: page, cnum: C.stream_obj(content)})
    signed = B.sign(prepared, 'Sig1')
    assert C.trailer_info(signed)[0]['Size'] <= fx
    write('dangling-reference-signed.pdf', signed)
    case('dangling-reference-signed.pdf', [R(1, 'Sig1', C.CADES, P)],
         'attacker-prepared base.pdf whose page 1 draws a form XObject that is not defined '
         '(a dangling reference in the page\'s own /Resources), signed by pyHanko')

    # Attack: one update adds a Square annotation to page 1's /Annots (permitted after an
    # approval signature) and, in the same update, defines /Fx: a white box over the
    # amount and the forged line.
    objs = {}
    A.add_to_page1(signed, objs, fx + 1)
    objs[fx + 1] = (b'<< /Type /Annot /Subtype /Square /Rect [500 800 510 810] /F 4 '
                    b'/P %d 0 R >>' % pnum)
    f1 = C.pdf_str(fonts.get_object().raw_get('/F1'))
    draw = (b'q 1 1 1 rg 28 620 300 22 re f Q\n'
            b'BT /F1 12 Tf 0 g 31.18 626.94 Td (' + FORGED_LINE + b') Tj ET')
    objs[fx] = C.stream_obj(draw, b' /Type /XObject /Subtype /Form /BBox [0 0 595.28 841.89]'
                                  b' /Resources << /Font << /F1 ' + f1 + b' >> >>')
    write('dangling-filled-under-annots.pdf', C.append_update(signed, objs))
    case('dangling-filled-under-annots.pdf',
         [R(1, 'Sig1', C.CADES, F, FF, 'other',
            'a reference that was dangling when signed is filled with a form XObject that '
            'paints 9.000.000 over the amount; that the page also gets a permitted new '
            'annotation in the same update does not make the fill an annotation change. '
            'pyHanko stops (strict mode): the signed revision names an object it does not '
            'hold')],
         'dangling-reference-signed.pdf + a hand-written update redefining page 1 with one '
         'more annotation in /Annots and defining the dangling form XObject')


# --------------------------------------------------------------------------
# FieldMDP: the lock covers what the locked field holds, its appearance included.

def fieldmdp(base):
    w = IncrementalPdfFileWriter(io.BytesIO(base))
    meta = signers.PdfSignatureMetadata(
        field_name='Sig3', subfilter=fields.SigSeedSubFilter.PADES, md_algorithm='sha256',
        location='Ha Noi')
    spec = SigFieldSpec(sig_field_name='Sig3', on_page=1, box=B.SEAL_BOX,
                        field_mdp_spec=FieldMDPSpec(action=FieldMDPAction.INCLUDE,
                                                    fields=['so_van_ban']))
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=B.signer_for('rsa2048'), stamp_style=B.STAMP,
                      new_field_spec=spec).sign_pdf(w, output=out)
    signed = out.getvalue()
    write('fieldmdp-signed.pdf', signed)
    case('fieldmdp-signed.pdf', [R(1, 'Sig3', C.CADES, P)],
         'base.pdf, then pyHanko signs a new field Sig3 whose /Lock (FieldMDP /Include) names '
         'so_van_ban')

    # The locked field's own object is left alone; the appearance stream its /AP /N names
    # is redefined to show a value.
    _, field = text_field(signed)
    ap_num = field['/AP'].raw_get('/N').idnum
    ops = b'/Tx BMC\nBT /Helv 10 Tf 0 g 2 5 Td (9.000.000 VND) Tj ET\nEMC\n'
    ap = C.stream_obj(ops, b' /Type /XObject /Subtype /Form /BBox [0 0 220 18]'
                           b' /Resources << /Font << /Helv ' + helv_ref(signed) + b' >> >>')
    write('fieldmdp-locked-appearance.pdf', C.append_update(signed, {ap_num: ap}))
    case('fieldmdp-locked-appearance.pdf',
         [R(1, 'Sig3', C.CADES, F, FF, 'annotations',
            'the appearance stream of so_van_ban, which Sig3 locks, is redefined to show '
            '9.000.000 VND; the field object itself is unchanged, but what it shows is part '
            'of the locked field (an appearance change, failed by the lock)')],
         'fieldmdp-signed.pdf + a hand-written update redefining the appearance stream object '
         'of the locked field so_van_ban (same object number)')

    write('fieldmdp-locked-value.pdf', B.fill_text_field(signed, '9.000.000 VND'))
    case('fieldmdp-locked-value.pdf',
         [R(1, 'Sig3', C.CADES, F, FF, 'form-filling',
            'so_van_ban, which Sig3 locks, filled (value and appearance) the ordinary way; a '
            'change to a locked field is not form filling the signature permits (failed by '
            'the lock)')],
         'fieldmdp-signed.pdf, then so_van_ban filled by pyHanko\'s writer')


# --------------------------------------------------------------------------
# /NeedAppearances after a P=1 certification: the field shows its value only once a
# reader regenerates its appearance.

def need_appearances(base):
    w = IncrementalPdfFileWriter(io.BytesIO(base))
    f = next(ref.get_object() for ref in w.root['/AcroForm']['/Fields']
             if ref.get_object().get('/T') == 'so_van_ban')
    f[pdf_name('/V')] = pdf_string('9.000.000 VND')     # the appearance stays empty
    w.update_container(f)
    out = io.BytesIO()
    w.write(out)
    signed = B.sign(out.getvalue(), 'Sig1', certify=True, perm=MDPPerm.NO_CHANGES)
    write('needappearances-p1-signed.pdf', signed)
    case('needappearances-p1-signed.pdf', [R(1, 'Sig1', C.CADES, P)],
         'attacker-prepared base.pdf whose so_van_ban has the value 9.000.000 VND but an '
         'empty appearance, certified P=1 by pyHanko')

    r = PdfFileReader(io.BytesIO(signed))
    acro = r.root.raw_get('/AcroForm')
    if isinstance(acro, generic.IndirectObject):
        num, d = acro.idnum, acro.get_object()
    else:
        num, d = r.root_ref.idnum, r.root
    body = C.pdf_str(d)
    new = body.replace(b'/SigFlags', b'/NeedAppearances true /SigFlags', 1)
    assert new != body
    write('needappearances-after-p1.pdf', C.append_update(signed, {num: new}))
    case('needappearances-after-p1.pdf',
         [R(1, 'Sig1', C.CADES, F, FF, 'form-filling',
            'the update sets /AcroForm /NeedAppearances true, so readers regenerate '
            'so_van_ban\'s appearance from its value 9.000.000 VND, which the signer never '
            'saw: that changes the form, and P=1 permits no form change. pyHanko differs '
            '(ACCEPTABLE_MODIFICATIONS): its policy lets /NeedAppearances change in any '
            'update, even after P=1')],
         'needappearances-p1-signed.pdf + a hand-written update redefining the catalog with '
         '/NeedAppearances true in /AcroForm')


# --------------------------------------------------------------------------
# Valid files: /Annots and /Fields as arrays of their own (an indirect array object).

def indirect_arrays(base):
    w = IncrementalPdfFileWriter(io.BytesIO(base))
    page_ref = C.page_refs(w.prev)[0]
    pg = page_ref.get_object()
    pg[pdf_name('/Annots')] = w.add_object(generic.ArrayObject(list(pg.raw_get('/Annots'))))
    w.update_container(pg)
    acro = w.root['/AcroForm']
    acro[pdf_name('/Fields')] = w.add_object(generic.ArrayObject(list(acro.raw_get('/Fields'))))
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    # Folded into one revision by qpdf, as a producer that writes such arrays would.
    src, dst = os.path.join(OUT, '.indirect-2rev.pdf'), os.path.join(OUT, '.indirect.pdf')
    with open(src, 'wb') as f:
        f.write(out.getvalue())
    subprocess.run(['qpdf', '--object-streams=disable', '--compress-streams=n',
                    '--deterministic-id', src, dst], check=True)
    with open(dst, 'rb') as f:
        prepared = f.read()
    os.remove(src)
    os.remove(dst)
    r = PdfFileReader(io.BytesIO(prepared))
    assert isinstance(C.page_refs(r)[0].get_object().raw_get('/Annots'), generic.IndirectObject)
    assert isinstance(r.root['/AcroForm'].raw_get('/Fields'), generic.IndirectObject)
    signed = B.sign(prepared, 'Sig1')

    write('indirect-annots-then-annotation.pdf', B.add_annotation(signed))
    case('indirect-annots-then-annotation.pdf',
         [R(1, 'Sig1', C.CADES, P, changes='annotations',
            note='pyHanko differs (ILLEGAL_MODIFICATIONS): its diff policy only justifies an '
                 '/Annots array held in the page dictionary, so the rewritten array object is '
                 '"unexplained"; the update only adds a markup annotation, which an approval '
                 'signature without a lock permits')],
         'base.pdf with page 1 /Annots and /AcroForm /Fields as indirect arrays (qpdf), '
         'signed by pyHanko, then a Square annotation added by pyHanko\'s writer (which '
         'rewrites the /Annots array object)')

    write('indirect-fields-then-signature.pdf',
          B.sign(signed, 'Sig9', new_box=(300, 100, 500, 150), page=0))
    case('indirect-fields-then-signature.pdf',
         [R(1, 'Sig1', C.CADES, P, changes='form-filling'), R(2, 'Sig9', C.CADES, P)],
         'the same signed document, then pyHanko signs a new field Sig9 on page 1 (which '
         'rewrites the /Fields and /Annots array objects)')


# --------------------------------------------------------------------------
# The decompression budget of a whole document.

OBJSTM_BIG = 32 * 1024 * 1024 - 4096    # just under kyso's bound for one stream
OBJSTM_SIZES = [OBJSTM_BIG] * 8 + [4 * 1024 * 1024]     # 260 MiB in all, 256 MiB allowed


def decompression_budget(signed):
    """An update in cross-reference-stream form adding one text field per object stream;
    every stream pads its one object with spaces to its size in OBJSTM_SIZES."""
    info, r = C.trailer_info(signed)
    size = info['Size']
    n = len(OBJSTM_SIZES)
    field_nums = list(range(size, size + n))
    stm_nums = list(range(size + n, size + 2 * n))
    xref_num = size + 2 * n
    cat = C.pdf_str(r.root)
    m = re.search(rb'/Fields\s*\[([^\]]*)\]', cat)
    cat = (cat[:m.start()] + b'/Fields [' + m.group(1) + b' '
           + b' '.join(b'%d 0 R' % f for f in field_nums) + b']' + cat[m.end():])
    out = bytearray(signed)
    rows = {}
    rows[r.root_ref.idnum] = (1, len(out), 0)
    out += b'%d 0 obj\n' % r.root_ref.idnum + cat + b'\nendobj\n'
    for i, (fnum, snum, total) in enumerate(zip(field_nums, stm_nums, OBJSTM_SIZES)):
        head = b'%d 0 ' % fnum
        obj = b'<< /FT /Tx /T (phu_luc_%d) >>' % (i + 1)
        packed = zlib.compress(head + obj + b' ' * (total - len(head) - len(obj)), 9)
        rows[snum] = (1, len(out), 0)
        rows[fnum] = (2, snum, 0)
        out += (b'%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>'
                b'\nstream\n' % (snum, len(head), len(packed)) + packed + b'\nendstream\nendobj\n')
    xref_at = len(out)
    rows[xref_num] = (1, xref_at, 0)
    index, blob = [], b''
    for num in sorted(rows):
        index += [num, 1]
        t, f2, f3 = rows[num]
        blob += bytes([t]) + f2.to_bytes(4, 'big') + f3.to_bytes(2, 'big')
    blob = zlib.compress(blob)
    out += (b'%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%s] /Root %s /Info %s '
            b'/ID %s /Prev %d /Filter /FlateDecode /Length %d >>\nstream\n'
            % (xref_num, xref_num + 1, b' '.join(b'%d' % v for v in index),
               C.pdf_str(info['Root']), C.pdf_str(info['Info']), C.pdf_str(info['ID']),
               C.last_startxref(signed), len(blob))
            + blob + b'\nendstream\nendobj\n')
    out += b'startxref\n%d\n%%%%EOF\n' % xref_at
    write('objstm-decompression-budget.pdf', bytes(out))
    case('objstm-decompression-budget.pdf',
         [R('-', '-', '-', 'REFUSED', 'malformed', '-',
            'nine object streams of about 32 KB each that inflate to 260 MiB in all, over '
            'kyso\'s budget of 256 MiB decompressed per document (each stream stays under the '
            '32 MiB bound for one); the file is otherwise well formed, so the refusal is '
            'kyso\'s resource bound, not a finding about the signature. pyHanko stops too: '
            'it decodes no stream over 4 MiB')],
         'xref-stream-signed.pdf + a hand-written update (cross-reference stream) adding nine '
         'text fields to /AcroForm /Fields, each alone in an object stream padded with spaces')


def main():
    base = read('base.pdf')
    type_from_dictionary(base, read('single-cades.pdf'), read('certified-p3.pdf'),
                         read('b-lta.pdf'))
    dangling_under_annots(base)
    fieldmdp(base)
    need_appearances(base)
    indirect_arrays(base)
    decompression_budget(read('xref-stream-signed.pdf'))


if __name__ == '__main__':
    main()
