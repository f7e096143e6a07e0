"""SVG geometry for the pictures: the dependency graph and the milestone timeline."""
