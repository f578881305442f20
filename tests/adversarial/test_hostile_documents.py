"""``parley replay`` of files that are not transcripts, or transcripts built to hurt: one line each."""

from __future__ import annotations

import pytest
from hostile import held

from simulator.cli.document import MAX_DOCUMENT_BYTES, read_document
from simulator.errors import SnapshotError


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "not a Parley transcript: its values are nested too deep"),
        (b'{"a": ' * 5000 + b"1" + b"}" * 5000, "not a Parley transcript: its values are nested too deep"),
        (
            b'{"format": "parley-transcript", "version": ' + b"9" * 5000 + b"}",
            "not a Parley transcript: a number of 5,000 digits",
        ),
        (b'{"format": NaN}', "not a Parley transcript: NaN is not a number JSON allows"),
        (
            b'{"format": "parley-transcript", "version": -Infinity}',
            "not a Parley transcript: -Infinity is not a number JSON allows",
        ),
        (b'{"format": "caf\xe9"}', "not UTF-8 text (byte 15)"),
        (b"{", "1:2: not JSON: Expecting property name enclosed in double quotes"),
    ],
    ids=["deep-lists", "deep-objects", "long-number", "nan", "infinity", "latin-1", "truncated"],
)
def test_a_hostile_document_is_one_snapshot_error(tmp_path, content, reason, hostile_cli):
    path = tmp_path / "run.json"
    path.write_bytes(content)
    with pytest.raises(SnapshotError) as info:
        read_document(path)
    sep = "" if reason[0].isdigit() else " "
    assert str(info.value) == f"{path}:{sep}{reason}"
    result = hostile_cli(["replay", path])
    held(result)
    assert result.returncode == 2 and result.stderr == f"parley: error: {path}:{sep}{reason}\n"


def test_a_document_past_the_size_limit_is_not_read_whole(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as f:
        f.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(SnapshotError) as info:
        read_document(path)
    assert str(info.value) == f"{path}: larger than {MAX_DOCUMENT_BYTES:,} bytes; not a Parley transcript"


def test_a_folder_is_not_a_document(tmp_path):
    with pytest.raises(SnapshotError) as info:
        read_document(tmp_path)
    assert str(info.value) == f"{tmp_path}: cannot read: Is a directory"
