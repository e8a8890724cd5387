"""iso_qms documents render through the shared helper (tcvn_portal.reports.pdf): DejaVu Sans for
Vietnamese, `{{ pdf_font_css }}` in the template's style, and a fetcher that reads only our static files."""

from tcvn_portal.reports.pdf import render_pdf

__all__ = ["render_pdf"]
