"""The site's layout contract: the IRI → folder mapping and the media type → file table."""

from pathlib import PurePosixPath

import pytest

from palsov.publish.site.layout import HOME, NOT_FOUND, RDF_FORMS, Form, document_iri, file, folder, iri_of_folder

BASE = "https://w3id.org/palsov/"


def test_a_resource_iri_is_its_path_as_a_folder():
    assert folder(BASE + "id/actor/soviet-union") == PurePosixPath("id/actor/soviet-union")
    assert file(BASE + "id/actor/soviet-union", Form.TURTLE) == PurePosixPath("id/actor/soviet-union/index.ttl")
    nested = BASE + "id/event/nikita-khrushchev-visit-to-egypt/time"
    assert folder(nested) == PurePosixPath("id/event/nikita-khrushchev-visit-to-egypt/time")


def test_a_hash_iri_belongs_to_its_document():
    assert document_iri(BASE + "ontology#Event") == BASE + "ontology"
    assert folder(BASE + "ontology#Event") == PurePosixPath("ontology")
    assert file(BASE + "shapes#EventShape", Form.HTML) == PurePosixPath("shapes/index.html")


def test_the_base_is_the_home_page():
    assert folder(BASE) == PurePosixPath(".")
    assert PurePosixPath(".") / Form.HTML.file_name == HOME
    assert file(BASE, Form.HTML) == HOME
    assert str(NOT_FOUND) == "404.html"
    assert iri_of_folder("/") == BASE
    assert iri_of_folder("/id/actor/soviet-union/") == BASE + "id/actor/soviet-union"


@pytest.mark.parametrize(
    "iri",
    [
        "https://example.org/palsov/id/actor/x",
        "http://w3id.org/palsov/id/actor/x",
        BASE + "id//actor",
        BASE + "id/../etc",
        BASE + "id/a%2Fb",
        BASE + "id/x?y=1",
    ],
)
def test_an_iri_without_a_plain_folder_is_refused(iri):
    with pytest.raises(ValueError):
        folder(iri)


def test_each_media_type_has_one_file():
    assert {form.media_type: form.file_name for form in Form} == {
        "text/html": "index.html",
        "text/turtle": "index.ttl",
        "application/ld+json": "index.jsonld",
        "application/n-triples": "index.nt",
    }
    assert Form.of_media_type("Text/Turtle; charset=utf-8") is Form.TURTLE
    assert Form.of_media_type("application/rdf+xml") is None
    assert Form.HTML not in RDF_FORMS and len(RDF_FORMS) == 3
