"""Publishing a validated graph: the build's transaction (`build`), every RDF format (`formats`),
JSON-LD and its context (`jsonld`), the framed timeline (`timeline`), the VoID/DCAT description
(`void`), the ontology page (`ontology_page`), the charts (`charts`), the counts (`stats`), and the
forked workers the exports run on (`parallel`), and the static site (`site`: a page and three RDF
forms per IRI, laid out by `site.layout`); an SSSOM mapping writer (issue 15) beside `formats`."""
