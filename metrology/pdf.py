"""The verification certificate as a PDF, through the shared helper (tcvn_portal.reports.pdf): DejaVu Sans
for Vietnamese, a fetcher that reads only our own static files, an inline SVG QR code."""

from __future__ import annotations

from django.utils.translation import override

from tcvn_portal.reports.pdf import qr_svg, render_pdf


def certificate_pdf(verification, *, check_url: str, tenant) -> bytes:
    """The verification certificate (giấy chứng nhận kiểm định) with the QR code of its public check page,
    always in Vietnamese: it is a legal document of a Vietnamese authority."""
    with override("vi"):
        return render_pdf(
            "metrology/certificate_pdf.html",
            {
                "verification": verification,
                "instrument": verification.instrument,
                "tenant": tenant,
                "check_url": check_url,
                "qr": qr_svg(check_url),
            },
        )
