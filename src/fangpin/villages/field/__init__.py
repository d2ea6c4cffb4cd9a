"""Village work, field half: grids, visits (八必访), farmers' own reports, policies, liaisons."""
