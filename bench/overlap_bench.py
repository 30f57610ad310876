"""Overlap detection against the demo city: index build time, query time, and what a reviewer would see.

Run: ``.venv/bin/python bench/overlap_bench.py`` (loads the demo into a throw-away SQLite database;
takes about a minute, most of it the demo load).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PROPOSALS = [
    ("市食品安全工作领导小组",
     "负责全市食品安全工作的组织领导，研究制定食品安全监管重大政策措施。压实食品安全党政同责，督促各部门落实食品生产经营、"
     "餐饮服务和食用农产品监管责任，组织处置重大食品安全事件。"),
    ("市预制菜产业高质量发展工作专班",
     "推动全市预制菜产业高质量发展，培育预制菜加工龙头企业，建设原料基地和冷链物流体系，打造预制菜区域公用品牌。"),
    ("市城市内涝治理工作指挥部",
     "组织指挥市区城市防汛排涝和内涝治理，督促检查排水管网、泵站和在建工地安全度汛，调度抢险队伍和物资。"),
    ("市人口普查领导小组",
     "统筹组织全市第八次全国人口普查工作，组织普查区域划分、普查员选聘培训、入户登记和数据审核汇总。"),
    ("市低空经济产业发展工作领导小组",
     "统筹推进全市低空经济发展，推进通用机场和起降点建设，培育无人机整机和零部件产业，拓展低空物流、应急救援等应用场景。"),
]


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="yixie-bench-")
    os.environ["YIXIE_VAR_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yixie.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from yixie.ledger.models import Body
    from yixie.org.models import Region
    from yixie.overlap import api as overlap
    from yixie.overlap import index as ov_index

    started = time.perf_counter()
    overlap.tokenize("预制菜")
    print(f"jieba, scikit-learn and the domain dictionary loaded in {(time.perf_counter() - started) * 1000:.0f} ms "
          "(once per process)")

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    print(f"demo loaded into {tmp} in {time.perf_counter() - started:.1f} s")

    city = Region.objects.get(code="370700")
    n_bodies = Body.objects.filter(region=city).count()
    for label, on in (("current ledger", None), ("as of 2021-06-30", __import__("datetime").date(2021, 6, 30))):
        overlap.invalidate()
        started = time.perf_counter()
        overlap.find_overlaps(region=city, name="市测试领导小组", duties="测试", on=on)
        first = time.perf_counter() - started
        index = ov_index._index_for(city, on, 3)
        n_bodies_idx = sum(1 for c in index.candidates if c.kind == "body")
        n_depts = len(index.candidates) - n_bodies_idx
        print(f"{city.name} ({label}): {n_bodies} bodies in the ledger, {n_bodies_idx} candidate bodies + "
              f"{n_depts} departments; index built in {index.build_seconds * 1000:.0f} ms "
              f"(first call {first * 1000:.0f} ms)")
        times = []
        for _ in range(5):
            for name, duties in PROPOSALS:
                t0 = time.perf_counter()
                overlap.find_overlaps(region=city, name=name, duties=duties, on=on)
                times.append(time.perf_counter() - t0)
        print(f"  query (incl. fingerprint check): median {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms over {len(times)} queries")

    # A bigger scope: the city and every region below it in one index (find_overlaps(include_descendants=True)).
    overlap.invalidate()
    started = time.perf_counter()
    overlap.find_overlaps(region=city, name="市测试领导小组", duties="测试", include_descendants=True)
    build = time.perf_counter() - started
    index = ov_index._index_for(city, None, 3, True)
    times = []
    for name, duties in PROPOSALS * 5:
        t0 = time.perf_counter()
        overlap.find_overlaps(region=city, name=name, duties=duties, include_descendants=True)
        times.append(time.perf_counter() - t0)
    print(f"{city.name} and its subordinate regions: {len(index.candidates)} candidates, first call (build) "
          f"{build * 1000:.0f} ms; query median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")

    print()
    for name, duties in PROPOSALS:
        print(f"▶ {name}")
        for m in overlap.find_overlaps(region=city, name=name, duties=duties, top=5):
            alias = f" 〔{m.matched_alias}〕" if m.matched_alias else ""
            print(f"   {m.score:.2f} {m.level:6} name {m.name_score:.2f} duties {m.duties_score:.2f}  "
                  f"{m.name}{alias} ({m.status})  [{' '.join(m.shared_terms)}]")


if __name__ == "__main__":
    main()
