"""trafilatura's regex XPaths against their Python twins, side by side on the same trees.

    python benchmarks/xpath_twins.py [--limit N]

For every twin: milliseconds per page of the XPath and of the twin, on the raw tree and on
trafilatura's cleaned, tag-converted tree (the two stages the expressions meet), and whether
both found the same elements on every page.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trafilatura import xpaths
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from benchmarks._pages import shared_pages
from pipelines.extractors import xpath_twins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N pages")
    args = parser.parse_args()

    installed = xpath_twins.install()
    pages = shared_pages()[: args.limit]
    if not pages:
        raise SystemExit("no benchmark pages under ../shared/benchmarks/article-extraction/html")
    options = Extractor()
    trees = []
    for path in pages:
        raw = load_html(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        trees += [raw, convert_tags(tree_cleaning(copy.deepcopy(raw), options), options)]

    print(f"{len(pages)} pages, raw and cleaned trees; {len(installed)} twins installed")
    print(f"{'expression':36} {'xpath ms':>9} {'twin ms':>9} {'ratio':>6}  same")
    total_xpath = total_twin = 0.0
    for list_name, index, _, _ in xpath_twins.TWINS:
        twin = getattr(xpaths, list_name)[index]
        if not isinstance(twin, xpath_twins.Twin):
            print(f"{list_name}[{index}]: trafilatura's expression changed; not twinned")
            continue
        xpath_seconds = twin_seconds = 0.0
        same = True
        for tree in trees:
            started = time.perf_counter()
            expected = twin.xpath(tree)
            middle = time.perf_counter()
            found = twin(tree)
            xpath_seconds += middle - started
            twin_seconds += time.perf_counter() - middle
            same = same and found == expected
        total_xpath, total_twin = total_xpath + xpath_seconds, total_twin + twin_seconds
        per_page = 1000 / len(pages)
        print(
            f"{list_name + f'[{index}]':36} {xpath_seconds * per_page:9.2f} {twin_seconds * per_page:9.2f}"
            f" {xpath_seconds / twin_seconds:6.1f}  {'yes' if same else 'NO'}"
        )
    print(
        f"{'all':36} {total_xpath * 1000 / len(pages):9.2f} {total_twin * 1000 / len(pages):9.2f} {total_xpath / total_twin:6.1f}"
    )


if __name__ == "__main__":
    main()
