"""The static site (issue 17): one folder per IRI under our base (`layout`), each holding the
resource's page and its own description in three RDF forms."""
