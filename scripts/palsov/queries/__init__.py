"""Saved queries (`saved`: grlc headers, typed parameters) and running them (`run`: on the embedded
store or an endpoint, results written by pyoxigraph). Later stages of querying land here: resource
descriptions and ad-hoc queries (issue 16) beside `run`."""
