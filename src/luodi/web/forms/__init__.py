"""Form routes: the coordinator's and owners' POSTs from pages, CSRF-checked, redirecting back."""
