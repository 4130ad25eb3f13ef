"""Static assets: the site's CSS and JS and the plotly.js bundle, served from the site itself
under content-hashed names (never from a CDN, never inlined).

plotly.js comes from `node_modules/plotly.js-basic-dist-min` (installed by `npm ci`); without
it, from the full bundle inside the plotly Python package, and the build says so.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kejiquan_site.model import urls

BASIC_BUNDLE = Path("node_modules/plotly.js-basic-dist-min/plotly-basic.min.js")
# Left out of templates/assets/ (besides hidden files and folders such as .DS_Store or .git):
# editors' backups and autosaves, merge leftovers, notes, and the files Windows writes.
JUNK_SUFFIXES = ("~", ".bak", ".orig", ".rej", ".swp", ".swo", ".tmp", ".md")
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
_VERSION = re.compile(rb"plotly\.js[^\n]*?v(\d+\.\d+\.\d+)")


@dataclass(frozen=True)
class PlotlyBundle:
    name: str  # output file stem, e.g. "plotly-basic"
    version: str
    content: bytes
    origin: str  # how the build got it, for the build report


@dataclass(frozen=True)
class Assets:
    """Output files {path: bytes} and the hashed path of each logical asset name."""

    files: dict[str, bytes]
    paths: dict[str, str]
    plotly: PlotlyBundle


def bundle_version(content: bytes) -> str:
    match = _VERSION.search(content[:400])
    return match.group(1).decode() if match else "unknown"


def find_plotly_bundle(project_root: Path) -> PlotlyBundle:
    basic = project_root / BASIC_BUNDLE
    if basic.is_file():
        content = basic.read_bytes()
        version = bundle_version(content)
        return PlotlyBundle("plotly-basic", version, content, f"plotly.js-basic-dist-min {version} from npm")
    content = _plotly_package_bundle()
    version = bundle_version(content)
    return PlotlyBundle("plotly", version, content,
                        f"full plotly.js {version} from the plotly Python package, because {BASIC_BUNDLE} "
                        "is missing (run 'npm ci' for the 3.7x smaller basic bundle)")


def _plotly_package_bundle() -> bytes:
    """The full bundle in the plotly Python package, found without importing the package (its
    __init__ reads its own metadata, importing importlib.metadata and email for one file)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the plotly Python package is not installed", name="plotly")
    return (Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js").read_bytes()


def published_asset(relative: Path) -> bool:
    """Whether a file of templates/assets/ (path relative to it) is meant to be published."""
    if any(part.startswith(".") for part in relative.parts):
        return False
    name = relative.name
    return not (name.lower().endswith(JUNK_SUFFIXES) or name.lower() in JUNK_NAMES
                or (name.startswith("#") and name.endswith("#")))


def read_template_assets(folder: Path) -> dict[str, bytes]:
    """{path relative to `folder`: bytes} of the files to publish, subfolders kept (img/logo.png).
    Links and odd files were refused by the template check before the build got here."""
    found: dict[str, bytes] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and published_asset(relative):
            found[relative.as_posix()] = path.read_bytes()
    return found


def collect_assets(project_root: Path, templates: Path) -> Assets:
    """The engine's own static files, the templates' `assets/` folder, and plotly.js."""
    sources: dict[str, bytes] = {}
    engine_static = resources.files("kejiquan_site") / "static"
    for item in sorted(engine_static.iterdir(), key=lambda entry: entry.name):
        if item.is_file() and not item.name.startswith("."):
            sources[item.name] = item.read_bytes()
    sources.update(read_template_assets(templates / "assets"))
    files: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    for name, content in sources.items():
        output = urls.asset_path(name, content)
        files[output] = content
        paths[name] = output
    plotly = find_plotly_bundle(project_root)
    output = urls.plotly_path(plotly.name, plotly.version, plotly.content)
    files[output] = plotly.content
    paths["plotly.js"] = output
    return Assets(files, paths, plotly)
