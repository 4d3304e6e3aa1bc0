"""Checks PDFs signed by kyso with independent tools: qpdf --check (structure), poppler's
pdfsig (each CAdES signature valid) and pyHanko (each signature and document timestamp
intact, valid and trusted to the test root; revocation not checked, as the files of the
tests carry none or were made against a short-lived local responder).

usage: check_signed.py FOLDER   (run with the venv of generate.sh)
Exits 1 and names the file and the tool on the first disagreement with kyso (which
passed every file before writing it).
"""
import os
import subprocess
import sys

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

HERE = os.path.dirname(os.path.abspath(__file__))
PKI = os.path.join(HERE, '..', 'pki')


def load(name):
    with open(os.path.join(PKI, name), 'rb') as f:
        data = f.read()
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def main(folder):
    root = load('root-ca.pem')
    others = [load('intermediate-ca.pem')]
    failures = []
    files = sorted(f for f in os.listdir(folder) if f.endswith('.pdf'))
    if not files:
        sys.exit('no PDF in ' + folder)
    for name in files:
        path = os.path.join(folder, name)
        qpdf = subprocess.run(['qpdf', '--check', path], capture_output=True, text=True)
        if qpdf.returncode != 0:
            failures.append(f'{name}: qpdf --check: {qpdf.stdout.strip()} {qpdf.stderr.strip()}')
        out = subprocess.run(['pdfsig', path], capture_output=True, text=True).stdout
        # Empty signature fields are listed too ("not signed"): not signatures. poppler also
        # says "not signed" of a signed field whose widget is a kid of the field (pyHanko's
        # own files of that shape get the same): counted apart, noted, not a failure.
        listed = out.split('Signature #')[1:]
        blocks = [b for b in listed if 'not signed' not in b]
        for i, block in enumerate(blocks, 1):
            if 'ETSI.CAdES.detached' in block and 'Signature is Valid.' not in block:
                failures.append(f'{name}: pdfsig: signature {i} not valid:\n{block}')
        with open(path, 'rb') as f:
            try:
                reader = PdfFileReader(f)
                sigs = reader.embedded_signatures
            except Exception as e:  # a file pyHanko cannot read is a failure, not a crash
                failures.append(f'{name}: pyHanko cannot read it: {e!r}')
                continue
            if len(sigs) != len(blocks):
                if len(sigs) == len(listed):
                    print(f'{name}: pdfsig lists {len(listed) - len(blocks)} signed field(s) as '
                          'not signed (a widget kid: a poppler limitation)')
                else:
                    failures.append(f'{name}: pyHanko sees {len(sigs)} signatures, pdfsig {len(blocks)}')
            for sig in sigs:
                vc = ValidationContext(trust_roots=[root], other_certs=others,
                                       allow_fetching=False, revocation_mode='soft-fail')
                if sig.sig_object_type == '/DocTimeStamp':
                    status = validate_pdf_timestamp(sig, validation_context=vc)
                    ok = status.intact and status.valid and status.trusted
                else:
                    status = validate_pdf_signature(sig, signer_validation_context=vc)
                    ok = status.bottom_line
                print(f'{name}: {sig.field_name}: pyHanko {"VALID" if ok else "NOT VALID"}'
                      f' ({status.modification_level})')
                if not ok:
                    failures.append(f'{name}: pyHanko: {sig.field_name}:\n{status.pretty_print_details()}')
    for f in failures:
        print(f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main(sys.argv[1])
