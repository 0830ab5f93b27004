"""An import never trusts the archive: every crafted file below is refused with one line
naming the file and the reason, a non-zero exit, and the project left exactly as it was
(or, when the import would have created it, no project file at all)."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SHIPPED_CODEBOOK, Targets, dump_file
from workbench.errors import InputError
from workbench.exchange.refi.safety import Limits, has_doctype
from workbench.project import db
from workbench.services.importing import import_qdpx

GOOD_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="test">
  <CodeBook><Codes>
    <Code guid="00000001-0000-4000-8000-000000000001" name="imported" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="00000002-0000-4000-8000-000000000002" name="doc"
        plainTextPath="internal://00000002-0000-4000-8000-000000000002.txt">
      <PlainTextSelection guid="00000003-0000-4000-8000-000000000003" startPosition="0"
          endPosition="5">
        <Coding guid="00000004-0000-4000-8000-000000000004">
          <CodeRef targetGUID="00000001-0000-4000-8000-000000000001"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
SOURCE = "sources/00000002-0000-4000-8000-000000000002.txt"

XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;" origin="evil"/>
"""
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>\n'
)


@pytest.fixture
def study(tmp_path: Path, cli, targets: Targets) -> Path:  # type: ignore[no-untyped-def]
    path = targets.new("study")
    cli("init", path, "--codebook", SHIPPED_CODEBOOK, "--language", "en")
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: How is the library?\nInterviewee: It feels welcoming.\n")
    cli("import", path, good)
    cli("code", path, "good", 0, 11, "welcome")
    return path


def _zip(path: Path, members: dict[str, bytes | str], *, qde: bool = True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if qde:
            archive.writestr("project.qde", GOOD_QDE)
            archive.writestr(SOURCE, "Hello world, a text.\r\n")
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _refused(cli, study: Path, bad: Path, expect: str) -> str:  # type: ignore[no-untyped-def]
    before = dump_file(study)
    result = cli("import-qdpx", bad, study, ok=False)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(bad) in lines[0], lines[0]
    assert expect in lines[0], lines[0]
    assert result.stdout == ""
    assert dump_file(study) == before
    # Into a project that does not exist yet: refused before anything is created.
    fresh = cli.targets.new("fresh")
    result = cli("import-qdpx", bad, fresh, ok=False)
    assert result.exit_code != 0 and expect in result.stderr
    assert not db.project_exists(fresh)
    if isinstance(fresh, Path):
        assert not fresh.exists() and not Path(f"{fresh}-wal").exists()
    return lines[0]


def test_the_good_archive_imports(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The control: the same archive without the crafted member imports."""
    good = _zip(tmp_path / "good.qdpx", {})
    cli("import-qdpx", good, study)
    assert len(dump_file(study)["segment"]) == 2


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.txt", "escapes the archive folder"),
        ("sources/../../evil.txt", "escapes the archive folder"),
        ("/abs/path.txt", "has an absolute path"),
        ("C:/windows/evil.txt", "has an absolute path"),
        ("..\\evil.txt", "has a backslash"),
    ],
)
def test_member_paths_that_escape_are_refused(
    cli, study: Path, tmp_path: Path, member: str, reason: str
) -> None:  # type: ignore[no-untyped-def]
    bad = _zip(tmp_path / "evil.qdpx", {member: b"owned"})
    line = _refused(cli, study, bad, reason)
    assert repr(member) in line
    assert not (tmp_path / "evil.txt").exists()


def test_a_symlink_member_is_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "link.qdpx"
    _zip(bad, {})
    with zipfile.ZipFile(bad, "a") as archive:
        info = zipfile.ZipInfo("sources/link.txt")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    _refused(cli, study, bad, "member 'sources/link.txt' is a symbolic link")


@pytest.mark.parametrize(
    ("xml", "name"),
    [(XXE, "xxe"), (BILLION_LAUGHS, "billion-laughs")],
)
def test_xml_with_a_doctype_is_refused(
    cli, study: Path, tmp_path: Path, xml: str, name: str
) -> None:  # type: ignore[no-untyped-def]
    in_zip = tmp_path / f"{name}.qdpx"
    with zipfile.ZipFile(in_zip, "w") as archive:
        archive.writestr("project.qde", xml)
    _refused(cli, study, in_zip, "member project.qde: XML with a DOCTYPE is refused")
    bare = tmp_path / f"{name}.qde"
    bare.write_text(xml)
    _refused(cli, study, bare, "XML with a DOCTYPE is refused")


def test_a_doctype_hidden_after_comments_or_in_utf16_is_found() -> None:
    hidden = "<?xml version='1.0'?>\n<!-- a <!DOCTYPE in a comment is harmless -->\n" + XXE[22:]
    assert has_doctype(hidden.encode())
    assert has_doctype(XXE.replace('encoding="utf-8"', "").encode("utf-16"))
    assert has_doctype(b"\xef\xbb\xbf" + XXE.encode())
    assert not has_doctype(b"<?xml version='1.0'?><!-- <!DOCTYPE x> --><Project/>")
    assert not has_doctype(GOOD_QDE.encode())


def test_a_codebook_with_a_doctype_is_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "book.qdc"
    bad.write_text(
        '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY e SYSTEM "http://example.org/x">]>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="00000001-0000-4000-8000-000000000001" name="&e;" isCodable="true"/>'
        "</Codes></CodeBook>"
    )
    _refused(cli, study, bad, "XML with a DOCTYPE is refused")


def test_an_oversized_member_is_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.qdpx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("project.qde", GOOD_QDE)
        archive.writestr(SOURCE, b"word " * (1024 * 1024 // 5 + 1))  # just over 1 MB
    before = dump_file(study)  # the command line's bound, set to 1 MB
    result = cli("import-qdpx", big, study, "--max-member-mb", "1", ok=False)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code != 0 and len(lines) == 1
    assert str(big) in lines[0] and f"member {SOURCE!r} is" in lines[0]
    assert "more than the limit of 1048576" in lines[0]
    assert dump_file(study) == before


def test_size_bounds_in_the_core(tmp_path: Path, project) -> None:  # type: ignore[no-untyped-def]
    before = _dump(project)
    archive = _zip(tmp_path / "a.qdpx", {"sources/extra.txt": b"x" * 1500})
    for limits, reason in [
        (Limits(max_member_bytes=1000), "member 'sources/extra.txt' is 1500 bytes"),
        (Limits(max_total_bytes=2000), "add up to more than 2000 bytes"),
        (Limits(max_members=2), "3 members, more than the limit of 2"),
        (Limits(max_ratio=5, ratio_floor=100), "compressed"),
    ]:
        with pytest.raises(InputError, match=reason) as caught:
            import_qdpx(project, archive, limits=limits)
        assert str(archive) in str(caught.value)
        assert _dump(project) == before
    bare = tmp_path / "big.qde"
    bare.write_text(GOOD_QDE)
    with pytest.raises(InputError, match="more than the limit of 100"):
        import_qdpx(project, bare, limits=Limits(max_member_bytes=100))


def _dump(project: db.Project) -> dict[str, object]:
    from tests.conftest import dump

    return dump(project)  # type: ignore[return-value]


def test_a_zip_bomb_is_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bomb = _zip(tmp_path / "bomb.qdpx", {"sources/zeros.txt": b"\0" * (4 * 1024 * 1024)})
    _refused(cli, study, bomb, "(a zip bomb?)")


def test_too_many_members_are_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    many = tmp_path / "many.qdpx"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("project.qde", GOOD_QDE)
        for index in range(10_000):
            archive.writestr(f"sources/{index}.txt", b"")
    _refused(cli, study, many, "10001 members, more than the limit of 10000")


def test_not_a_zip(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "notes.qdpx"
    bad.write_text("These are my notes, not an archive.\n")
    _refused(cli, study, bad, "not a zip archive")
    truncated = tmp_path / "cut.qdpx"
    truncated.write_bytes(_zip(tmp_path / "whole.qdpx", {}).read_bytes()[:200])
    _refused(cli, study, truncated, "damaged zip archive")


def test_a_zip_without_a_qde(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = _zip(tmp_path / "empty.qdpx", {"readme.txt": "hello"}, qde=False)
    _refused(cli, study, bad, "no .qde file inside")


def test_two_qde_files_without_project_qde_are_ambiguous(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = _zip(tmp_path / "two.qdpx", {"a.qde": GOOD_QDE, "b.qde": GOOD_QDE}, qde=False)
    _refused(cli, study, bad, "more than one .qde file inside")


def test_malformed_xml_and_wrong_root(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.qde"
    broken.write_text(GOOD_QDE[:300])
    _refused(cli, study, broken, "not well-formed XML")
    other = tmp_path / "other.qde"
    other.write_text('<?xml version="1.0"?><html><body/></html>')
    _refused(cli, study, other, "not a REFI-QDA project or codebook (root element <html>)")


def test_a_damaged_member_is_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = _zip(tmp_path / "crc.qdpx", {})
    data = bytearray(good.read_bytes())
    marker = data.find(b"PK\x03\x04", 10)  # the second member: the source text
    name_length = int.from_bytes(data[marker + 26 : marker + 28], "little")
    body = marker + 30 + name_length
    data[body + 2] ^= 0xFF  # flip bits inside the compressed text
    good.write_bytes(bytes(data))
    _refused(cli, study, good, "is damaged")


def test_a_selection_without_offsets_is_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "offsets.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", GOOD_QDE.replace('startPosition="0"', 'startPosition="x"'))
        archive.writestr(SOURCE, "Hello world, a text.\r\n")
    _refused(cli, study, bad, "has no valid startPosition/endPosition")


def test_a_binary_source_is_refused(cli, study: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "binary.qdpx"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("project.qde", GOOD_QDE)
        archive.writestr(SOURCE, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40)
    _refused(cli, study, bad, "looks like a binary file")
