"""Validation: the shapes graph (`shapes`), SHACL compiled to SPARQL through a registry of
constraint components (`components`, `sparql_constraints`), other engines behind one interface
(`engines`), the project's own checks (`checks`), the report (`report`), running it all and the
one "validate, then act" policy (`validate`), and the W3C test suite run as data (`w3c_suite`)."""
