"""Table-driven tests of the detectors (one module per kind of off-site contact)."""
