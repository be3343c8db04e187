"""Editorial integrity: the review workflow, history and reverts, duplicate checks and
merges. Knows nothing of how the archive is shown."""
