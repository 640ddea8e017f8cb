"""Tools behind `make coverage` and `make mutate`; never imported by the app or its tests."""
