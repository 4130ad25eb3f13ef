"""The chain of steps from a project to a site in memory, and the one write to the output folder."""
