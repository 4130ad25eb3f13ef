"""The whole story: the files read, combined and cross-checked, in one language or the other."""
