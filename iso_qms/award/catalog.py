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

# Baldrige scoring guidelines, one table per kind of item: a process item is judged on its approach,
# deployment, learning and integration; a results item on its levels, trends, comparisons and
# integration. Seeded with each criteria set and copied to its new versions; edit per set.
BAND_GUIDANCE = {
    P: [
        (
            0,
            5,
            "Chưa có cách tiếp cận có hệ thống, thông tin chỉ mang tính kể lại; hầu như chưa triển khai; "
            "chưa có cải tiến, hoạt động mang tính đối phó; chưa gắn kết với tổ chức.",
        ),
        (
            10,
            25,
            "Bắt đầu có cách tiếp cận có hệ thống với các yêu cầu cơ bản; triển khai ở giai đoạn đầu tại "
            "nhiều bộ phận; bắt đầu chuyển từ đối phó sang cải tiến chung; gắn kết với bộ phận khác chủ "
            "yếu qua giải quyết vấn đề chung.",
        ),
        (
            30,
            45,
            "Có cách tiếp cận hiệu quả, có hệ thống, đáp ứng các yêu cầu cơ bản; đã triển khai dù một số "
            "bộ phận mới ở giai đoạn đầu; bắt đầu đánh giá và cải tiến có hệ thống các quá trình chính; "
            "bắt đầu gắn với nhu cầu cơ bản của tổ chức.",
        ),
        (
            50,
            65,
            "Cách tiếp cận hiệu quả, có hệ thống, đáp ứng các yêu cầu chung; triển khai tốt dù còn khác "
            "nhau giữa các bộ phận; đánh giá và cải tiến dựa trên dữ liệu, bắt đầu có học tập tổ chức và "
            "đổi mới; gắn với nhu cầu của tổ chức nêu ở các tiêu chí khác.",
        ),
        (
            70,
            85,
            "Cách tiếp cận hiệu quả, có hệ thống, đáp ứng nhiều yêu cầu; triển khai tốt, không có thiếu "
            "hụt đáng kể; đánh giá, cải tiến dựa trên thực tế và học tập tổ chức, kể cả đổi mới, là công "
            "cụ quản lý chính; tích hợp với nhu cầu hiện tại và tương lai của tổ chức.",
        ),
        (
            90,
            100,
            "Cách tiếp cận đáp ứng đầy đủ các yêu cầu; triển khai đầy đủ, không có điểm yếu ở bộ phận "
            "nào; đánh giá, cải tiến và đổi mới dựa trên thực tế là công cụ chính trong toàn tổ chức, có "
            "phân tích và chia sẻ; tích hợp hoàn toàn với nhu cầu của tổ chức.",
        ),
    ],
    R: [
        (
            0,
            5,
            "Không báo cáo kết quả hoặc kết quả kém; không có dữ liệu xu hướng hoặc xu hướng xấu; không "
            "có thông tin so sánh; không báo cáo kết quả ở các lĩnh vực quan trọng.",
        ),
        (
            10,
            25,
            "Báo cáo ít kết quả, có kết quả tốt ban đầu ở một vài lĩnh vực; ít dữ liệu xu hướng hoặc "
            "nhiều xu hướng xấu; ít hoặc không có thông tin so sánh; báo cáo kết quả ở một vài lĩnh vực "
            "quan trọng.",
        ),
        (
            30,
            45,
            "Kết quả tốt ở một số lĩnh vực; có dữ liệu xu hướng ban đầu, phần lớn có lợi; bắt đầu có "
            "thông tin so sánh; báo cáo kết quả ở nhiều lĩnh vực quan trọng với yêu cầu chính của tổ chức.",
        ),
        (
            50,
            65,
            "Kết quả tốt ở hầu hết lĩnh vực; xu hướng có lợi ở các lĩnh vực quan trọng; một số kết quả "
            "so với đối thủ hoặc chuẩn so sánh cho thấy kết quả tốt; kết quả phản ánh hầu hết yêu cầu "
            "chính của khách hàng, thị trường và quá trình.",
        ),
        (
            70,
            85,
            "Kết quả tốt đến rất tốt ở hầu hết lĩnh vực; xu hướng có lợi được duy trì ở hầu hết lĩnh vực "
            "quan trọng; nhiều kết quả so sánh cho thấy dẫn đầu hoặc rất tốt; kết quả phản ánh hầu hết "
            "yêu cầu chính và kế hoạch hành động.",
        ),
        (
            90,
            100,
            "Kết quả xuất sắc ở hầu hết lĩnh vực; xu hướng có lợi được duy trì ở mọi lĩnh vực quan trọng; "
            "dẫn đầu ngành và là chuẩn so sánh ở nhiều lĩnh vực; kết quả phản ánh đầy đủ yêu cầu chính và "
            "cho thấy triển vọng tương lai.",
        ),
    ],
}
