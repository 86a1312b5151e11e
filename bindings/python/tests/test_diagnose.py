"""Client.diagnose: the library's diagnosis (what ``authsignal-terminal doctor`` prints),
through the C ABI, without creating a payment and without the terminal id in clear."""

from __future__ import annotations

import uuid

import authsignal_terminal as at


def test_diagnose_reports_each_check_and_hides_the_id(client: at.Client) -> None:
    secret = f"tid_py_diag_{uuid.uuid4().hex}"
    accepted = client.diagnose(secret)
    assert accepted.passed
    names = [check["name"] for check in accepted.report["checks"]]
    assert names == ["config", "proxy", "dns", "tcp", "tls", "clock", "terminal_id"]
    assert accepted.report["terminal_id"]["accepted"] is True
    assert accepted.report["no_payment_started"] is True
    assert "No payment was started." in accepted.text

    refused = client.diagnose("unpaired_" + secret)
    assert not refused.passed
    assert refused.report["terminal_id"]["accepted"] is False
    assert "[ fail ] terminal_id" in refused.text
    for result in (accepted, refused):
        assert secret not in result.text and secret not in str(result.report)

    skipped = client.diagnose()
    assert skipped.report["checks"][-1]["verdict"] == "skipped"
