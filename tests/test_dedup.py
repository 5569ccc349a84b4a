"""Tests for pipelines/dedup.py: normalisation, hashes, shingles, signatures, the index.

Every article below is invented for these tests (people, quotes and figures included).
Each language has a story (A), another outlet's own story about the same event (B) that
shares names, places and dates, and an unrelated article (C). Copies of A are built from
its paragraphs the way other sites republish: another template, a paragraph trimmed or
added, a source line, a headline on top, re-wrapped lines, entities and other quotes.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.dedup import (
    CHAR_SHINGLE_SIZE,
    WORD_SHINGLE_SIZE,
    DedupSettings,
    NearDuplicateIndex,
    SignatureError,
    _normalise_pass,
    band_shape,
    content_hash,
    is_near_duplicate_text,
    normalise_text,
    shingle_hashes,
    shingles,
    similarity,
    text_fingerprints,
    text_signature,
)

REPO_ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------------------
# English
# --------------------------------------------------------------------------------------

EN_A = (
    "Interior Minister Tomas Reinholt flew to Lisbon on Tuesday for a three-day visit "
    "focused on border cooperation and the return of rejected asylum seekers, his ministry "
    "announced shortly before the plane took off from the capital.",
    "Reinholt is expected to meet his Portuguese counterpart, Helena Moura Vaz, on Wednesday "
    "morning at the ministry building near Praça do Comércio. Officials on both sides said "
    "the talks would cover joint patrols on the Atlantic coast, a faster exchange of "
    "fingerprint records and a pilot scheme for chartered return flights.",
    "The trip comes two weeks after a parliamentary committee criticised the government for "
    "failing to sign any new readmission agreement this year. Opposition members argued that "
    "the minister had spent more time giving interviews than negotiating with partner "
    "countries.",
    "Speaking to reporters at the airport, Reinholt rejected that view. He said that quiet "
    "diplomacy often took longer than critics liked, and that a signed text was worth less "
    "than a working procedure that police officers on both sides actually used.",
    "On Thursday the delegation will travel north to Porto, where the minister plans to "
    "visit the maritime rescue coordination centre and a reception facility run by a "
    "charity. A short joint statement is planned before he returns home on Thursday evening.",
    "The ministry did not say whether a formal agreement would be signed during the visit. "
    "A spokesperson only noted that both governments had been working on the draft since the "
    "spring and that several technical questions remained open.",
)

EN_B = (
    "Tomas Reinholt, the interior minister, arrived in Portugal on Tuesday, beginning a visit "
    "that runs until Thursday. The agenda in Lisbon and Porto is dominated by migration, "
    "according to people familiar with the preparations.",
    "In Lisbon, Reinholt will hold talks with Helena Moura Vaz, who heads Portugal's interior "
    "ministry. Diplomats expect the two to discuss how quickly deportation cases can be "
    "processed and whether Portuguese coast guard crews could take part in joint operations "
    "at sea.",
    "Critics at home have accused the government of moving slowly. A report published by the "
    "parliamentary committee on internal affairs earlier this month noted that no readmission "
    "deal had been concluded in the current year, and several lawmakers called the record "
    "disappointing.",
    "Before departing, Reinholt told journalists that results mattered more than ceremonies. "
    "He pointed to last year's arrangement with another southern European country, which he "
    "said had cut the average waiting time for a return decision by almost half.",
    "The minister's schedule in Porto includes a tour of a sea rescue centre and a "
    "conversation with volunteers at a shelter for newly arrived migrants. He is due back on "
    "Thursday night.",
    "Whether a written agreement will come out of the trip remains unclear. Neither ministry "
    "would comment on the status of the negotiations, which began in spring.",
)

EN_C = (
    "The central library on Market Street reopened on Saturday after eighteen months of "
    "renovation, and by noon the queue at the front door stretched past the bakery on the "
    "corner.",
    "Visitors found a building that is lighter and quieter than before. The old card "
    "catalogue cabinets were turned into benches, the reading room got new windows facing "
    "the park, and a children's floor with a small theatre replaced the former storage "
    "rooms.",
    "The work cost slightly more than planned because the roof beams turned out to be in "
    "worse shape than the first survey suggested. The council covered the difference from a "
    "fund set aside for repairs to public buildings.",
    "Librarians said the biggest change is less visible: the opening hours. The library will "
    "now stay open until nine in the evening on weekdays, which staff hope will bring in "
    "students and people who work during the day.",
    "A local choir sang in the atrium during the afternoon, and the first hundred visitors "
    "received a canvas bag printed with a drawing of the building by a pupil from a nearby "
    "school.",
)

# The same outlet's formula applied to a different trip: an opening and a closing line in
# common with EN_A, everything else its own. It must stay a separate item.
EN_D = (
    "Interior Minister Tomas Reinholt flew to Warsaw on Monday for a two-day visit focused on "
    "police cooperation and vehicle theft, his ministry announced shortly before the plane "
    "took off from the capital.",
    "Reinholt is expected to meet the Polish interior minister, Jan Wierzbicki, on Monday "
    "afternoon. According to officials, the two will discuss a shared register of stolen "
    "cars, training for guards on the eastern frontier and an exchange of liaison officers.",
    "Gangs that steal cars in one country and sell them in another have become a priority "
    "for police in both states after raids last autumn uncovered workshops that repainted "
    "and re-registered hundreds of vehicles.",
    "On Tuesday the minister will visit a border crossing near Terespol and a training school "
    "for the border guard before flying home in the evening.",
    "The ministry did not say whether a formal agreement would be signed during the visit.",
)

EN_EXTRA = (
    "Editor's note: this article was updated on Wednesday with details of the schedule in "
    "Porto provided by the embassy, including the planned visit to the reception facility."
)
EN_SOURCE = "Source link: https://news.example.org/politics/reinholt-lisbon-visit"
EN_HEADLINE = "Reinholt heads to Portugal as pressure grows over returns"
EN_TEMPLATE = ("Share this article", "Advertisement", "Follow us for more politics news")

# --------------------------------------------------------------------------------------
# Chinese
# --------------------------------------------------------------------------------------

ZH_A = (
    "内政部长托马斯·赖因霍尔特周二飞抵里斯本，开始为期三天的访问。内政部在飞机起飞前不久"
    "发布消息说，此行的重点是边境合作以及遣返被拒绝的庇护申请人。",
    "赖因霍尔特预计周三上午在商业广场附近的内政部大楼与葡萄牙内政部长埃莱娜·莫拉·瓦斯"
    "会谈。双方官员表示，会谈将涉及大西洋沿岸的联合巡逻、加快交换指纹记录，以及试行包机"
    "遣返航班的计划。",
    "此次出访距议会一个委员会批评政府今年未能签署任何新的重新接纳协议仅两周。反对派议员"
    "认为，部长花在接受采访上的时间比与伙伴国家谈判的时间还多。",
    "赖因霍尔特在机场对记者表示，他不同意这种看法。他说，低调的外交往往比批评者希望的要"
    "慢，一份签了字的文本，不如一套两国警察真正在用的工作程序有价值。",
    "周四，代表团将北上波尔图，部长计划参观海上救援协调中心和一家由慈善机构运营的接待"
    "设施。他将于周四晚间回国，回国前双方计划发表一份简短的联合声明。",
    "内政部没有说明访问期间是否会签署正式协议。一名发言人只表示，两国政府自春季以来一直"
    "在起草文本，仍有若干技术问题有待解决。",
)

ZH_B = (
    "据知情人士透露，内政部长托马斯·赖因霍尔特本周二抵达葡萄牙，访问将持续到周四，里斯本"
    "和波尔图两站的议程都以移民问题为主。",
    "在里斯本，赖因霍尔特将同葡萄牙内政部长埃莱娜·莫拉·瓦斯举行会谈。外交人士预计，双方"
    "将讨论如何缩短遣返案件的审理时间，以及葡萄牙海岸警卫队能否参加海上联合行动。",
    "国内批评者指责政府行动迟缓。议会内政委员会本月早些时候发表的一份报告指出，今年以来"
    "没有达成任何重新接纳协议，多名议员称这一成绩令人失望。",
    "出发前，赖因霍尔特对媒体说，实际成果比仪式更重要。他举例说，去年与另一个南欧国家"
    "达成的安排，使作出遣返决定的平均等待时间缩短了将近一半。",
    "部长在波尔图的行程包括参观一个海上救援中心，并与一家新到移民收容所的志愿者交谈。他预计周四夜间返回。",
    "此行能否达成书面协议仍不明朗。两国内政部都拒绝评论自春季开始的谈判进展。",
)

ZH_C = (
    "今年春天雨水偏多，山区茶农的采摘比往年推迟了将近十天。村里最早的一批明前茶直到四月初才上市，价格也比去年略高。",
    "合作社负责人介绍，为了保证品质，今年只采一芽一叶，炒制全部在夜间完成。白天采下的鲜叶"
    "先摊晾几个小时，等水分散去一部分再下锅。",
    "除了传统的绿茶，合作社去年开始尝试做红茶和白茶，主要卖给城里的年轻顾客。网上店铺的"
    "订单占到总销量的三成左右，比前年翻了一番。",
    "不过，人手不足仍是最大的难题。村里的年轻人大多在外打工，采茶季只能请邻近乡镇的老人帮忙，工钱一年比一年高。",
    "县里的农业部门计划今年秋天组织一次培训，教茶农使用小型采茶机，并帮助合作社申请地理"
    "标志，让本地茶叶卖出更好的价钱。",
)

ZH_EXTRA = "编者按：本文于周三更新，补充了大使馆提供的波尔图行程细节，包括参观接待设施的安排。"
ZH_SOURCE = "来源链接：https://news.example.org/zh/politics/reinholt-lisbon"
ZH_HEADLINE = "遣返压力加大 赖因霍尔特启程访问葡萄牙"
ZH_TEMPLATE = ("分享到微信", "广告", "更多新闻请关注我们")

# --------------------------------------------------------------------------------------
# Japanese
# --------------------------------------------------------------------------------------

JA_A = (
    "森川直樹国家公安委員長は十日、フィリピンの首都マニラに到着し、三日間の日程で同国の"
    "治安当局幹部との会談を始めた。海外を拠点とする特殊詐欺グループへの対策が主な議題となる。",
    "森川氏は十一日午前、フィリピン内務自治省のラモン・ベラスコ長官と会い、日本人が関与する"
    "詐欺事件の捜査協力や、拘束された容疑者の移送手続きを早める方策について意見を交わす予定だ。",
    "警察庁によると、昨年一年間に海外の拠点から電話をかけていたとして摘発された日本人は百人を"
    "超えた。被害者の多くは高齢者で、被害額は数十億円に上るとみられている。",
    "出発前、森川氏は羽田空港で記者団に対し、「国境を越える犯罪には一国だけでは立ち向かえない。"
    "現場の捜査員同士が直接連絡を取り合える関係をつくりたい」と述べた。",
    "十二日には、マニラ近郊にある入国管理局の収容施設を視察するほか、現地に駐在する日本の"
    "警察官から活動の報告を受ける。同日夜に帰国する予定。",
    "両国の間では、捜査情報の共有に関する覚書の改定が検討されているが、今回の訪問中に署名"
    "されるかどうかは明らかになっていない。",
)

JA_B = (
    "フィリピンを訪れている森川直樹国家公安委員長は、十一日にマニラでベラスコ内務自治長官と"
    "会談する。十日夕方に現地入りした森川氏は、到着後すぐに在フィリピン日本大使館で関係者から"
    "説明を受けた。",
    "政府関係者によると、会談では、フィリピン国内のホテルや住宅を拠点に日本へ詐欺の電話を"
    "かけるグループの摘発について、情報交換の手順を見直すことが話し合われる見通しだ。",
    "こうしたグループをめぐっては、現地で拘束された容疑者の日本への移送に時間がかかり、その間に"
    "証拠が失われるとの指摘が捜査関係者から出ていた。",
    "森川氏は十二日、入国管理局の施設を訪れ、収容されている容疑者の処遇について説明を聞く。"
    "警察庁から派遣されている職員とも意見交換し、同日中に帰国する。",
    "野党からは、閣僚が現地を訪れても具体的な成果が見えないとの声もある。覚書の改定について、"
    "政府は「協議中」とするにとどめている。",
)

JA_C = (
    "北陸の小さな港町で、百年以上続く夏祭りが四年ぶりに通常の規模で開かれた。町の人口はこの"
    "二十年で三割近く減ったが、祭りの三日間は帰省した家族連れで通りがにぎわった。",
    "祭りの見どころは、高さ八メートルほどの山車を若者たちが引いて坂道を上る場面だ。今年は"
    "担い手が足りず、隣町の大学生や外国人の技能実習生も綱を握った。",
    "保存会の会長は「昔のやり方を守るだけでは続かない。参加したいという人がいれば、どこから"
    "来た人でも歓迎したい」と話す。",
    "町は来年度から、山車の修理費の一部を補助する制度を設ける。職人の数も減っており、木材や"
    "漆の値上がりが保存会の負担になっていた。",
    "最終日の夜には港で花火が打ち上げられ、岸壁に集まった人たちが歓声を上げた。",
)

JA_EXTRA = "※この記事は十一日、会談の時間が変更されたことを受けて一部を更新しました。"
JA_SOURCE = "出典リンク：https://news.example.org/ja/politics/morikawa-manila"
JA_HEADLINE = "特殊詐欺対策で協力要請へ　森川委員長がマニラ入り"
JA_TEMPLATE = ("この記事をシェアする", "広告", "関連ニュースを読む")

# --------------------------------------------------------------------------------------
# Vietnamese
# --------------------------------------------------------------------------------------

VI_A = (
    "Bộ trưởng Bộ Công an Lương Văn Thành đã đến Canberra vào sáng thứ Hai, bắt đầu chuyến "
    "thăm chính thức Australia kéo dài bốn ngày theo lời mời của Bộ trưởng Nội vụ nước này.",
    "Theo thông báo của Bộ Công an, trong các cuộc hội đàm, hai bên sẽ tập trung vào hợp tác "
    "phòng chống ma túy, mua bán người và tội phạm công nghệ cao, đồng thời bàn về việc trao "
    "đổi thông tin giữa lực lượng cảnh sát hai nước.",
    "Chiều thứ Ba, đoàn sẽ làm việc với Cảnh sát Liên bang Australia tại trụ sở ở Canberra. "
    "Phía Australia dự kiến giới thiệu kinh nghiệm điều tra các đường dây rửa tiền xuyên quốc "
    "gia và cách phối hợp với ngân hàng trong việc phát hiện giao dịch đáng ngờ.",
    "Trước khi lên đường, Bộ trưởng Lương Văn Thành cho biết tội phạm ngày càng hoạt động trên "
    "không gian mạng và vượt qua biên giới quốc gia, vì vậy không một nước nào có thể tự mình "
    "giải quyết vấn đề.",
    "Trong hai ngày cuối, đoàn sẽ đến Sydney để thăm một trung tâm huấn luyện cảnh sát và gặp "
    "gỡ cộng đồng người Việt đang sinh sống tại đây. Đoàn dự kiến về nước vào tối thứ Năm.",
    "Nhân dịp này, hai bên có thể ký một bản ghi nhớ về đào tạo cán bộ, tuy nhiên nội dung cụ thể chưa được công bố.",
)

VI_B = (
    "Chuyến thăm Australia của Bộ trưởng Lương Văn Thành, bắt đầu từ thứ Hai, được giới quan "
    "sát đánh giá là bước tiếp theo sau khi quan hệ hai nước được nâng cấp vào năm ngoái.",
    "Tại Canberra, ông Thành hội đàm với người đồng cấp phụ trách nội vụ. Nguồn tin ngoại giao "
    "cho hay hai bộ trưởng thảo luận về các vụ buôn lậu ma túy qua đường biển và hàng không, "
    "vốn đã tăng mạnh trong hai năm qua.",
    "Một quan chức Australia giấu tên nói rằng Canberra muốn rút ngắn thời gian xử lý yêu cầu "
    "tương trợ tư pháp, hiện có thể kéo dài nhiều tháng. Phía Việt Nam được cho là quan tâm "
    "đến công nghệ giám định số.",
    "Lịch trình của đoàn còn có buổi làm việc tại Sydney, nơi Bộ trưởng sẽ thăm một cơ sở đào "
    "tạo của cảnh sát bang New South Wales. Đoàn trở về Hà Nội vào thứ Năm.",
    "Chưa rõ liệu văn kiện nào sẽ được ký kết. Đại sứ quán Australia tại Hà Nội từ chối bình "
    "luận về chi tiết chương trình.",
)

VI_C = (
    "Nông dân ở nhiều xã ven sông đang khẩn trương thu hoạch lúa hè thu trước khi đợt mưa lớn "
    "được dự báo sẽ kéo đến vào cuối tuần.",
    "Năm nay năng suất đạt khá, trung bình khoảng sáu tấn mỗi héc ta, nhưng giá lúa tươi tại "
    "ruộng lại thấp hơn cùng kỳ năm ngoái, khiến nhiều hộ lo lắng.",
    "Một số hợp tác xã đã thuê máy gặt đập liên hợp từ các tỉnh lân cận để kịp tiến độ. Chủ "
    "máy cho biết họ làm việc từ sáng sớm đến tối mịt mà vẫn không đáp ứng hết nhu cầu.",
    "Cơ quan khí tượng khuyến cáo người dân chủ động gia cố bờ bao, chuẩn bị phương án bảo vệ "
    "nhà cửa và không neo đậu thuyền ở những khu vực nước chảy xiết.",
    "Chính quyền địa phương cũng đã chuẩn bị kho tạm để cất giữ lúa cho những gia đình chưa kịp phơi khô.",
)

VI_EXTRA = (
    "Ghi chú của biên tập viên: bài viết được cập nhật vào thứ Ba, bổ sung thông tin về lịch "
    "làm việc tại Sydney do đại sứ quán cung cấp."
)
VI_SOURCE = "Nguồn: https://news.example.org/vi/thoi-su/bo-truong-tham-australia"
VI_HEADLINE = "Bộ trưởng Lương Văn Thành thăm chính thức Australia"
VI_TEMPLATE = ("Chia sẻ bài viết", "Quảng cáo", "Xem thêm tin thời sự")

# --------------------------------------------------------------------------------------
# Thai
# --------------------------------------------------------------------------------------

TH_A = (
    "รัฐมนตรีว่าการกระทรวงมหาดไทย ประเสริฐ วงศ์ทอง เดินทางถึงนครหลวงเวียงจันทน์เมื่อเช้าวันอังคาร "
    "เพื่อเยือนสาธารณรัฐประชาธิปไตยประชาชนลาวอย่างเป็นทางการเป็นเวลาสองวัน",
    "ในการหารือกับรัฐมนตรีกระทรวงป้องกันความสงบของลาว ทั้งสองฝ่ายจะพูดคุยเรื่องการค้ามนุษย์ "
    "การลักลอบขนยาเสพติดข้ามแม่น้ำโขง และการเปิดจุดผ่านแดนแห่งใหม่",
    "เจ้าหน้าที่กระทรวงมหาดไทยระบุว่า จังหวัดชายแดนหลายแห่งต้องการให้มีการแลกเปลี่ยนข้อมูลผู้เดินทาง"
    "ข้ามแดนได้รวดเร็วกว่าเดิม โดยเฉพาะในช่วงเทศกาล",
    "ก่อนออกเดินทาง รัฐมนตรีกล่าวกับผู้สื่อข่าวว่า ความร่วมมือกับประเทศเพื่อนบ้านเป็นเรื่องที่ต้องทำอย่างต่อเนื่อง ไม่ใช่เพียงการลงนามในเอกสารแล้วจบ",
    "ในวันพุธ คณะจะเดินทางไปตรวจเยี่ยมสะพานมิตรภาพและพบปะเจ้าหน้าที่ด่านตรวจคนเข้าเมือง ก่อนเดินทางกลับกรุงเทพฯ ในช่วงเย็น",
)

TH_B = (
    "การเยือนลาวของนายประเสริฐ วงศ์ทอง รัฐมนตรีว่าการกระทรวงมหาดไทย ซึ่งเริ่มขึ้นเมื่อวันอังคาร มีประเด็นหลักอยู่ที่ปัญหายาเสพติดตามแนวชายแดน",
    "แหล่งข่าวจากทำเนียบรัฐบาลเปิดเผยว่า ไทยต้องการให้ลาวเพิ่มการลาดตระเวนร่วมในลำน้ำโขง "
    "หลังจากตัวเลขการจับกุมยาบ้าในจังหวัดริมแม่น้ำเพิ่มขึ้นอย่างมากในปีนี้",
    "นอกจากนี้ ทั้งสองประเทศยังอยู่ระหว่างเจรจาเรื่องการเปิดด่านถาวรแห่งใหม่ ซึ่งผู้ประกอบการขนส่งสินค้าเรียกร้องมานานหลายปี",
    "รัฐมนตรีมีกำหนดเดินทางไปยังสะพานมิตรภาพในวันพุธ และจะกลับถึงกรุงเทพฯ ในคืนวันเดียวกัน",
)

TH_C = (
    "ฝนที่ตกหนักต่อเนื่องตลอดสัปดาห์ทำให้ถนนหลายสายในตัวเมืองมีน้ำท่วมขัง ผู้ขับขี่ต้องใช้เวลาเดินทางนานกว่าปกติเกือบเท่าตัว",
    "เทศบาลได้นำเครื่องสูบน้ำมาติดตั้งเพิ่มที่บริเวณตลาดสดและโรงเรียน พร้อมขอให้ประชาชนไม่ทิ้งขยะลงท่อระบายน้ำ",
    "กรมอุตุนิยมวิทยาคาดว่าฝนจะเริ่มลดลงในช่วงปลายสัปดาห์ แต่ยังคงเตือนให้ระวังน้ำป่าไหลหลากในพื้นที่ลาดเชิงเขา",
    "ร้านค้าริมถนนหลายร้านต้องปิดชั่วคราว เจ้าของร้านบอกว่ารายได้หายไปมากในช่วงนี้ และหวังว่าจะมีมาตรการช่วยเหลือจากหน่วยงานท้องถิ่น",
)

TH_EXTRA = "หมายเหตุบรรณาธิการ: ข่าวนี้ปรับปรุงเมื่อวันพุธ เพิ่มรายละเอียดกำหนดการที่สะพานมิตรภาพ"
TH_SOURCE = "ที่มา: https://news.example.org/th/politics/minister-vientiane"
TH_HEADLINE = "มหาดไทยเยือนลาว หารือปัญหายาเสพติดชายแดน"
TH_TEMPLATE = ("แชร์บทความนี้", "โฆษณา", "อ่านข่าวที่เกี่ยวข้อง")


# --------------------------------------------------------------------------------------
# How other sites republish a story
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """One language's articles and the lines a republishing site adds."""

    language: str
    story: tuple[str, ...]
    same_event: tuple[str, ...]
    unrelated: tuple[str, ...]
    extra_paragraph: str
    source_line: str
    headline: str
    template_lines: tuple[str, ...]
    spaced: bool


CORPORA = (
    Corpus("en", EN_A, EN_B, EN_C, EN_EXTRA, EN_SOURCE, EN_HEADLINE, EN_TEMPLATE, spaced=True),
    Corpus("zh", ZH_A, ZH_B, ZH_C, ZH_EXTRA, ZH_SOURCE, ZH_HEADLINE, ZH_TEMPLATE, spaced=False),
    Corpus("ja", JA_A, JA_B, JA_C, JA_EXTRA, JA_SOURCE, JA_HEADLINE, JA_TEMPLATE, spaced=False),
    Corpus("vi", VI_A, VI_B, VI_C, VI_EXTRA, VI_SOURCE, VI_HEADLINE, VI_TEMPLATE, spaced=True),
    Corpus("th", TH_A, TH_B, TH_C, TH_EXTRA, TH_SOURCE, TH_HEADLINE, TH_TEMPLATE, spaced=False),
)


def article(paragraphs: tuple[str, ...] | list[str]) -> str:
    return "\n\n".join(paragraphs)


def exact_copy(corpus: Corpus) -> str:
    return article(corpus.story)


def trimmed_paragraph(corpus: Corpus) -> str:
    # Copy editors cut from the middle or the end; the middle is the harder case because it
    # also breaks the shingles that span the cut.
    paragraphs = list(corpus.story)
    del paragraphs[len(paragraphs) // 2]
    return article(paragraphs)


def trimmed_last_paragraph(corpus: Corpus) -> str:
    return article(corpus.story[:-1])


def added_paragraph(corpus: Corpus) -> str:
    return article([*corpus.story, corpus.extra_paragraph])


def source_line(corpus: Corpus) -> str:
    return article([*corpus.story, corpus.source_line])


def headline_on_top(corpus: Corpus) -> str:
    return article([corpus.headline, *corpus.story])


def rewrapped(corpus: Corpus) -> str:
    if corpus.spaced:
        lines = [textwrap.fill(p, width=47) for p in corpus.story]
        return "\n\n".join(lines).replace(" the ", "\u00a0the ")
    # Hard-wrapped CJK/Thai text: a newline every 17 characters, inside words and names.
    return "\n".join("\n".join(p[i : i + 17] for i in range(0, len(p), 17)) for p in corpus.story)


def entities_and_quotes(corpus: Corpus) -> str:
    text = article(corpus.story)
    text = text.replace("'", "\u2019").replace("“", '"').replace("”", '"')
    # Full-width forms and ASCII punctuation swap places between Chinese/Japanese templates.
    text = text.replace("，", ",").replace("。", ". ").replace("「", "“").replace("」", "”")
    text = text.replace("十", "&#21313;")
    # A feed that escaped the text once more than the site it was copied from.
    return html.escape(text, quote=True).replace("-", "&#8209;")


def other_template(corpus: Corpus) -> str:
    first, second, third = corpus.template_lines
    return article([first, *corpus.story[:3], second, *corpus.story[3:], third])


def everything_at_once(corpus: Corpus) -> str:
    # Another template, the headline on top, the middle paragraph cut, an editor's note
    # and a source line: the most a syndicating site changes in practice.
    paragraphs = list(corpus.story)
    del paragraphs[len(paragraphs) // 2]
    first, second, _ = corpus.template_lines
    return article([corpus.headline, first, *paragraphs, second, corpus.extra_paragraph, corpus.source_line])


COPY_VARIANTS: tuple[Callable[[Corpus], str], ...] = (
    exact_copy,
    trimmed_paragraph,
    trimmed_last_paragraph,
    added_paragraph,
    source_line,
    headline_on_top,
    rewrapped,
    entities_and_quotes,
    other_template,
    everything_at_once,
)


def exact_jaccard(a: str, b: str) -> float:
    shingles_a, shingles_b = shingles(a), shingles(b)
    return len(shingles_a & shingles_b) / len(shingles_a | shingles_b)


def signature(text: str) -> bytes:
    return text_signature(text, DedupSettings().num_perm)


def index_of(*texts: str, settings: DedupSettings | None = None) -> NearDuplicateIndex:
    """An index holding the texts as items 1, 2, 3, ... in the order given."""
    index = NearDuplicateIndex(settings or DedupSettings())
    for item_id, text in enumerate(texts, start=1):
        index.add(item_id, signature(text))
    return index


def corpus_id(corpus: Corpus) -> str:
    return corpus.language


# --------------------------------------------------------------------------------------
# normalise_text and content_hash
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  The Minister\tSAID:\n\n“No comment.”  ", "the minister said no comment"),
        ("Reinholt&#8217;s visit &amp; talks", "reinholt s visit talks"),
        ("double &amp;quot;escaped&amp;quot; feed", "double escaped feed"),
        ("soft\u00adhyphen and zero\u200bwidth", "softhyphen and zerowidth"),
        ("ＦＵＬＬ\u3000ｗｉｄｔｈ １２３", "full width 123"),
        ("Straße STRASSE", "strasse strasse"),
        ("• Share | Tweet — Print", "share tweet print"),
        ("Bộ trưởng Lương Văn Thành", "bộ trưởng lương văn thành"),
        ("내무부 장관이 방문했다", "내무부 장관이 방문했다"),
    ],
)
def test_normalise_text_folds_case_forms_entities_and_punctuation(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_normalise_text_joins_scripts_without_spaces_across_line_breaks() -> None:
    assert normalise_text("内政部长\n托马斯·赖因霍尔特。周二 飞抵") == "内政部长托马斯赖因霍尔特周二飞抵"
    assert normalise_text("รัฐมนตรี\nว่าการ กระทรวง") == "รัฐมนตรีว่าการกระทรวง"
    # Latin words between Han characters keep their spaces.
    assert normalise_text("在 G7 峰会上") == "在 g7 峰会上"


def test_content_hash_is_sha256_of_the_normalised_text() -> None:
    text = article(EN_A)
    expected = hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
    assert content_hash(text) == expected


@pytest.mark.parametrize("corpus", CORPORA, ids=corpus_id)
def test_content_hash_matches_rewrapped_and_re_escaped_copies(corpus: Corpus) -> None:
    original = content_hash(article(corpus.story))
    assert content_hash(rewrapped(corpus)) == original
    assert content_hash(entities_and_quotes(corpus)) == original
    assert content_hash(trimmed_last_paragraph(corpus)) != original
    assert content_hash(article(corpus.same_event)) != original


words = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Lo", "Nd")), min_size=1, max_size=12)
whitespace = st.text(alphabet=" \t\n\r\u00a0\u2003\u3000", min_size=1, max_size=4)


@given(st.text(max_size=300))
@settings(max_examples=400)
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


def _normalised_by_passes_until_unchanged(text: str) -> str:
    current = text
    while (following := _normalise_pass(current)) != current:
        current = following
    return current


# Entities, joiners, combining marks, compatibility forms and case pairs: what makes a second pass matter.
tricky_pieces = ["&", "amp;", "#x301;", "e", "E", " ", "\u0301", "\u200d", "\u00ad", "\ufb01", "ß", "中"]
tricky_text = st.lists(st.sampled_from(tricky_pieces) | st.characters(), max_size=40).map("".join)


@given(tricky_text)
@settings(max_examples=400)
def test_normalise_text_stops_early_only_where_another_pass_changes_nothing(text: str) -> None:
    assert normalise_text(text) == _normalised_by_passes_until_unchanged(text)


def test_normalise_text_takes_the_second_pass_a_removed_joiner_needs() -> None:
    # The first pass drops the joiner only after composing: the accent is left loose, the second composes it.
    assert _normalise_pass("cafe\u200d\u0301") == "cafe\u0301"
    assert normalise_text("cafe\u200d\u0301") == "caf\u00e9"


@given(st.lists(words, min_size=1, max_size=30), st.data())
def test_content_hash_ignores_whitespace_differences(parts: list[str], data: st.DataObject) -> None:
    separators = data.draw(st.lists(whitespace, min_size=len(parts) + 1, max_size=len(parts) + 1))
    spaced = " ".join(parts)
    respaced = separators[0] + "".join(part + separator for part, separator in zip(parts, separators[1:], strict=True))
    assert content_hash(respaced) == content_hash(spaced)


# --------------------------------------------------------------------------------------
# shingles
# --------------------------------------------------------------------------------------


def test_word_shingles_are_five_consecutive_words() -> None:
    assert WORD_SHINGLE_SIZE == 5
    assert shingles("One two three four five six seven.") == {
        "one two three four five",
        "two three four five six",
        "three four five six seven",
    }


def test_scripts_without_spaces_get_character_shingles() -> None:
    assert CHAR_SHINGLE_SIZE == 4
    assert shingles("内政部长周二飞抵") == {"内政部长", "政部长周", "部长周二", "长周二飞", "周二飞抵"}
    assert shingles("マニラに到着") == {"マニラに", "ニラに到", "ラに到着"}
    thai = shingles("ประเทศไทย")  # nine code points: letters, a vowel sign and a mark
    assert thai == {"ประเทศไท", "ระเทศไทย"}


def test_mixed_text_gets_word_and_character_shingles() -> None:
    result = shingles("Minister Reinholt met reporters in Lisbon 内政部长飞抵")
    assert "minister reinholt met reporters in" in result
    assert "reinholt met reporters in lisbon" in result
    assert {"内政部长", "政部长飞", "部长飞抵"} <= result


def test_text_shorter_than_a_shingle_is_one_shingle() -> None:
    assert shingles("Border talks") == {"border talks"}
    assert shingles("会谈") == {"会谈"}
    assert shingles("  — | ") == set()


def test_shingle_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        shingles("text", size=0)


# --------------------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------------------

# sha256 of text_signature(article(EN_A)). A change here changes every stored signature:
# bump SIGNATURE_VERSION in pipelines/dedup.py and say so in the changelog.
PINNED_SIGNATURE_DIGEST = "1ebe21632ce88c5e2174c29cc1cb1dee7c9b486b7414bb097a3350321a370a25"


def test_signature_is_compact_and_pinned() -> None:
    sig = signature(article(EN_A))
    assert len(sig) == 8 + 4 * 128
    assert hashlib.sha256(sig).hexdigest() == PINNED_SIGNATURE_DIGEST


@pytest.mark.parametrize("name", ["EN_A", "JA_A", "ZH_A", "TH_A"])
def test_each_distinct_shingle_gets_its_own_hash(name: str) -> None:
    text = article(globals()[name])
    assert len(shingle_hashes(text)) == len(shingles(text))


def test_shingle_hashes_of_words_are_the_same_beside_a_script_without_spaces() -> None:
    # Spaced-only texts take a shorter path; a run of Chinese beside the words takes the other.
    words = article(EN_A)
    mixed = shingle_hashes(words + "\n" + article(ZH_A))
    assert set(shingle_hashes(words).tolist()) <= set(mixed.tolist())
    assert len(mixed) == len(shingles(words + "\n" + article(ZH_A)))


def test_shingle_hashes_change_with_any_word_or_its_order() -> None:
    base = shingle_hashes("the minister flew to Hanoi on Monday for talks")
    assert set(shingle_hashes("the minister flew to Hanoi on Tuesday for talks").tolist()) != set(base.tolist())
    assert set(shingle_hashes("the minister flew to on Hanoi Monday for talks").tolist()) != set(base.tolist())
    assert shingle_hashes("The Minister flew to Hanoi, on Monday, for talks!").tolist() == base.tolist()


@given(st.text(max_size=400), st.sampled_from([16, 64, 128]))
@settings(max_examples=60)
def test_text_signature_is_deterministic(text: str, num_perm: int) -> None:
    assert text_signature(text, num_perm) == text_signature(text, num_perm)


def test_text_signature_is_the_same_in_another_process() -> None:
    code = (
        "import sys; from pipelines.dedup import text_signature; "
        "sys.stdout.write(text_signature(sys.stdin.read()).hex())"
    )
    text = article(JA_A) + "\n" + article(EN_A)
    child = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO_ROOT)},
        check=True,
        timeout=60,
    )
    assert bytes.fromhex(child.stdout) == signature(text)


def test_similarity_estimates_jaccard() -> None:
    a, b = article(EN_A), trimmed_paragraph(CORPORA[0])
    estimate = similarity(signature(a), signature(b))
    assert estimate == pytest.approx(exact_jaccard(a, b), abs=0.12)
    assert similarity(signature(a), signature(a)) == 1.0
    assert similarity(signature(a), signature(b)) == similarity(signature(b), signature(a))


def test_empty_text_is_similar_to_nothing() -> None:
    empty = signature("  — ")
    assert similarity(empty, empty) == 0.0
    assert similarity(empty, signature(article(EN_A))) == 0.0


def test_signatures_of_other_sizes_or_versions_are_refused() -> None:
    sig = signature(article(EN_A))
    with pytest.raises(SignatureError, match="num_perm"):
        similarity(sig, text_signature(article(EN_A), 64))
    with pytest.raises(SignatureError, match="version"):
        similarity(b"\x09\x00" + sig[2:], sig)
    with pytest.raises(SignatureError, match="bytes"):
        similarity(sig[:-4], sig)
    with pytest.raises(SignatureError, match="too short"):
        similarity(b"\x01", sig)


# --------------------------------------------------------------------------------------
# Copies are found, other stories are not: each language family
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", COPY_VARIANTS, ids=lambda variant: variant.__name__)
@pytest.mark.parametrize("corpus", CORPORA, ids=corpus_id)
def test_copies_join_the_stored_story(corpus: Corpus, variant: Callable[[Corpus], str]) -> None:
    index = index_of(article(corpus.unrelated), article(corpus.story))
    copy = variant(corpus)
    found = index.find(signature(copy))
    assert found is not None
    assert found[0] == 2
    assert found[1] >= DedupSettings().threshold
    assert is_near_duplicate_text(article(corpus.story), copy, DedupSettings())


@pytest.mark.parametrize("corpus", CORPORA, ids=corpus_id)
def test_another_outlets_story_on_the_same_trip_stays_separate(corpus: Corpus) -> None:
    index = index_of(article(corpus.story), article(corpus.unrelated))
    assert index.find(signature(article(corpus.same_event))) is None
    assert not is_near_duplicate_text(article(corpus.story), article(corpus.same_event), DedupSettings())
    # Once stored, the other story collects its own copies.
    index.add(3, signature(article(corpus.same_event)))
    other_copy = article([corpus.headline, *corpus.same_event[:-1], corpus.source_line])
    found = index.find(signature(other_copy))
    assert found is not None
    assert found[0] == 3


def test_the_same_outlets_formula_for_another_trip_stays_separate() -> None:
    index = index_of(article(EN_A), article(EN_C))
    assert index.find(signature(article(EN_D))) is None


@pytest.mark.parametrize("corpus", CORPORA, ids=corpus_id)
def test_unrelated_articles_stay_separate(corpus: Corpus) -> None:
    index = index_of(article(corpus.story), article(corpus.same_event))
    assert index.find(signature(article(corpus.unrelated))) is None


@pytest.mark.parametrize("corpus", CORPORA, ids=corpus_id)
def test_shingle_sizes_keep_a_wide_margin_around_the_threshold(corpus: Corpus) -> None:
    """The measurements behind the shingle sizes and the default threshold (0.5), on the
    exact Jaccard similarity of shingle sets: copies above 0.6, other stories below 0.1."""
    story = article(corpus.story)
    copies = [exact_jaccard(story, variant(corpus)) for variant in COPY_VARIANTS]
    others = [exact_jaccard(story, article(corpus.same_event))]
    others.append(exact_jaccard(story, article(corpus.unrelated)))
    if corpus.language == "en":
        others.append(exact_jaccard(story, article(EN_D)))
    assert min(copies) > 0.6
    assert max(others) < 0.1


# --------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------


def test_articles_arriving_one_by_one_join_the_first_stored() -> None:
    """The issue's scenario without a database: what becomes a new item, what joins one."""
    arrivals = [
        ("site-a", article(EN_A)),
        ("site-b", article(EN_B)),
        ("site-c", other_template(CORPORA[0])),
        ("site-d", article([EN_HEADLINE, *EN_B, EN_SOURCE])),
        ("site-e", article(ZH_A)),
        ("site-f", everything_at_once(CORPORA[1])),
        ("site-g", article(EN_D)),
        ("site-h", trimmed_paragraph(CORPORA[0])),
    ]
    index = NearDuplicateIndex(DedupSettings())
    sources: dict[int, list[str]] = {}
    for source, text in arrivals:
        sig = signature(text)
        found = index.find(sig)
        if found is None:
            item_id = len(sources) + 1
            index.add(item_id, sig)
            sources[item_id] = [source]
        else:
            sources[found[0]].append(source)
    assert sources == {
        1: ["site-a", "site-c", "site-h"],
        2: ["site-b", "site-d"],
        3: ["site-e", "site-f"],
        4: ["site-g"],
    }


def test_equal_matches_go_to_the_item_stored_first() -> None:
    index = NearDuplicateIndex(DedupSettings())
    sig = signature(article(EN_A))
    index.add(7, sig)
    index.add(3, sig)
    index.add(5, sig)
    assert index.find(sig) == (3, 1.0)


def test_the_closest_match_wins_over_an_older_weaker_one() -> None:
    older, closer = signature(trimmed_paragraph(CORPORA[0])), signature(article(EN_A))
    query = signature(source_line(CORPORA[0]))
    assert DedupSettings().threshold <= similarity(older, query) < similarity(closer, query)
    index = NearDuplicateIndex(DedupSettings())
    index.add(1, older)
    index.add(2, closer)
    assert index.find(query) == (2, similarity(closer, query))


def test_threshold_is_a_setting() -> None:
    copy = signature(everything_at_once(CORPORA[0]))
    score = similarity(signature(article(EN_A)), copy)
    assert index_of(article(EN_A), settings=DedupSettings(threshold=score)).find(copy) == (1, score)
    strict = DedupSettings(threshold=min(1.0, score + 0.05))
    assert index_of(article(EN_A), settings=strict).find(copy) is None


def test_removed_items_are_not_found_and_ids_can_return() -> None:
    index = index_of(article(EN_A), article(ZH_A))
    index.remove(1)
    assert len(index) == 1
    assert 1 not in index
    assert index.find(signature(article(EN_A))) is None
    index.add(1, signature(article(JA_A)))
    assert index.find(signature(article(EN_A))) is None
    assert index.find(signature(article(JA_A))) == (1, 1.0)
    index.remove(2)
    index.add_many([(2, signature(article(VI_A)))])
    assert index.find(signature(article(ZH_A))) is None
    assert index.find(signature(article(VI_A))) == (2, 1.0)
    with pytest.raises(KeyError, match="item 9"):
        index.remove(9)


def test_an_id_is_indexed_once() -> None:
    index = index_of(article(EN_A))
    with pytest.raises(ValueError, match="item 1 is already"):
        index.add(1, signature(article(ZH_A)))
    with pytest.raises(ValueError, match="twice"):
        index.add_many([(2, signature(article(ZH_A))), (2, signature(article(JA_A)))])


def test_index_refuses_signatures_of_another_size() -> None:
    index = index_of(article(EN_A))
    with pytest.raises(SignatureError, match="num_perm=64"):
        index.find(text_signature(article(EN_A), 64))
    with pytest.raises(SignatureError, match="num_perm=64"):
        index.add(2, text_signature(article(EN_A), 64))


def test_empty_text_is_stored_but_never_matched() -> None:
    index = NearDuplicateIndex(DedupSettings())
    index.add(1, signature(""))
    assert len(index) == 1
    assert index.find(signature("")) is None
    index.remove(1)
    assert len(index) == 0


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError, match=r"threshold 1\.5"):
        DedupSettings(threshold=1.5)
    with pytest.raises(ValueError, match="num_perm 4"):
        DedupSettings(num_perm=4)


def test_band_shape_finds_pairs_at_the_threshold() -> None:
    assert band_shape(DedupSettings()) == (42, 3)
    for threshold in (0.3, 0.5, 0.7, 0.9):
        bands, rows = band_shape(DedupSettings(threshold=threshold))
        assert bands * rows <= 128
        assert 1 - (1 - threshold**rows) ** bands >= 0.99


def unique_words(text_id: int, count: int, prefix: str = "w") -> list[str]:
    # Words that never repeat within or across texts, so the Jaccard similarity of two
    # texts is exactly the share of word windows they have in common.
    return [f"{prefix}{text_id}x{position}" for position in range(count)]


def test_index_finds_nearly_every_pair_its_estimate_accepts() -> None:
    """LSH gives candidates; a pair whose signatures pass the threshold is almost never
    missed. 300 stored texts, each queried by a copy that keeps 3/4 of it (Jaccard ~0.6)."""
    settings_ = DedupSettings()
    index = NearDuplicateIndex(settings_)
    stored: dict[int, bytes] = {}
    queries: dict[int, bytes] = {}
    for item_id in range(1, 301):
        text_words = unique_words(item_id, 400)
        stored[item_id] = signature(" ".join(text_words))
        queries[item_id] = signature(" ".join(text_words[:300] + unique_words(item_id, 100, prefix="added")))
        index.add(item_id, stored[item_id])
    accepted = [i for i in stored if similarity(stored[i], queries[i]) >= settings_.threshold]
    found = [i for i in accepted if index.find(queries[i]) == (i, similarity(stored[i], queries[i]))]
    assert len(accepted) >= 290
    assert len(found) >= len(accepted) - 3


def test_many_adds_and_removes_keep_answers_exact() -> None:
    """Enough items to merge pending band keys into the sorted table several times."""
    index = NearDuplicateIndex(DedupSettings())
    signatures = {i: signature(" ".join(unique_words(i, 60))) for i in range(1, 1201)}
    for item_id, sig in signatures.items():
        index.add(item_id, sig)
        if item_id % 5 == 0:
            index.remove(item_id - 3)
    for item_id, sig in signatures.items():
        expected = None if item_id % 5 == 2 else (item_id, 1.0)
        assert index.find(sig) == expected
    assert len(index) == 1200 - 240


def test_add_many_gives_the_same_answers_as_add() -> None:
    items = [(i, signature(" ".join(unique_words(i % 50, 40 + i % 7)))) for i in range(1, 301)]
    one_by_one = NearDuplicateIndex(DedupSettings())
    for item_id, sig in items:
        one_by_one.add(item_id, sig)
    at_once = NearDuplicateIndex(DedupSettings())
    at_once.add_many(items)
    assert len(at_once) == len(one_by_one) == 300
    for _, sig in items:
        assert at_once.find(sig) == one_by_one.find(sig)


# A small vocabulary, so that random texts share shingles and some of them match.
VOCABULARY = ("minister", "visit", "talks", "border", "police", "lisbon", "porto", "tuesday", "returns", "report")
texts = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=40).map(" ".join)


@given(st.lists(texts, min_size=1, max_size=10), st.lists(texts, max_size=5))
@settings(max_examples=60, deadline=None)
def test_a_rebuilt_index_gives_the_same_answers(stored: list[str], others: list[str]) -> None:
    """After a restart the index is rebuilt from stored signatures: nothing may change."""
    signatures = [signature(text) for text in stored]
    before = NearDuplicateIndex(DedupSettings())
    for item_id, sig in enumerate(signatures, start=1):
        before.add(item_id, sig)
    after = NearDuplicateIndex(DedupSettings())
    for item_id, sig in enumerate(signatures, start=1):
        after.add(item_id, sig)
    bulk = NearDuplicateIndex(DedupSettings())
    bulk.add_many(enumerate(signatures, start=1))
    # Answers do not depend on the order items were added either.
    backwards = NearDuplicateIndex(DedupSettings())
    for item_id, sig in reversed(list(enumerate(signatures, start=1))):
        backwards.add(item_id, sig)
    for query in [*signatures, *(signature(text) for text in others)]:
        answer = before.find(query)
        assert after.find(query) == answer
        assert bulk.find(query) == answer
        assert backwards.find(query) == answer


@given(st.lists(texts, min_size=1, max_size=10), st.lists(texts, max_size=5))
@settings(max_examples=60, deadline=None)
def test_an_index_reading_signatures_from_the_store_gives_the_same_answers(
    stored: list[str], others: list[str]
) -> None:
    """With signature_of the index keeps no signatures; answers must not change."""
    signatures = dict(enumerate((signature(text) for text in stored), start=1))
    in_memory = NearDuplicateIndex(DedupSettings())
    in_memory.add_many(signatures.items())
    lookups: list[int] = []

    def from_store(item_id: int) -> bytes | None:
        lookups.append(item_id)
        return signatures.get(item_id)

    lean = NearDuplicateIndex(DedupSettings(), signature_of=from_store)
    lean.add_many(signatures.items())
    assert len(lean) == len(in_memory)
    for query in [*signatures.values(), *(signature(text) for text in others)]:
        assert lean.find(query) == in_memory.find(query)
    assert lookups  # a stored text finds at least itself as a candidate


def test_an_item_gone_from_the_store_is_no_match() -> None:
    original = signature(" ".join(EN_A))
    index = NearDuplicateIndex(DedupSettings(), signature_of=lambda item_id: None)
    index.add(1, original)
    assert 1 in index
    assert index.find(original) is None


def test_an_index_rebuilt_in_another_process_gives_the_same_answers() -> None:
    """A restart: another process, another hash seed, the stored signatures read back."""
    stored = [article(corpus.story) for corpus in CORPORA] + [article(EN_B), article(EN_D)]
    asked = [variant(corpus) for corpus in CORPORA for variant in COPY_VARIANTS]
    asked += [article(corpus.same_event) for corpus in CORPORA[1:]] + [article(EN_C)]
    code = (
        "import json, sys\n"
        "from pipelines.dedup import DedupSettings, NearDuplicateIndex\n"
        "request = json.load(sys.stdin)\n"
        "index = NearDuplicateIndex(DedupSettings())\n"
        "for item_id, sig in enumerate(request['stored'], start=1):\n"
        "    index.add(item_id, bytes.fromhex(sig))\n"
        "json.dump([index.find(bytes.fromhex(sig)) for sig in request['asked']], sys.stdout)\n"
    )
    request = {"stored": [signature(t).hex() for t in stored], "asked": [signature(t).hex() for t in asked]}
    child = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": "987", "PYTHONPATH": str(REPO_ROOT)},
        check=True,
        timeout=60,
    )
    index = index_of(*stored)
    here = [index.find(signature(text)) for text in asked]
    there = [None if answer is None else (answer[0], answer[1]) for answer in json.loads(child.stdout)]
    assert there == here
    assert sum(answer is not None for answer in here) == len(CORPORA) * len(COPY_VARIANTS)


@pytest.mark.parametrize("text", ["\n".join(EN_A), "\n".join(ZH_A), "", "Ünïcode &amp; entities"])
def test_fingerprints_are_the_hash_and_the_signature(text: str) -> None:
    assert text_fingerprints(text, 64) == (content_hash(text), text_signature(text, 64))
