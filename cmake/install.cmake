# Install rules (filled in by its owner).
