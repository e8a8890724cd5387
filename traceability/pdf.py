"""Traceability PDFs use the shared helper (tcvn_portal.reports.pdf): DejaVu Sans for Vietnamese, a
fetcher that reads only our own static files, and inline SVG QR codes."""

from tcvn_portal.reports.pdf import PDF_FONT_CSS, qr_svg, render_pdf

__all__ = ["PDF_FONT_CSS", "qr_svg", "render_pdf"]
