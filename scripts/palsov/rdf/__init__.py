"""RDF machinery, knowing nothing of palsov's layout: every IRI once (`vocab`), every term
conversion once (`terms`), reading files once with the one error mapping and the one format table
(`io`), the knowledge graph (`graph`), writing files whole (`files`), SPARQL with typed results and
its tokens (`sparql`), and the one HTTP client (`http`)."""
