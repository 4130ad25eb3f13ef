"""Descriptions of the downloads for programs: `data/build.json`, what a build was made from (the
fingerprint of the facts and of what was last published, the git commit of the project when there
is one, the engine's and plotly.js's versions; no clock time, so the same input gives the same
bytes), and `data/datapackage.json`, the facts as a Frictionless Data Package.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kejiquan_site import __version__
from kejiquan_site.model import urls
from kejiquan_site.model.formatting import QUALIFIERS, UNITS
from kejiquan_site.model.story import Story
from kejiquan_site.read.published import facts_hash
from kejiquan_site.render.downloads import COLUMNS, ENGLISH_COLUMNS
from kejiquan_site.reuse.memo import Operation, done

RECORD_HASH = Operation("fingerprint of the published record")


def git_commit(root: Path) -> str | None:
    """The commit checked out in the project folder, when the project itself is a git repository
    (its own `.git`, not one of a folder above it), else None."""
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def render_build_manifest(story: Story, commit: str | None, plotly_version: str) -> bytes:
    record = story.record
    document = {
        "facts_sha256": facts_hash(story.facts),
        "published": None if record is None else {
            "date": record.date,
            "facts_sha256": done(RECORD_HASH(None, record, lambda: facts_hash(
                {key: versions[-1] for key, versions in record.facts.items()}))),
        },
        "updates": len(story.updates),
        "git_commit": commit,
        "engine": {"name": "kejiquan_site", "version": __version__},
        "plotly.js": plotly_version,
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


FIELD_DESCRIPTIONS = {
    "id": ("string", "the fact's id: its file name and key, such as rd.jjj_2024"),
    "label": ("string", "what the value is, in words"),
    "value": ("string", "the value as the source states it: a number for the number units, else text; "
                        "list items joined by 、"),
    "display": ("string", "the value as readers see it, unit and qualifier included"),
    "unit": ("string", "how the value is read: " + ", ".join(UNITS)),
    "qualifier": ("string", "how exact the figure is: " + ", ".join(QUALIFIERS)),
    "period": ("string", "the year or time the value is for"),
    "source": ("string", "the id of the source (see 'sources'); empty for a value computed from several"),
    "evidence": ("string", "a fragment quoted from the source that contains the value"),
    "formula": ("string", "for a computed value: the arithmetic over other fact ids"),
    "note": ("string", "a remark on the fact"),
    "history": ("string", "earlier published values, oldest first, as 'date: value'; separated by '; '"),
    "label_en": ("string", "the label in English"),
    "value_en": ("string", "the text in English, for text, place and list facts"),
    "display_en": ("string", "the value as English readers see it"),
}


def _package_name(base_url: str) -> str:
    """Lower-case letters, digits, '-', '_' and '.': from the base URL's last part, else 'facts'."""
    import re

    last = base_url.rstrip("/").rsplit("/", 1)[-1] if "://" in base_url else base_url.strip("/")
    name = re.sub(r"[^a-z0-9._-]+", "-", last.lower()).strip("-._")
    return name or "facts"


def render_datapackage(story: Story) -> bytes:
    """data/datapackage.json: name, title, licence, sources and the facts CSV with its Table Schema."""
    config = story.config
    english = "en" in config.editions
    columns = COLUMNS + (ENGLISH_COLUMNS if english else [])
    fields = []
    for column in columns:
        kind, description = FIELD_DESCRIPTIONS[column]
        field: dict = {"name": column, "type": kind, "description": description}
        if column == "unit":
            field["constraints"] = {"required": True, "enum": list(UNITS)}
        elif column == "qualifier":
            field["constraints"] = {"required": True, "enum": list(QUALIFIERS)}
        elif column == "id":
            field["constraints"] = {"required": True, "unique": True}
        fields.append(field)
    package: dict = {"profile": "data-package", "name": _package_name(config.base_url),
                     "title": config.title, "description": config.description}
    if config.data_license:
        package["licenses"] = [{"name": config.data_license,
                                "path": f"https://spdx.org/licenses/{config.data_license}.html"}]
    package["sources"] = [{"title": f"{source.publisher}: {source.title}", **({"path": source.url} if source.url else {})}
                          for source in story.sources.values()]
    package["resources"] = [{
        "name": "facts", "path": urls.in_data_package(urls.FACTS_CSV), "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
        "description": "every fact of the story: its value with unit and qualifier, period, source and evidence",
        "schema": {"fields": fields, "primaryKey": ["id"]},
    }]
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
