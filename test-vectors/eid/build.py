#!/usr/bin/env python3
"""DER helper for test-vectors/eid/generate.sh: writes synthetic chip data groups and the
LDSSecurityObjects that OpenSSL then signs. Only the standard library.

Usage:
  build.py dg OUTDIR                      DG1 (TD1 and TD3), DG2, DG13 (and a tampered DG13)
  build.py lds OUT HASH VERSION DG...     an LDSSecurityObject over the given DG files
  build.py wrap IN OUT                    EF.SOD: application tag 77 around a ContentInfo
  build.py masterlist OUT CERT.der...     a CscaMasterList (version 0, SET OF Certificate)
"""
import hashlib
import sys


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, value):
    return bytes(tag) + length(len(value)) + value


def integer(n):
    b = n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big")
    return tlv([0x02], b)


def oid(dotted):
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray([parts[0] * 40 + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        out.extend(chunk)
    return tlv([0x06], bytes(out))


def utf8(s):
    return tlv([0x0C], s.encode("utf-8"))


def seq(*items):
    return tlv([0x30], b"".join(items))


def check_digit(field):
    total = 0
    for i, c in enumerate(field):
        if c.isdigit():
            v = int(c)
        elif c == "<":
            v = 0
        else:
            v = ord(c) - ord("A") + 10
        total += v * [7, 3, 1][i % 3]
    return str(total % 10)


def td1():
    number = "099012345"
    optional1 = "001099012345".ljust(15, "<")
    line1 = "IDVNM" + number + check_digit(number) + optional1
    dob, expiry = "990815", "390815"
    optional2 = "<" * 11
    line2 = dob + check_digit(dob) + "F" + expiry + check_digit(expiry) + "VNM" + optional2
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    line2 += check_digit(composite)
    line3 = "NGUYEN<<THI<HONG<NHUNG".ljust(30, "<")
    assert len(line1) == len(line2) == len(line3) == 30
    return line1 + line2 + line3


def td3():
    line1 = "P<VNMTRAN<<MINH<DUC".ljust(44, "<")
    number, dob, expiry = "C1234567<", "850301", "350301"
    optional = "001085005678<<"
    line2 = (number + check_digit(number) + "VNM" + dob + check_digit(dob) + "M" + expiry
             + check_digit(expiry) + optional + check_digit(optional))
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    line2 += check_digit(composite)
    assert len(line1) == len(line2) == 44
    return line1 + line2


def dg1(mrz):
    return tlv([0x61], tlv([0x5F, 0x1F], mrz.encode("ascii")))


def dg13(name="Nguyễn Thị Hồng Nhung"):
    fields = [
        (1, [utf8("001099012345")]),
        (2, [utf8(name)]),
        (3, [utf8("15/08/1999")]),
        (4, [utf8("Nữ")]),
        (5, [utf8("Việt Nam")]),
        (6, [utf8("Kinh")]),
        (7, [utf8("Không")]),
        (8, [utf8("Xã Đông Hội, Huyện Đông Anh, Hà Nội")]),
        (9, [utf8("Số 12 Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội")]),
        (10, [utf8("Nốt ruồi C:1cm trên trước mép phải")]),
        (11, [utf8("10/05/2021")]),
        (12, [utf8("15/08/2039")]),
        (13, [seq(utf8("Nguyễn Văn Bình"), utf8("Trần Thị Lan"))]),
        (16, [utf8("012345678")]),
        (20, [utf8("a field kyso does not know")]),
    ]
    return tlv([0x6D], b"".join(seq(integer(n), *v) for n, v in fields))


def lds(out, hash_name, version, dg_files):
    algos = {"sha256": "2.16.840.1.101.3.4.2.1", "sha512": "2.16.840.1.101.3.4.2.3",
             "sha1": "1.3.14.3.2.26"}
    hashes = []
    for f in dg_files:
        number = int(f.split("dg")[-1].split(".")[0].split("-")[0])
        data = open(f, "rb").read()
        h = hashlib.new(hash_name, data).digest()
        hashes.append(seq(integer(number), tlv([0x04], h)))
    items = [integer(int(version)), seq(oid(algos[hash_name])), seq(*hashes)]
    if version == "1":
        items.append(seq(tlv([0x13], b"0108"), tlv([0x13], b"040000")))
    open(out, "wb").write(seq(*items))


def main():
    cmd = sys.argv[1]
    if cmd == "dg":
        out = sys.argv[2]
        open(f"{out}/cccd-dg1.bin", "wb").write(dg1(td1()))
        open(f"{out}/passport-dg1.bin", "wb").write(dg1(td3()))
        open(f"{out}/cccd-dg2.bin", "wb").write(tlv([0x75], b"synthetic face image " * 40))
        open(f"{out}/passport-dg2.bin", "wb").write(tlv([0x75], b"another face image " * 40))
        open(f"{out}/cccd-dg13.bin", "wb").write(dg13())
        open(f"{out}/cccd-dg13-tampered.bin", "wb").write(dg13("Nguyễn Thị Hồng Nhưng"))
    elif cmd == "lds":
        lds(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif cmd == "masterlist":
        certs = sorted(open(f, "rb").read() for f in sys.argv[3:])
        open(sys.argv[2], "wb").write(seq(integer(0), tlv([0x31], b"".join(certs))))
    elif cmd == "wrap":
        data = open(sys.argv[2], "rb").read()
        open(sys.argv[3], "wb").write(tlv([0x77], data))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
