"""The two criteria sets SPEC §3.3 names, as seed data an administrator can edit afterwards.

Circular 27/2019/TT-BKHCN: the seven Baldrige criteria with their maxima (120, 85, 85, 90, 85, 85, 450).
The split of each criterion into items follows the Baldrige framework; check it against the circular in
force before a round uses it. Decree 37/2026/NĐ-CP: two criteria groups whose detailed split an
administrator enters when it is issued, so it is seeded as a draft without items.
"""

from __future__ import annotations

from datetime import date

P, R = "process", "results"

CIRCULAR_27_2019 = {
    "name": "Tiêu chí Giải thưởng Chất lượng Quốc gia",
    "legal_basis": "Thông tư 27/2019/TT-BKHCN",
    "version": "2019",
    "valid_from": date(2020, 1, 1),
    "criteria": [
        (
            1,
            "Lãnh đạo",
            [("1.1", "Lãnh đạo cấp cao", 70, P), ("1.2", "Quản trị và trách nhiệm xã hội", 50, P)],
        ),
        (2, "Chiến lược", [("2.1", "Xây dựng chiến lược", 45, P), ("2.2", "Triển khai chiến lược", 40, P)]),
        (3, "Khách hàng", [("3.1", "Lắng nghe khách hàng", 40, P), ("3.2", "Gắn kết khách hàng", 45, P)]),
        (
            4,
            "Đo lường, phân tích và quản lý tri thức",
            [
                ("4.1", "Đo lường, phân tích và cải tiến kết quả hoạt động", 45, P),
                ("4.2", "Quản lý thông tin và tri thức", 45, P),
            ],
        ),
        (
            5,
            "Nguồn nhân lực",
            [("5.1", "Môi trường làm việc", 40, P), ("5.2", "Gắn kết người lao động", 45, P)],
        ),
        (6, "Hoạt động", [("6.1", "Quá trình làm việc", 45, P), ("6.2", "Hiệu quả hoạt động", 40, P)]),
        (
            7,
            "Kết quả",
            [
                ("7.1", "Kết quả về sản phẩm và quá trình", 120, R),
                ("7.2", "Kết quả về khách hàng", 80, R),
                ("7.3", "Kết quả về nguồn nhân lực", 80, R),
                ("7.4", "Kết quả về lãnh đạo và quản trị", 80, R),
                ("7.5", "Kết quả về tài chính, thị trường và chiến lược", 90, R),
            ],
        ),
    ],
    "published": True,
}

DECREE_37_2026 = {
    "name": "Tiêu chí Giải thưởng Chất lượng Quốc gia",
    "legal_basis": "Nghị định 37/2026/NĐ-CP",
    "version": "2026",
    "valid_from": None,
    "criteria": [
        (1, "Quản trị theo bảy khía cạnh của mô hình Baldrige", []),
        (2, "Chất lượng, độ tin cậy và tính độc đáo của sản phẩm", []),
    ],
    "published": False,
}

CRITERIA_SETS = (CIRCULAR_27_2019, DECREE_37_2026)
