"""Canonical forms of the inputs in input/, written by two canonicalisers kyso does not share
code with: xmlsec1 (libxmlsec over libxml2, reached the way a signature verifier reaches
it) and lxml (libxml2 through Python).

For every input, the whole document ("doc") and each element with an unqualified Id
attribute are canonicalised with Canonical XML 1.0 and Exclusive XML Canonicalization 1.0,
each with and without comments, plus the exclusive method with the InclusiveNamespaces
prefix lists PREFIX_LISTS names.

- xmlsec1/<input>.<target>.<method>.xml: xmlsec1 signs a copy of the input that carries a
  signature template as the first child of the document element. Its one reference selects
  the whole document ("#xpointer(/)", comments kept), an XPath filter keeps the target's
  subtree (or everything) less the template itself, and the method is the reference's last
  transform. `--store-references --print-debug` prints the bytes digested.
- lxml/<input>.doc.<method>.xml: lxml's `tostring(method="c14n")` of the whole document.
  (lxml canonicalises an element as if it were a document of its own, which is not the
  subset a reference selects, so only whole documents are taken from it.)

Usage: python generate.py OUT_DIR   (needs lxml and xmlsec1 on the PATH)
"""
import os
import subprocess
import sys
import tempfile

from lxml import etree

DSIG = "http://www.w3.org/2000/09/xmldsig#"
EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
METHODS = {
    "c14n": (C14N, False, None),
    "c14n-comments": (C14N + "#WithComments", True, None),
    "exc": (EXC, False, None),
    "exc-comments": (EXC + "WithComments", True, None),
}
PREFIX_LISTS = {
    "exclusive.xml": {"exc-n2": "n2", "exc-n0-n4": "n0 n4", "exc-default": "#default"},
    "namespaces.xml": {"exc-b-unused": "b unused"},
}
TEMPLATE = """<ds:Signature xmlns:ds="{dsig}" Id="kyso-template"><ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="{c14n}"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference URI="#xpointer(/)"><ds:Transforms>
<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath>{xpath}</ds:XPath></ds:Transform>
<ds:Transform Algorithm="{method}">{prefixes}</ds:Transform>
</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>
</ds:SignedInfo><ds:SignatureValue/></ds:Signature>"""
START = b"== PreDigest data - start buffer:\n"
END = b"\n== PreDigest data - end buffer"


def xmlsec1_form(tree, target, method, prefix_list, key, tmp):
    keep = "not(ancestor-or-self::ds:Signature[@Id='kyso-template'])"
    if target != "doc":
        keep = f"ancestor-or-self::*[@Id='{target}'] and {keep}"
    prefixes = ""
    if prefix_list is not None:
        prefixes = f'<ec:InclusiveNamespaces xmlns:ec="{EXC}" PrefixList="{prefix_list}"/>'
    template = etree.fromstring(TEMPLATE.format(dsig=DSIG, c14n=C14N, xpath=keep,
                                                method=method, prefixes=prefixes))
    doc = etree.fromstring(etree.tostring(tree))
    doc.insert(0, template)
    # The copy keeps the comments and processing instructions around the document element.
    path = os.path.join(tmp, "in.xml")
    etree.ElementTree(doc).write(path, encoding="UTF-8", xml_declaration=True)
    run = subprocess.run(["xmlsec1", "--sign", "--privkey-pem", key, "--store-references",
                          "--print-debug", path], capture_output=True, check=True)
    out = run.stdout
    start = out.index(START) + len(START)
    return out[start:out.index(END, start)]


def main(out):
    here = os.path.dirname(os.path.abspath(__file__))
    inputs = os.path.join(here, "input")
    for sub in ("xmlsec1", "lxml"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    with tempfile.TemporaryDirectory() as tmp:
        key = os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "genrsa", "-out", key, "2048"], check=True,
                       capture_output=True)
        for name in sorted(os.listdir(inputs)):
            tree = etree.parse(os.path.join(inputs, name), parser)
            targets = ["doc"] + [el.get("Id") for el in tree.getroot().iter(etree.Element)
                                 if el.get("Id") is not None]
            methods = dict(METHODS)
            for label, prefixes in PREFIX_LISTS.get(name, {}).items():
                methods[label] = (EXC, False, prefixes)
            for target in targets:
                for label, (method, comments, prefixes) in methods.items():
                    data = xmlsec1_form(tree, target, method, prefixes, key, tmp)
                    with open(os.path.join(out, "xmlsec1", f"{name}.{target}.{label}.xml"),
                              "wb") as f:
                        f.write(data)
            for label, (method, comments, prefixes) in methods.items():
                if prefixes is not None and "#default" in prefixes.split():
                    # lxml takes prefixes only: it has no spelling for the default namespace.
                    continue
                kw = dict(exclusive=method.startswith(EXC), with_comments=comments)
                if prefixes is not None:
                    kw["inclusive_ns_prefixes"] = prefixes.split()
                with open(os.path.join(out, "lxml", f"{name}.doc.{label}.xml"), "wb") as f:
                    f.write(etree.tostring(tree, method="c14n", **kw))


if __name__ == "__main__":
    main(sys.argv[1])
