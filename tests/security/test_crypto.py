"""PHI field encryption (AES-GCM, key file outside the DB)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select

from assistant.security import crypto
from assistant.security.crypto import EncryptedString


def test_encrypted_column_round_trip_and_raw_bytes(settings, tmp_path) -> None:
    meta = MetaData()
    patients = Table(
        "patients_demo",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", EncryptedString(context="patients.name")),
        Column("member_id", EncryptedString(context="patients.member_id"), nullable=True),
    )
    db_file = tmp_path / "phi.db"
    engine = create_engine(f"sqlite:///{db_file}")
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(patients.insert(), [{"id": 1, "name": "Zebediah Quillfeather", "member_id": None}])
    with engine.connect() as conn:
        row = conn.execute(select(patients)).one()
        stored = conn.exec_driver_sql("SELECT name FROM patients_demo").scalar()
    engine.dispose()
    assert row.name == "Zebediah Quillfeather" and row.member_id is None
    assert stored.startswith("enc1:") and "Quillfeather" not in stored
    assert b"Quillfeather" not in db_file.read_bytes()
    key = settings.resolved_phi_key_path
    assert (
        key.exists()
        and key.parent == settings.data_dir / "keys"
        and oct(key.stat().st_mode & 0o777) == "0o600"
    )
    assert key.read_bytes() not in db_file.read_bytes()


def test_context_binding_wrong_key_and_nonce_freshness(settings, tmp_path) -> None:
    cipher = crypto.current_cipher()
    a, b = cipher.encrypt("1990-04-01", "patients.dob"), cipher.encrypt("1990-04-01", "patients.dob")
    assert a != b and cipher.decrypt(a, "patients.dob") == "1990-04-01"
    import pytest

    from assistant.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        cipher.decrypt(a, "patients.name")  # copied into another column: refused
    with pytest.raises(InvalidInput, match="PHI key"):
        crypto.PhiCipher(b"\x01" * 32).decrypt(a, "patients.dob")
    assert (
        cipher.blind_index("M123", "member")
        == cipher.blind_index("M123", "member")
        != cipher.blind_index("M124", "member")
    )
