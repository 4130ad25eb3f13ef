"""The live preview: rebuilds on every change, and its local web server."""
