"""The Markdown of pages: the parser's extensions, what a page references, what a page may cost."""
