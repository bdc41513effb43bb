"""Printing a story sheet: HTML from core/sheet.py -> QTextDocument -> a paged device.

The document is laid out on the device's own resolution and paginated by
Qt (a line is never cut at a page edge; ``page-break-before`` starts a new
page; a table without a header row that fits on a page is not split, so a row
of cheat-sheet cards stays whole); each page gets a running header and a footer with the page number
and the date. The same function prints on paper (a QPrinter), fills a print
preview and writes a PDF (a QPdfWriter), in the window or headless.

A PDF never touches QPrinter: creating one asks the print service (CUPS)
for its printers over the network, and a PDF needs no printer.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLocale, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextFormat,
    QTextTable,
)

from storybank.core.transfer.files import write_atomic

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
#: Dots per inch of an exported PDF (what QPrinter's high resolution gave).
PDF_DPI = 1200
#: Countries that use US Letter paper by default.
_LETTER_TERRITORIES = {
    QLocale.Country.UnitedStates,
    QLocale.Country.Canada,
    QLocale.Country.Mexico,
    QLocale.Country.Chile,
    QLocale.Country.Colombia,
    QLocale.Country.Philippines,
    QLocale.Country.Venezuela,
}
MARGIN_MM = 15
BODY_FONT_PT = 10


def default_page_size(locale: QLocale | None = None) -> str:
    """A4, or Letter where the locale's country uses it."""
    territory = (locale or QLocale.system()).territory()
    return "Letter" if territory in _LETTER_TERRITORIES else "A4"


def setup_printer(printer: QPagedPaintDevice, page_size: str, landscape: bool) -> None:
    """Paper size, orientation and margins for a sheet."""
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    layout = QPageLayout(
        QPageSize(PAGE_SIZES.get(page_size, QPageSize.PageSizeId.A4)),
        orientation,
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
        QPageLayout.Unit.Millimeter,
    )
    printer.setPageLayout(layout)


def keep_tables_whole(document: QTextDocument) -> int:
    """Start on a new page each top-level table without a header row that would
    cross a page edge but fits on one page; return how many were moved.

    Qt splits a table between two rows, or inside a row; a table with a
    header row (the matrix) repeats it on each page and may split, one without
    (a row of cheat-sheet cards) is kept whole. Call after the page size is set.
    """
    height = document.pageSize().height()
    if height <= 0:
        return 0
    layout = document.documentLayout()
    moved = 0
    for frame in document.rootFrame().childFrames():
        if not isinstance(frame, QTextTable) or frame.format().headerRowCount() > 0:
            continue
        document.pageCount()  # lays out what a moved table shifted
        box = layout.frameBoundingRect(frame)
        first, last = int(box.top() // height), int((box.bottom() - 1) // height)
        if first != last and box.height() <= height:
            table_format = frame.format()
            table_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            frame.setFormat(table_format)
            moved += 1
    return moved


def render_sheet(
    printer: QPrinter | QPdfWriter, html: str, header: str, today: date | None = None
) -> int:
    """Paint the sheet onto ``printer`` (paper, preview or PDF); return the page count."""
    today = today or date.today()
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be opened (is the output path writable?)")
    try:
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        dpi = printer.resolution()
        band = dpi * 0.32  # header and footer bands, about 8 mm each
        body = QRectF(0, band, page.width(), page.height() - 2 * band)
        document = QTextDocument()
        document.documentLayout().setPaintDevice(printer)
        font = QFont("DejaVu Sans")
        font.setPointSizeF(BODY_FONT_PT)
        document.setDefaultFont(font)
        document.setDocumentMargin(0)
        document.setHtml(html)
        document.setPageSize(QSizeF(body.width(), body.height()))
        keep_tables_whole(document)
        count = max(1, document.pageCount())
        small = QFont("DejaVu Sans")
        small.setPointSizeF(8)
        muted = QColor("#666666")
        for index in range(count):
            if index:
                printer.newPage()
            painter.save()
            painter.setFont(small)
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, 0, page.width(), band * 0.7),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                header,
            )
            painter.drawLine(0, int(band * 0.8), int(page.width()), int(band * 0.8))
            footer = QRectF(0, page.height() - band * 0.7, page.width(), band * 0.7)
            painter.drawText(
                footer, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, today.isoformat()
            )
            painter.drawText(
                footer,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                f"Page {index + 1} of {count}",
            )
            painter.restore()
            painter.save()
            painter.translate(body.left(), body.top() - index * body.height())
            document.drawContents(
                painter, QRectF(0, index * body.height(), body.width(), body.height())
            )
            painter.restore()
        return count
    finally:
        painter.end()


def pdf_bytes(html: str, header: str, *, page_size: str, landscape: bool) -> tuple[bytes, int]:
    """The sheet as the bytes of a PDF file, made in memory; and its page count."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_DPI)
    writer.setCreator("Storybank")
    writer.setTitle(header)
    setup_printer(writer, page_size, landscape)
    pages = render_sheet(writer, html, header)  # the PDF is complete when its painter ends
    buffer.close()
    content = bytes(data.data())
    # QPdfWriter reports no errors: check that a whole PDF came out.
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-64:]:
        raise OSError("the PDF could not be made")
    return content, pages


def export_pdf(
    path: str | os.PathLike[str], html: str, header: str, *, page_size: str, landscape: bool
) -> int:
    """Write the sheet as a PDF file, atomically; return the page count.

    The PDF is made in memory, then written under a short temporary name
    beside the target, flushed to disk and swapped in: a full disk or any
    other failure raises OSError and leaves the old file as it was.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise OSError(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OSError(f"the folder {folder} is not writable")
    content, pages = pdf_bytes(html, header, page_size=page_size, landscape=landscape)
    write_atomic(target, content)
    return pages
