"""BackCare's tests. A regular package, so that `tests.*` imports find these files and not a
`tests` package some dependency installs at the top level (textstat 0.7.13 ships one)."""
