"""A browser names its old session when it reconnects; only then may a session be a lost one."""

import pytest

from backcare.ui.reconnect import old_session_id


@pytest.mark.parametrize(
    ("header", "old"),
    [
        ("streamlit, 2|2302a40d|1e38ca32|1796006250", None),  # a page opened afresh
        ("streamlit, 2|2302a40d|1e38ca32|1796006250, 29f1335c-e020-4b24", "29f1335c-e020-4b24"),
        ("streamlit, , 29f1335c-e020-4b24", "29f1335c-e020-4b24"),
        ("streamlit, 2|2302a40d|1e38ca32|1796006250, ", None),
        ("", None),
    ],
)
def test_a_session_id_after_the_xsrf_token_names_an_old_session(header, old):
    assert old_session_id(header) == old
