"""Copy the book's browser assets from npm into ``vendor/``, so the HTML loads nothing
from another origin.

The versions are pinned in ``package.json`` / ``package-lock.json``; this script runs
``npm ci --ignore-scripts`` when ``node_modules`` is missing or older than the lock file,
checks that the installed versions are the pinned ones, and rebuilds ``vendor/``:

    vendor/mathjax/      MathJax 3 (es5 build: tex-mml-chtml.js and the components and
                         fonts it loads on demand, e.g. from its menu)
    vendor/NOTICE.txt    what was copied, its version and licence

``_config.yml`` serves the folder with ``html_static_path: [vendor]`` (it lands in
``_build/html/_static/``) and points ``mathjax_path`` at it. The theme's own scripts and
fonts (Font Awesome included) ship inside its Python package. No widget manager is
needed: the HTML drops widget views (``nb_mime_priority_overrides``) and loads no widget
scripts (``nb_ipywidgets_js: {}``). axe-core stays in ``node_modules``: only the browser
test injects it.

    python -m booktools.vendor_assets          # install if needed, then copy
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from booktools.toc import ROOT

MODULES = ROOT / "node_modules"
VENDOR = ROOT / "vendor"

#: The combined MathJax component the book loads (it is ``mathjax_path`` in _config.yml).
MATHJAX_ENTRY = "tex-mml-chtml.js"

#: package -> (source folder in node_modules, destination in vendor/).
ASSETS = {"mathjax": ("mathjax/es5", "mathjax")}


def _pinned() -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]


def _installed(package: str) -> str | None:
    meta = MODULES / package / "package.json"
    if not meta.is_file():
        return None
    return json.loads(meta.read_text(encoding="utf-8"))["version"]


def ensure_installed() -> None:
    """Run ``npm ci`` unless node_modules already holds exactly the locked packages."""
    stamp = MODULES / ".package-lock.json"  # written by npm on every install
    lock = ROOT / "package-lock.json"
    stale = not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime
    if stale or any(_installed(p) != v for p, v in _pinned().items()):
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                       cwd=ROOT, check=True)
    wrong = {p: (v, _installed(p)) for p, v in _pinned().items() if _installed(p) != v}
    if wrong:
        raise SystemExit(f"node_modules does not hold the pinned versions: {wrong}")


def _skip(path: Path) -> bool:
    """Combined MathJax components other than ours, and the node-only entry point."""
    top_level_js = path.parent.name == "es5" and path.suffix == ".js"
    keep = {MATHJAX_ENTRY, "startup.js", "loader.js", "core.js"}
    return top_level_js and path.name not in keep


def copy_assets(dest: Path = VENDOR) -> list[Path]:
    """Rebuild ``dest`` from node_modules; return the files written."""
    if dest.exists():
        shutil.rmtree(dest)
    written = []
    notice = ["Third-party files served by the book, copied from npm by "
              "booktools/vendor_assets.py.", ""]
    for package, (source, target) in ASSETS.items():
        src = MODULES / source
        meta = json.loads((MODULES / package / "package.json").read_text(encoding="utf-8"))
        for path in sorted(p for p in src.rglob("*") if p.is_file() and not _skip(p)):
            out = dest / target / path.relative_to(src)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out)
            written.append(out)
        licence = MODULES / package / "LICENSE"
        if licence.is_file():  # redistributing: the licence goes along
            shutil.copy2(licence, dest / target / "LICENSE")
            written.append(dest / target / "LICENSE")
        notice.append(f"{package} {meta['version']} ({meta.get('license', 'see package')}) "
                      f"-> {target}/")
    (dest / "NOTICE.txt").write_text("\n".join(notice) + "\n", encoding="utf-8")
    if not (dest / "mathjax" / MATHJAX_ENTRY).is_file():
        raise SystemExit(f"MathJax entry {MATHJAX_ENTRY} missing from the mathjax package")
    return written


def main() -> int:
    ensure_installed()
    written = copy_assets()
    size = sum(p.stat().st_size for p in written) / 1e6
    print(f"vendor/: {len(written)} files, {size:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
