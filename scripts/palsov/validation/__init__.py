"""Validation: the shapes graph (`shapes`), SHACL compiled to SPARQL through a registry of
constraint components (`components`, `sparql_constraints`), other engines behind one interface
(`engines`), the project's own checks (`checks`), the report (`report`), running it all and the
one "validate, then act" policy (`validate`), and the W3C test suite run as data (`w3c_suite`)."""

#: The engines `palsov validate --engine` can name: ours (SHACL compiled to SPARQL), then the others
#: of `engines.ENGINES`. Named here so that the command line offers them without importing one.
ENGINE_NAMES = ("sparql", "pyshacl", "pyshacl-turbo", "pyrudof")
