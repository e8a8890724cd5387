"""The legal tables a new province starts with. Administrators edit them afterwards; the code reads only
the tenant's rows, never this module.

Tolerable deficiencies and sampling plans: OIML R 87 as adopted in Vietnam (Circular 21/2014/TT-BKHCN).
The legal-basis rows follow Decree 119/2017/NĐ-CP as amended by Decree 126/2021/NĐ-CP; their articles and
fine ranges are a starting point to be checked against the decree in force before the first sanction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

OIML_R87_IN_FORCE = date(2014, 9, 1)
DECREE_126_IN_FORCE = date(2022, 1, 1)

# (Qn above, Qn up to, T in %, T absolute)
TOLERANCE_BANDS = [
    (D(0), D(50), D(9), None),
    (D(50), D(100), None, D("4.5")),
    (D(100), D(200), D("4.5"), None),
    (D(200), D(300), None, D(9)),
    (D(300), D(500), D(3), None),
    (D(500), D(1000), None, D(15)),
    (D(1000), D(10000), D("1.5"), None),
    (D(10000), D(15000), None, D(150)),
    (D(15000), D(50000), D(1), None),
]

# (lot from, lot to, sample size, packages allowed short by more than T, k). Lots under 100 packages
# follow the plan in the catalog in force; an administrator adds those rows.
SAMPLING_PLANS = [
    (100, 500, 50, 3, D("0.379")),
    (501, 3200, 80, 5, D("0.295")),
    (3201, None, 125, 7, D("0.234")),
]

# (decree, article, clause, point, act, fine min, fine max)
LEGAL_BASES = [
    (
        "119/2017/NĐ-CP",
        "21",
        "2",
        "a",
        "Sản xuất, nhập khẩu, kinh doanh hàng hóa không có nhãn hoặc nhãn không ghi đủ nội dung bắt buộc",
        D(3_000_000),
        D(5_000_000),
    ),
    (
        "119/2017/NĐ-CP",
        "19",
        "1",
        "",
        "Kinh doanh hàng đóng gói sẵn có lượng thiếu vượt quá giới hạn cho phép",
        D(5_000_000),
        D(10_000_000),
    ),
    (
        "119/2017/NĐ-CP",
        "8",
        "2",
        "a",
        "Sử dụng phương tiện đo nhóm 2 không được kiểm định hoặc quá hạn kiểm định",
        D(1_000_000),
        D(3_000_000),
    ),
    (
        "119/2017/NĐ-CP",
        "8",
        "4",
        "b",
        "Làm thay đổi cấu trúc, đặc tính kỹ thuật đo lường của cột đo xăng dầu gây sai lệch kết quả đo",
        D(30_000_000),
        D(50_000_000),
    ),
    (
        "119/2017/NĐ-CP",
        "24",
        "2",
        "",
        "Kinh doanh vàng trang sức, mỹ nghệ không công bố hoặc ghi sai hàm lượng vàng",
        D(10_000_000),
        D(15_000_000),
    ),
    (
        "119/2017/NĐ-CP",
        "16",
        "1",
        "",
        "Kinh doanh hàng hóa không phù hợp với tiêu chuẩn công bố áp dụng",
        D(2_000_000),
        D(5_000_000),
    ),
]

CHECKLISTS = {
    "goods_quality": [
        "Hàng hóa có tiêu chuẩn công bố áp dụng và tài liệu kèm theo",
        "Hàng hóa thuộc nhóm 2 có dấu hợp quy (CR) và giấy chứng nhận hợp quy",
        "Không phát hiện hàng hóa có dấu hiệu kém chất lượng",
    ],
    "labelling": [
        "Nhãn có tên hàng hóa, tên và địa chỉ tổ chức chịu trách nhiệm",
        "Nhãn ghi xuất xứ hàng hóa",
        "Nhãn ghi định lượng, ngày sản xuất và hạn sử dụng",
        "Hàng nhập khẩu có nhãn phụ bằng tiếng Việt",
    ],
    "prepackaged": [
        "Lượng danh định ghi trên nhãn đúng quy định",
        "Có bố trí phương tiện đo để kiểm soát lượng hàng đóng gói sẵn",
        "Có kết quả tự kiểm tra lượng của lô hàng",
    ],
    "measurement": [
        "Phương tiện đo nhóm 2 có tem, giấy chứng nhận kiểm định còn hiệu lực",
        "Dấu niêm phong, kẹp chì còn nguyên vẹn",
        "Sai số phép đo trong phạm vi cho phép",
    ],
    "fuel": [
        "Cột đo xăng dầu có tem kiểm định còn hiệu lực",
        "Niêm phong của cột đo còn nguyên vẹn",
        "Chất lượng xăng dầu phù hợp quy chuẩn kỹ thuật",
        "Có niêm yết giá và chứng từ nguồn gốc xăng dầu",
    ],
    "gold": [
        "Vàng trang sức có công bố và ghi nhãn hàm lượng vàng",
        "Cân dùng trong mua bán vàng được kiểm định",
        "Hàm lượng vàng đo thực tế phù hợp hàm lượng công bố",
    ],
    "conformity": [
        "Sản phẩm phù hợp tiêu chuẩn công bố áp dụng",
        "Sản phẩm phù hợp quy chuẩn kỹ thuật tương ứng",
        "Có hồ sơ công bố hợp chuẩn, hợp quy",
    ],
}
