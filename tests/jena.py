"""Jena SHACL (Debian's libapache-jena-java) as a fourth engine for the portability tests.

Debian's jena-core 4.5 shades Xerces into the package `xerces` but leaves its message resources
under `org/apache/jena/ext/xerces`, so Jena fails on start-up ("internal error" in
XSSimpleTypeDecl); a folder with the resources where the code looks for them, ahead on the class
path, makes it start. Each run is one JVM (about 2 s), so the tests give it the real data and one
fixture per SHACL-SPARQL constraint.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pyoxigraph as ox

from .services import missing

JARS = Path("/usr/share/java")
SHADED = "org/apache/jena/ext/"
#: The Java libraries libapache-jena-java depends on (its Debian package's Depends), by jar.
LIBRARIES = [
    "jena-arq",
    "jena-base",
    "jena-cmds",
    "jena-core",
    "jena-dboe-base",
    "jena-dboe-index",
    "jena-dboe-storage",
    "jena-dboe-trans-data",
    "jena-dboe-transaction",
    "jena-iri",
    "jena-rdfconnection",
    "jena-rdfpatch",
    "jena-shacl",
    "jena-shex",
    "jena-tdb",
    "jena-tdb2",
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jsonld-java",
    "protobuf",
    "slf4j-api",
    "slf4j-nop",
    "thrift",
    "caffeine",
    "titanium-json-ld",
    "jakarta.json-api",
    "jakarta.json",
    "dexx.collection",
]


MISSING = missing("Jena SHACL (Debian's libapache-jena-java) is not installed")


def available() -> bool:
    return shutil.which("java") is not None and (JARS / "jena-shacl.jar").exists()


def classpath(work: Path) -> str:
    resources = work / "jena-resources"
    if not resources.exists():
        with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith(SHADED + "xerces/") and name.endswith(".properties"):
                    target = resources / name.removeprefix(SHADED)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    jars = [str(JARS / f"{name}.jar") for name in LIBRARIES if (JARS / f"{name}.jar").exists()]
    return ":".join([str(resources), *jars])


def report(data: list[ox.Triple], shapes: list[ox.Triple], work: Path) -> list[ox.Triple]:
    """Jena's validation report of the data against the shapes, as triples."""
    data_file, shapes_file = work / "data.nt", work / "shapes.nt"
    data_file.write_bytes(ox.serialize(data, format=ox.RdfFormat.N_TRIPLES))
    shapes_file.write_bytes(ox.serialize(shapes, format=ox.RdfFormat.N_TRIPLES))
    completed = subprocess.run(
        [
            "java",
            "-cp",
            classpath(work),
            "shacl.shacl",
            "validate",
            "--shapes",
            str(shapes_file),
            "--data",
            str(data_file),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    return [q.triple for q in ox.parse(completed.stdout, format=ox.RdfFormat.TURTLE)]
