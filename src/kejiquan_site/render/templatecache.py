"""Compiled templates kept between runs: Jinja's bytecode cache in the build's cache folder, one
subfolder per engine, Jinja and Python version and per set of compile-time settings (filters,
tests, syntax), so no compiled template outlives what it was compiled for.

An entry is trusted only whole (a digest of its bytes is checked before Jinja reads it); a cache
that cannot be read or written is skipped and the template compiled as without one. A read-only
cache (`kejiquan check`) is used but never written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path

import jinja2

from kejiquan_site import __version__

CACHE_FOLDER = "jinja"  # inside the build's cache folder
DIGEST_SIZE = 32


class CheckedBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file-system cache, each entry prefixed with a BLAKE2 digest of its bytes and
    written whole or not at all (or never, when `read_only`)."""

    def __init__(self, directory: str, read_only: bool = False) -> None:
        super().__init__(directory)
        self.read_only = read_only

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = Path(self._get_cache_filename(bucket)).read_bytes()
        except OSError:  # missing or unreadable: compiled again
            return
        digest, body = data[:DIGEST_SIZE], data[DIGEST_SIZE:]
        if not body or hashlib.blake2b(body, digest_size=DIGEST_SIZE).digest() != digest:
            return
        try:
            bucket.bytecode_from_string(body)
        except Exception:  # an entry of another Jinja that passed its digest: compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.read_only:
            return
        body = bucket.bytecode_to_string()
        path = Path(self._get_cache_filename(bucket))
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(hashlib.blake2b(body, digest_size=DIGEST_SIZE).digest() + body)
            temporary.replace(path)
        except OSError:  # a read-only or full disk: the build goes on without keeping it
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def bytecode_cache(cache: Path, env: jinja2.Environment, read_only: bool = False) -> CheckedBytecodeCache:
    """The bytecode cache for templates compiled by `env`, below the build's cache folder."""
    return CheckedBytecodeCache(str(cache / CACHE_FOLDER / _compiled_for(env)), read_only)


def _compiled_for(env: jinja2.Environment) -> str:
    """The engine and Python version, and a hash of what compiled code depends on: the Jinja
    version, the syntax and whitespace options, autoescaping, extensions, filter and test names
    (an unknown filter is an error at compile time, so a cached template must not skip it)."""
    settings = [jinja2.__version__, env.block_start_string, env.block_end_string, env.variable_start_string,
                env.variable_end_string, env.comment_start_string, env.comment_end_string,
                env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                env.newline_sequence, env.keep_trailing_newline, env.optimized, repr(env.autoescape),
                sorted(env.extensions), sorted(env.filters), sorted(env.tests)]
    digest = hashlib.sha256(json.dumps(settings).encode("utf-8")).hexdigest()[:16]
    return f"{__version__}-{sys.implementation.cache_tag}-{digest}"
