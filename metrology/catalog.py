"""Seed values of the instrument-type catalog: the common group-2 types (Circular 23/2013/TT-BKHCN as
amended by 07/2019/TT-BKHCN and 03/2024/TT-BKHCN).

These are starting data, not law in code: every seeded rule is marked `needs_checking` until an
administrator has compared it with the circular in force, and a later circular is entered as a new
rule with its own date, so verifications already made keep the cycle that applied to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LEGAL_BASIS = "Thông tư 23/2013/TT-BKHCN, sửa đổi bởi Thông tư 07/2019/TT-BKHCN và 03/2024/TT-BKHCN"
SEED_VALID_FROM = date(2013, 11, 15)


@dataclass(frozen=True)
class SeedType:
    code: str
    name: str
    cycle_months: int | None
    mpe_notes: str = ""
    periodic: bool = True
    is_reference_scale: bool = False


SEED_TYPES: tuple[SeedType, ...] = (
    SeedType("cot-do-xang-dau", "Cột đo xăng dầu", 12, "Sai số lớn nhất cho phép thường là ±0,5 %."),
    SeedType(
        "cong-to-dien-1-pha", "Công tơ điện xoay chiều 1 pha", 60, "Theo cấp chính xác ghi trên công tơ."
    ),
    SeedType(
        "cong-to-dien-3-pha", "Công tơ điện xoay chiều 3 pha", 24, "Theo cấp chính xác ghi trên công tơ."
    ),
    SeedType(
        "cong-to-tram-sac", "Công tơ điện tại trạm sạc xe điện", 12, "Theo cấp chính xác được phê duyệt mẫu."
    ),
    SeedType("dong-ho-nuoc-lanh", "Đồng hồ đo nước lạnh", 60, "Theo cấp chính xác (ISO 4064 / ĐLVN)."),
    SeedType("taximet", "Taximet", 18, "Sai số quãng đường và thời gian theo ĐLVN."),
    SeedType("do-toc-do", "Phương tiện đo tốc độ phương tiện giao thông", 24),
    SeedType("can-phan-tich", "Cân phân tích", 12, "Cấp chính xác I."),
    SeedType("can-ky-thuat", "Cân kỹ thuật", 12, "Cấp chính xác II."),
    SeedType("can-ban", "Cân bàn", 12, "Cấp chính xác III."),
    SeedType("can-dia", "Cân đĩa", 12, "Cấp chính xác IIII."),
    SeedType("can-dong-ho-lo-xo", "Cân đồng hồ lò xo", 12, "Cấp chính xác IIII."),
    SeedType("can-o-to", "Cân ô tô", 12, "Cấp chính xác III."),
    SeedType(
        "can-doi-chung",
        "Cân đối chứng tại chợ",
        12,
        "Cân dùng để người mua tự kiểm tra khối lượng hàng hóa.",
        is_reference_scale=True,
    ),
    SeedType("huyet-ap-ke", "Phương tiện đo huyết áp", 12, "Sai số ±3 mmHg (huyết áp kế)."),
    SeedType("nong-do-con", "Phương tiện đo nồng độ cồn trong hơi thở", 12),
    SeedType("ap-ke-lo-xo", "Áp kế lò xo", 12),
    SeedType("nhiet-ke-y-hoc", "Nhiệt kế y học", None, "Chỉ kiểm định ban đầu.", periodic=False),
)
