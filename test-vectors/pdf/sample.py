"""An unsigned one-page Vietnamese official letter (công văn) to sign.

Usage: sample.py [OUTDIR]     (default: the directory of this script)
Writes OUTDIR/sample-cong-van.pdf and OUTDIR/sample-cong-van.rect.

Signature space, in PDF user space (points, origin bottom left, page 1):

    x1=340, y1=150, x2=520, y2=230      (the .rect file: "340,150,520,230")

Nothing is drawn inside that rectangle; "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" sit
above it and the signer's name just below y1. The page is A4 portrait
(595.28 x 841.89 pt) and the text uses the Liberation Serif file that the
library ships, so the Vietnamese diacritics come out right. Only one weight of
that font is bundled: headings are made bold by also stroking the glyph
outlines, and italics by skewing the text.

The output is the same bytes on every run with the same fpdf2 and fontTools:
the creation date is pinned, the producer and creator are fixed strings, no
XMP packet is written (that one would carry the current time), fpdf2's font
subset prefix is a constant, and the trailer /ID is fpdf2's MD5 of the
finished body plus the pinned date.
"""

import contextlib
import datetime as dt
import os
import sys

from fpdf import FPDF

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = os.path.join(HERE, '..', '..', 'src', 'pdf', 'fonts', 'LiberationSerif-Regular.ttf')

PAGE_W, PAGE_H = 595.28, 841.89
SIG_RECT = (340, 150, 520, 230)  # x1, y1, x2, y2 in PDF user space
ITALIC_ANGLE = 12  # degrees of slant for the faux italic
FIXED_DATE = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.timezone.utc)

# Vietnamese administrative layout: 30 mm left, 20 mm right margin for the body.
BODY_LEFT = 85.0
BODY_RIGHT = PAGE_W - 56.7
# The two header columns: issuing agency on the left, national motto right.
LEFT_COL = (40.0, 240.0)   # x, width
RIGHT_COL = (270.0, 300.0)

PARAGRAPHS = [
    'Thực hiện Kế hoạch chuyển đổi số năm 2026 của Ủy ban nhân dân tỉnh Mẫu, '
    'Sở Thông tin và Truyền thông tổ chức thử nghiệm ký số văn bản điện tử tại '
    'các phòng, đơn vị trực thuộc Sở từ ngày 05 tháng 01 năm 2026 đến hết ngày '
    '31 tháng 3 năm 2026.',
    'Trong thời gian thử nghiệm, văn bản đi được ký bằng chữ ký số của người có '
    'thẩm quyền và chữ ký số của cơ quan; bản giấy chỉ phát hành khi có yêu cầu. '
    'Đơn vị tiếp nhận kiểm tra tính hợp lệ của chữ ký số, dấu thời gian và '
    'chứng thư số trước khi xử lý văn bản đến.',
    'Đề nghị các phòng, đơn vị cử cán bộ đầu mối, tổng hợp những khó khăn, '
    'vướng mắc (nếu có) và gửi về Văn phòng Sở trước ngày 15 tháng 4 năm 2026 '
    'để báo cáo Ủy ban nhân dân tỉnh./.',
]


def top(y_pdf):
    """fpdf2 measures y from the top of the page, PDF from the bottom."""
    return PAGE_H - y_pdf


class Letter(FPDF):
    @contextlib.contextmanager
    def style(self, size, bold=False, italic=False, skew_x=0.0, skew_y=0.0):
        """Text drawn inside runs in its own graphics state (q ... Q).

        Bold fills and strokes the outlines of the regular face; italic skews
        the text about (skew_x, skew_y). The text render mode is part of the
        graphics state, so leaving the block restores plain filled text.
        """
        self.set_font('serif', '', size)
        with contextlib.ExitStack() as stack:
            if bold:
                stack.enter_context(self.local_context(
                    text_mode='FILL_STROKE', line_width=0.03 * size))
            if italic:
                stack.enter_context(self.skew(ax=ITALIC_ANGLE, x=skew_x, y=skew_y))
            yield

    def centred(self, col, y, text, size, bold=False, italic=False, h=None):
        """One line centred in the column (x, width) with its top at y."""
        x, w = col
        h = h or size * 1.25
        with self.style(size, bold, italic, x + w / 2, y + h * 0.75):
            self.set_xy(x, y)
            self.cell(w, h, text, align='C')
        return y + h

    def rule_under(self, col, y, length):
        """A centred horizontal rule of `length` points at height y."""
        x, w = col
        self.set_line_width(0.6)
        self.line(x + (w - length) / 2, y, x + (w + length) / 2, y)

    def left_line(self, x, y, text, size, bold=False, italic=False):
        h = size * 1.25
        with self.style(size, bold, italic, x, y + h * 0.75):
            self.set_xy(x, y)
            self.cell(0, h, text)
        return y + h


def build():
    pdf = Letter(orientation='P', unit='pt', format=(PAGE_W, PAGE_H))
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_producer('kyso test-vectors/pdf/sample.py')
    pdf.set_creator('kyso test-vectors/pdf/sample.py')
    pdf.set_title('Công văn số 123/STTTT-VP')
    pdf.set_subject('V/v thử nghiệm ký số văn bản điện tử')
    pdf.set_author('Sở Thông tin và Truyền thông tỉnh Mẫu (mẫu thử)')
    pdf.set_lang('vi-VN')
    pdf.set_auto_page_break(False)
    pdf.set_margins(BODY_LEFT, 56.7, PAGE_W - BODY_RIGHT)
    pdf.add_font('serif', '', FONT)
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.add_page()

    # Header: agency on the left, national title and motto on the right.
    y = 48.0
    y_left = pdf.centred(LEFT_COL, y, 'ỦY BAN NHÂN DÂN TỈNH MẪU', 12)
    y_left = pdf.centred(LEFT_COL, y_left, 'SỞ THÔNG TIN VÀ TRUYỀN THÔNG', 12, bold=True)
    pdf.rule_under(LEFT_COL, y_left + 2, 70)
    y_right = pdf.centred(RIGHT_COL, y, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 12, bold=True)
    y_right = pdf.centred(RIGHT_COL, y_right, 'Độc lập - Tự do - Hạnh phúc', 13, bold=True)
    pdf.set_font('serif', '', 13)
    pdf.rule_under(RIGHT_COL, y_right + 2, pdf.get_string_width('Độc lập - Tự do - Hạnh phúc'))

    # Number and subject on the left, place and date on the right.
    y = max(y_left, y_right) + 16
    y_left = pdf.centred(LEFT_COL, y, 'Số: 123/STTTT-VP', 12.5)
    pdf.centred(LEFT_COL, y_left + 2, 'V/v thử nghiệm ký số văn bản điện tử', 11.5)
    pdf.centred(RIGHT_COL, y, 'Mẫu, ngày 05 tháng 01 năm 2026', 12.5, italic=True)

    # Addressee.
    y = y_left + 44
    pdf.centred((BODY_LEFT, BODY_RIGHT - BODY_LEFT), y,
                'Kính gửi: Các phòng, đơn vị trực thuộc Sở.', 13)

    # Body, justified, with a first-line indent.
    pdf.set_y(y + 34)
    pdf.set_font('serif', '', 14)
    with pdf.text_columns(text_align='J', line_height=1.45,
                          l_margin=BODY_LEFT, r_margin=PAGE_W - BODY_RIGHT) as cols:
        for text in PARAGRAPHS:
            with cols.paragraph(first_line_indent=28, bottom_margin=6) as par:
                par.write(text)
    body_bottom = pdf.get_y()

    # Signature block on the right: titles above the empty rectangle, the
    # signer's name just below it.
    x1, y1, x2, y2 = SIG_RECT
    sig_col = (x1, x2 - x1)
    y = top(y2) - 2 * 16.0 - 6
    y = pdf.centred(sig_col, y, 'KT. GIÁM ĐỐC', 12.5, bold=True, h=16)
    pdf.centred(sig_col, y, 'PHÓ GIÁM ĐỐC', 12.5, bold=True, h=16)
    pdf.centred(sig_col, top(y1) + 4, 'Nguyễn Văn An', 13, bold=True, h=16)

    # Recipients at the bottom left, level with the signature titles.
    y = top(y2) - 2 * 16.0 - 6
    y = pdf.left_line(BODY_LEFT, y, 'Nơi nhận:', 12, bold=True, italic=True)
    y = pdf.left_line(BODY_LEFT, y, '- Như trên;', 11)
    pdf.left_line(BODY_LEFT, y, '- Lưu: VT, VP.', 11)

    assert body_bottom < top(y2) - 2 * 16.0 - 12, body_bottom
    return bytes(pdf.output())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    os.makedirs(out, exist_ok=True)
    data = build()
    with open(os.path.join(out, 'sample-cong-van.pdf'), 'wb') as f:
        f.write(data)
    with open(os.path.join(out, 'sample-cong-van.rect'), 'w', encoding='ascii', newline='\n') as f:
        f.write(','.join(str(v) for v in SIG_RECT) + '\n')
    print(f'sample-cong-van.pdf: {len(data)} bytes, signature space {SIG_RECT}')


if __name__ == '__main__':
    main()
