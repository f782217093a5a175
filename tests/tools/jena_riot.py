"""Run Apache Jena's ``riot`` from Debian's ``libapache-jena-java`` on RDF files.

    python -m tests.tools.jena_riot FILE...      # riot --validate each file; exit 1 on any error

Debian 12 ships Jena 4.5 as jars but no ``riot`` launcher, and that Jena cannot start
as packaged: its renamed Xerces (package ``xerces.*`` inside ``jena-core.jar``) looks
for its message files under ``xerces/impl/msg/`` while the jar holds them under
``org/apache/jena/ext/xerces/impl/msg/``, so the first XSD datatype fails with
"RuntimeException: internal error". This module copies those ``.properties`` files to
the path Xerces reads, in a temporary folder put first on the class path, and builds
the class path from the package's own dependencies (every jar of ``/usr/share/java``
together brings two SLF4J bindings and a logging loop, which also stops Jena).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

__all__ = ["available", "riot"]

JAVA_DIR = Path("/usr/share/java")
#: libapache-jena-java and the Debian packages it depends on (``apt-cache depends``).
PACKAGES = (
    "libapache-jena-java", "libcommons-cli-java", "libcommons-codec-java", "libcommons-compress-java",
    "libcommons-csv-java", "libcommons-io-java", "libcommons-lang3-java", "libdexx-java",
    "libgoogle-gson-java", "libguava-java", "libhttpclient-java", "libhttpcore-java",
    "libcommons-logging-java", "libjackson2-core-java", "libjackson2-databind-java",
    "libjackson2-annotations-java", "libjsonld-java", "libjsonp2-java", "libprotobuf-java",
    "libslf4j-java", "libthrift-java", "libtitanium-json-ld-java",
)
#: One SLF4J binding (java.util.logging, so riot's messages reach stderr); the others and the
#: bridges would make two bindings or a logging loop.
_NOT_JARS = re.compile(r"slf4j-(?!api|jdk14)|log4j-over|jcl-over|jul-to|-\d[\d.]*\.jar$")
_XERCES_MSG = "org/apache/jena/ext/xerces/"


def _class_path(extra: Path) -> str | None:
    jars: set[str] = set()
    for package in PACKAGES:
        done = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
        jars.update(line for line in done.stdout.splitlines()
                    if line.startswith(f"{JAVA_DIR}/") and line.endswith(".jar") and "/" not in
                    line[len(str(JAVA_DIR)) + 1:] and not _NOT_JARS.search(line))
    if not any(j.endswith("/jena-core.jar") for j in jars):
        return None
    return ":".join([str(extra), *sorted(jars)])


def available() -> str | None:
    """None when riot can run here, else why not (for a test's skip reason)."""
    if shutil.which("java") is None:
        return "no java on PATH (apt-get install default-jre-headless libapache-jena-java)"
    if not (JAVA_DIR / "jena-core.jar").is_file() or shutil.which("dpkg") is None:
        return "Debian's libapache-jena-java is not installed"
    return None


def riot(*files: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``riot --validate --strict FILES`` (exit status 0 when every file parses without error)."""
    with tempfile.TemporaryDirectory(prefix="jena-xerces-") as tmp:
        fix = Path(tmp)
        with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith(_XERCES_MSG) and name.endswith(".properties"):
                    target = fix / name[len("org/apache/jena/ext/"):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
        cp = _class_path(fix)
        if cp is None:
            raise RuntimeError("Jena's jars are missing from /usr/share/java")
        # Jena's JSON-LD 1.1 reader (Titanium) needs a Jakarta JSON-P implementation that Debian 12
        # does not package; its JSON-LD 1.0 reader (jsonld-java) reads our files, which use 1.0 only.
        groups = [[f for f in files if f.suffix != ".jsonld"], [f for f in files if f.suffix == ".jsonld"]]
        runs = [subprocess.run(["java", "-cp", cp, "riotcmd.riot", "--validate", "--strict",
                                *(["--syntax=jsonld10"] if i else []), *map(str, group)],
                               capture_output=True, text=True, timeout=timeout)
                for i, group in enumerate(groups) if group]
        return subprocess.CompletedProcess([r.args for r in runs], max(r.returncode for r in runs),
                                           "".join(r.stdout for r in runs), "".join(r.stderr for r in runs))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    why = available()
    if why:
        print(f"jena_riot: {why}", file=sys.stderr)
        return 2
    done = riot(*map(Path, args))
    sys.stderr.write(done.stderr)
    sys.stdout.write(done.stdout)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
