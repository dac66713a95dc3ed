"""Call scripts: branching scripts, where they apply, the runs and what they lead to."""
