"""Rendering in memory: pages, charts, assets, downloads, feeds and the files for machines."""
