"""REFI-QDA exports as ATLAS.ti 8, other QDA tools and codebook exports write them (fixtures
written here from the REFI-QDA standard): every code is kept as a label, missing sources named."""

from __future__ import annotations

import zipfile
from pathlib import Path

from annotator.core.formats import import_paths
from annotator.core.store import Store

G = "00000000-0000-4000-8000-0000000000{:02d}".format
TEXT = "Sony said Yoshida resigned."


def project_xml(sources: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Interviews" origin="ATLAS.ti 8">
  <Users><User guid="{G(1)}" name="Ana"/></Users>
  <CodeBook><Codes>
    <Code guid="{G(2)}" name="Actor" isCodable="true" color="#ff0000">
      <Code guid="{G(3)}" name="Company" isCodable="true"/>
    </Code>
    <Code guid="{G(4)}" name="Never used" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>{sources}</Sources>
</Project>"""


PRESENT = f"""<TextSource guid="{G(10)}" name="Interview 1" plainTextPath="internal://{G(10)}.txt">
  <PlainTextSelection guid="{G(11)}" name="Sony" startPosition="0" endPosition="4" creatingUser="{G(1)}">
    <Description>the company</Description>
    <Coding guid="{G(12)}"><CodeRef targetGUID="{G(3)}"/></Coding>
  </PlainTextSelection>
  <PlainTextSelection guid="{G(13)}" startPosition="10" endPosition="17">
    <Coding guid="{G(14)}"><CodeRef targetGUID="{G(2)}"/></Coding>
  </PlainTextSelection>
</TextSource>"""
MISSING = f"""<TextSource guid="{G(20)}" name="Interview 2" plainTextPath="internal://{G(20)}.txt">
  <PlainTextSelection guid="{G(21)}" startPosition="0" endPosition="3">
    <Coding guid="{G(22)}"><CodeRef targetGUID="{G(2)}"/></Coding>
  </PlainTextSelection>
</TextSource>"""


def load(tmp_path: Path, path: Path):
    with Store.open(tmp_path / "p.annotator", annotator="importer") as store:
        summary = import_paths(store, [path], "qdpx")
        assert summary.refused == [], summary.refused
        spans = [
            (store.article(a).title, store.article(a).text[s.start : s.end], s.label, s.note, s.annotator)
            for a in store.article_ids()
            for s in store.spans(a)
        ]
        labels = [label.name for label in store.labels()]
    return spans, labels, [n for n in summary.notes]


def test_atlas_ti_8_archive_with_capitalised_names_and_a_missing_source(tmp_path):
    path = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Project.qde", project_xml(PRESENT + MISSING))
        archive.writestr(f"Sources/{G(10)}.txt", TEXT)
    spans, labels, notes = load(tmp_path, path)
    assert spans == [
        ("Interview 1", "Sony", "Company", "the company", "Ana"),
        ("Interview 1", "Yoshida", "Actor", "", "importer"),
    ]
    assert {"Actor", "Company", "Never used"} <= set(labels)
    assert notes == [
        "atlas.qdpx: sources referenced but missing: Interview 2",
        "atlas.qdpx: 1 coding in missing sources left out; "
        "1 source referenced but missing (their codes still kept as labels); "
        "1 code without codings kept as labels",
    ]


def test_a_bare_qde_reads_its_sources_from_the_folder_beside_it(tmp_path):
    folder = tmp_path / "export"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / f"{G(10)}.txt").write_text(TEXT, encoding="utf-8")
    outside = f'<TextSource guid="{G(30)}" name="Elsewhere" plainTextPath="file:///etc/hostname"/>'
    (folder / "project.qde").write_text(project_xml(PRESENT + outside), encoding="utf-8")
    spans, _, notes = load(tmp_path, folder)  # the folder is searched for .qde files
    assert [s[1:3] for s in spans] == [("Sony", "Company"), ("Yoshida", "Actor")]
    assert notes[0] == "project.qde: sources referenced but missing: Elsewhere"


def test_a_codebook_alone_imports_its_codes_as_labels(tmp_path):
    path = tmp_path / "codes.qdc"
    path.write_text(
        f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo"><Codes>
  <Code guid="{G(2)}" name="Economic frame" isCodable="true">
    <Code guid="{G(3)}" name="Costs" isCodable="true"/>
  </Code>
  <Code guid="{G(4)}" name="Morality frame" isCodable="true"/>
</Codes></CodeBook>""",
        encoding="utf-8",
    )
    spans, labels, notes = load(tmp_path, path)
    assert spans == []
    assert labels[-3:] == ["Economic frame", "Costs", "Morality frame"]
    assert notes == ["codes.qdc: 3 codes of a codebook kept as labels"]


def test_a_huge_codebook_adds_at_most_a_thousand_labels(tmp_path):
    codes = "".join(f'<Code guid="{n}" name="code {n}" isCodable="true"/>' for n in range(1500))
    path = tmp_path / "big.qdc"
    path.write_text(f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>', "utf-8")
    _, labels, notes = load(tmp_path, path)
    assert len([name for name in labels if name.startswith("code ")]) == 1000
    assert notes == [
        "big.qdc: 1,000 codes of a codebook kept as labels; 500 codes beyond the first 1000 left out"
    ]


CRLF_TEXT = "Interview 1\r\nSony said Yoshida resigned.\r\nThe board agreed.\r\n"


def crlf_project(origin: str, sony: int) -> str:
    """A source with CRLF line endings; its selections have no `name` to check them against."""
    source = f"""<TextSource guid="{G(10)}" name="Interview 1" plainTextPath="internal://{G(10)}.txt">
  <PlainTextSelection guid="{G(11)}" startPosition="{sony}" endPosition="{sony + 4}">
    <Coding guid="{G(12)}"><CodeRef targetGUID="{G(3)}"/></Coding>
  </PlainTextSelection>
</TextSource>"""
    return project_xml(source).replace('origin="ATLAS.ti 8"', f'origin="{origin}"')


def test_crlf_positions_follow_the_tool_that_wrote_them(tmp_path):
    """ATLAS.ti counts a CRLF as one character, MAXQDA as two: an ATLAS.ti project's selection
    after a line break landed one character early ("\\nSon" coded instead of "Sony")."""
    found = {}
    for origin, sony in [("ATLAS.ti 9.1.7", 12), ("MAXQDA 2022", 13)]:
        path = tmp_path / f"{origin.split()[0]}.qdpx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", crlf_project(origin, sony))
            archive.writestr(f"sources/{G(10)}.txt", CRLF_TEXT)
        (tmp_path / "p.annotator").unlink(missing_ok=True)
        found[origin] = load(tmp_path, path)[::2]
    assert found["ATLAS.ti 9.1.7"][0] == [("Interview 1", "Sony", "Company", "", "importer")]
    assert found["MAXQDA 2022"][0] == [("Interview 1", "Sony", "Company", "", "importer")]
    assert "read with positions counting CR and LF" not in found["ATLAS.ti 9.1.7"][1][0]
    assert (
        "1 source with CRLF line endings read with positions counting CR and LF" in found["MAXQDA 2022"][1][0]
    )
