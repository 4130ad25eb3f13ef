"""Reading the content folder: strict YAML and text, one file at a time, into facts, charts and pages, with the problems found in them."""
