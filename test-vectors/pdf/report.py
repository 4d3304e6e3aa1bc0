"""Run pyHanko's validator on every case and write cases.tsv.

Usage: report.py OUTDIR
Each file is checked with pyHanko's command line, invoked through click in this
process (the same code as the `pyhanko` executable, without starting Python
sixty times): `pyhanko sign validate --trust root-ca.pem --trust-replace
--validation-time T FILE` (T from OUTDIR/validation-time; with a validation
time pyHanko checks no revocation), and for the long-term files also
`pyhanko sign adesverify` with the same options (revocation from the DSS).
generate.sh runs this script under `unshare -n` where the machine allows it, so
that pyHanko cannot reach the CRL and OCSP addresses the certificates name.
`validate` does not list document timestamps; those rows get the verdict of
pyHanko's API (`validate_pdf_timestamp`, no fetching, revocation not checked),
with the coverage and modification level its diff analysis found spelled as
`validate` spells them for signatures (UNTOUCHED, EXTENDED_WITH_...).
"""

import datetime as dt
import io
import json
import os
import re
import sys

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_timestamp
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

import _common as C

OUT = os.path.abspath(sys.argv[1])
ROOT = os.path.join(C.PKI, 'root-ca.pem')
with open(os.path.join(OUT, 'validation-time')) as f:
    VT = f.read().strip()

LT_FILES = {'b-lt.pdf', 'b-lta.pdf'}


def run_cli(cmd, path):
    """`pyhanko sign CMD --trust root-ca.pem --trust-replace --validation-time T PATH`,
    run through click in this process; returns ({field: status}, error or None)."""
    from click.testing import CliRunner
    from pyhanko.cli import cli_root
    args = ['sign', cmd, '--trust', ROOT, '--trust-replace', '--validation-time', VT, path]
    res = CliRunner().invoke(cli_root, args, prog_name='pyhanko', catch_exceptions=True)
    per_field = {}
    for line in res.stdout.splitlines():
        m = re.match(r'^(.*?):([0-9a-f]{64}):(.*)$', line)
        if m:
            per_field[m.group(1)] = m.group(3).strip()
    error = None
    if not per_field:
        lines = [l for l in res.stderr.splitlines() if l.strip() and not l.startswith(' ')
                 and not l.startswith('Traceback')]
        if res.exit_code == 0 and not lines:
            error = 'no signature listed'
        else:
            msg = lines[-1] if lines else f'exit {res.exit_code}: {res.exception!r}'
            msg = re.sub(r'^\S+ \S+ - \S+ - \w+ - ', '', msg)
            error = 'error: ' + msg.replace('Error: ', '').replace('\t', ' ')
            if 'Generic processing error' in error:
                error += ' (' + api_exception(path) + ')'
    return per_field, error


def api_exception(path):
    """What pyHanko's API raises where its CLI only says 'Generic processing error'."""
    from pyhanko.sign.validation import validate_pdf_signature
    try:
        with open(path, 'rb') as f:
            r = PdfFileReader(io.BytesIO(f.read()))
        for s in r.embedded_signatures:
            validate_pdf_signature(s)
        return 'API: no exception'
    except Exception as e:  # noqa: BLE001 - recorded as it is
        return f'API: {type(e).__name__}: {e}'.replace('\t', ' ')


def doc_ts_status(path, field):
    try:
        with open(path, 'rb') as f:
            r = PdfFileReader(io.BytesIO(f.read()))
        sig = next(s for s in r.embedded_timestamp_signatures if s.field_name == field)
        vc = ValidationContext(
            trust_roots=[C.load_cert(ROOT)[1]], allow_fetching=False,
            moment=dt.datetime.fromisoformat(VT.replace('Z', '+00:00')))
        st = validate_pdf_timestamp(sig, validation_context=vc)
        # summary() leaves out what the diff analysis found; name it the way `validate`
        # does for signatures (pyHanko judges no policy for a document timestamp).
        words = [st.summary()]
        if st.coverage == SignatureCoverageLevel.ENTIRE_FILE:
            words.append('UNTOUCHED')
        elif st.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
            words.append('EXTENDED_WITH_' + st.modification_level.name
                         if st.modification_level is not None else 'EXTENDED')
        else:
            words.append('NONSTANDARD_COVERAGE')
        return 'API: ' + ','.join(words)
    except StopIteration:
        return 'API: not found'
    except Exception as e:  # noqa: BLE001 - recorded as it is
        return f'API error: {type(e).__name__}: {e}'.replace('\t', ' ')


def main():
    cases = []
    with open(os.path.join(OUT, '.cases.jsonl')) as f:
        for line in f:
            cases.append(json.loads(line))
    header = ['file', 'signature', 'field', 'subfilter', 'indication',
              'sub_indication', 'changes', 'pyhanko', 'note']
    lines = ['\t'.join(header)]
    for case in cases:
        path = os.path.join(OUT, case['file'])
        v_fields, v_err = run_cli('validate', path)
        a_fields, a_err = ({}, None)
        if case['file'] in LT_FILES:
            a_fields, a_err = run_cli('adesverify', path)
        for r in case['rows']:
            if r['subfilter'] == C.RFC3161:
                ph = 'validate: not listed; ' + doc_ts_status(path, r['field'])
            elif r['signature'] == '-':
                if v_fields:
                    ph = '; '.join(f'{k}: {v}' for k, v in v_fields.items())
                else:
                    ph = v_err
            else:
                ph = v_fields.get(r['field']) or v_err or 'not listed'
                if case['file'] in LT_FILES:
                    ph = 'validate: ' + ph + '; adesverify: ' + (
                        a_fields.get(r['field']) or a_err or 'not listed')
            vals = dict(r, file=case['file'], pyhanko=ph)
            lines.append('\t'.join(str(vals[h]).replace('\t', ' ') for h in header))
    with open(os.path.join(OUT, 'cases.tsv'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
