#!/usr/bin/env python3
"""Body-extraction quality on an article benchmark: newscrawl vs trafilatura, one run.

Runs newscrawl's extractor and ``trafilatura.extract`` (default options) on
every page of a dataset folder (``html/<id>.html[.gz]`` + ground truth, as
in ../shared/bench), scores both with the benchmark's own scorer
(4-token shingle precision/recall/F1) and prints F1/P/R and median ms/page.
The text scored for newscrawl is what a user would call the article: the
dateline (if any) followed by the body.

    python benchmarks/bench_quality.py                       # ../shared/bench/scrapinghub
    python benchmarks/bench_quality.py --dataset DIR --out bench-out --per-page
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = ROOT.parent / "shared" / "bench" / "scrapinghub"


def load_pages(dataset: Path) -> dict[str, bytes]:
    """Raw page bytes by id."""
    pages = {}
    for path in sorted((dataset / "html").iterdir()):
        if path.name.endswith(".html.gz"):
            pages[path.name[:-8]] = gzip.decompress(path.read_bytes())
        elif path.name.endswith(".html"):
            pages[path.name[:-5]] = path.read_bytes()
    return pages


def load_urls(dataset: Path) -> dict[str, str]:
    """Page URLs by id, from the ground truth."""
    gt = dataset / "ground-truth.json"
    if gt.exists():
        return {k: v.get("url") or "" for k, v in json.loads(gt.read_text("utf-8")).items()}
    out = {}
    for line in (dataset / "ground_truth.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[str(rec["id"])] = rec.get("url") or ""
    return out


def run_newscrawl(raw: bytes, url: str) -> str:
    """The article text newscrawl stores for one page: dateline, then body."""
    from newscrawl.extraction import extract_article_text  # noqa: PLC0415

    return extract_article_text(raw, url)


def run_trafilatura(raw: bytes, url: str) -> str:
    """trafilatura.extract with its defaults (no comments), on the same bytes."""
    import trafilatura  # noqa: PLC0415

    return trafilatura.extract(raw, url=url or None, include_comments=False) or ""


FIELDS = ("headline", "dateline", "date_published", "date_published_source", "authors", "captions", "language", "body")


def _field_value(record: dict, name: str) -> object:
    if name == "captions":
        return [(i.get("caption"), i.get("credit")) for i in record.get("images") or []]
    return record.get(name)


def print_field_accuracy(fixtures: Path) -> None:
    """Share of the project's fixture cases whose field equals the hand-written expected value."""
    from itemadapter import ItemAdapter  # noqa: PLC0415
    from web_poet.testing import Fixture  # noqa: PLC0415

    from newscrawl.extraction.pages import GenericArticlePage  # noqa: PLC0415

    cases = sorted(p for p in fixtures.iterdir() if (p / "output.json").is_file())
    right = dict.fromkeys(FIELDS, 0)
    wrong: dict[str, list[str]] = {f: [] for f in FIELDS}
    for case in cases:
        fixture = Fixture(case)
        got = json.loads(json.dumps(fixture.get_output(GenericArticlePage), default=lambda o: ItemAdapter(o).asdict()))
        expected = fixture.get_expected_output()
        for name in FIELDS:
            if _field_value(got, name) == _field_value(expected, name):
                right[name] += 1
            else:
                wrong[name].append(case.name)
    print(f"field accuracy on {len(cases)} fixture cases ({fixtures.relative_to(ROOT)})")
    for name in FIELDS:
        miss = f"  wrong: {', '.join(wrong[name])}" if wrong[name] else ""
        print(f"  {name:<22} {right[name]:>3}/{len(cases)}{miss}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET, help="dataset folder (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-out" / "quality", help="where predictions go")
    parser.add_argument("--per-page", action="store_true", help="also write per-page scores, worst first")
    parser.add_argument("--only", choices=["newscrawl", "trafilatura"], help="run one system only")
    parser.add_argument("--no-fields", action="store_true", help="skip field accuracy on the project's fixtures")
    args = parser.parse_args(argv)
    if not (args.dataset / "html").is_dir():
        print(f"bench_quality: no html/ folder in {args.dataset}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(args.dataset.parent))
    import score  # noqa: PLC0415  (the benchmark's own scorer, stdlib only)

    pages, urls = load_pages(args.dataset), load_urls(args.dataset)
    systems = {"newscrawl": run_newscrawl, "trafilatura": run_trafilatura}
    if args.only:
        systems = {args.only: systems[args.only]}
    args.out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, list[float]] = {}
    for name, fn in systems.items():
        fn(next(iter(pages.values())), "")  # warm-up: imports, models
        times = timings[name] = []
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for i, (page_id, raw) in enumerate(pages.items(), 1):
                t0 = time.perf_counter()
                text = fn(raw, urls.get(page_id, ""))
                times.append((time.perf_counter() - t0) * 1000)
                fh.write(json.dumps({"id": page_id, "articleBody": text}, ensure_ascii=False) + "\n")
                if sys.stderr.isatty():
                    print(f"\r{name}: {i}/{len(pages)}", end="", file=sys.stderr)
        if sys.stderr.isatty():
            print(file=sys.stderr)
    gold = score.load_gold(args.dataset)
    print(f"dataset: {args.dataset} ({len(pages)} pages)")
    print(f"{'system':<12} {'F1':>6} {'P':>6} {'R':>6} {'page-F1':>8} {'F1<0.5':>7} {'ms median':>10} {'ms p90':>7}")
    for name in systems:
        preds = score.load_predictions(args.out / f"{name}.jsonl")
        summary, per_page = score.score_system(gold, preds)
        if args.per_page:
            with (args.out / f"{name}-per-page.tsv").open("w", encoding="utf-8") as fh:
                fh.write("id\tprecision\trecall\tf1\n")
                for pg in sorted(per_page, key=lambda x: x["f1"]):
                    fh.write(f"{pg['id']}\t{pg['precision'] or 0:.4f}\t{pg['recall'] or 0:.4f}\t{pg['f1']:.4f}\n")
        ts = sorted(timings[name])
        print(
            f"{name:<12} {summary['f1']:>6.3f} {summary['precision']:>6.3f} {summary['recall']:>6.3f} "
            f"{summary['page_f1']:>8.3f} {summary['f1_below_0.5']:>7.3f} "
            f"{statistics.median(ts):>10.1f} {ts[int(len(ts) * 0.9)]:>7.1f}"
        )
    if not args.no_fields:
        print()
        print_field_accuracy(ROOT / "fixtures" / "newscrawl.extraction.pages.GenericArticlePage")
    if len(systems) == 2:
        ratio = statistics.median(timings["newscrawl"]) / statistics.median(timings["trafilatura"])
        print(f"newscrawl/trafilatura median time ratio: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
