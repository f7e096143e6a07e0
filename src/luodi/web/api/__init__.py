"""/api/v1: JSON routes with their request and response schemas beside them."""
