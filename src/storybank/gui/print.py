"""Printing a story sheet: HTML from core/sheet.py -> QTextDocument -> QPrinter.

The document is laid out on the printer's own resolution and paginated by
Qt (a line is never cut at a page edge; ``page-break-before`` starts a new
page); each page gets a running header and a footer with the page number
and the date. The same function prints on paper, fills a print preview and
writes a PDF, in the window or headless.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from storybank.paths import make_private

PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
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


def setup_printer(printer: QPrinter, page_size: str, landscape: bool) -> None:
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


def render_sheet(printer: QPrinter, html: str, header: str, today: date | None = None) -> int:
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


def export_pdf(
    path: str | os.PathLike[str], html: str, header: str, *, page_size: str, landscape: bool
) -> int:
    """Write the sheet as a PDF file, atomically; return the page count.

    The PDF is written next to the target under a temporary name, flushed to
    disk and then swapped in, so a failure never leaves half a file behind.
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise OSError(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise OSError(f"the folder {folder} is not writable")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(temporary)
        printer.setCreator("Storybank")
        printer.setDocName(header)
        setup_printer(printer, page_size, landscape)
        pages = render_sheet(printer, html, header)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        make_private(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return pages
