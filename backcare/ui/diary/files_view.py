"""Export and import: the diary as a CSV or JSON download, and a file read back in.

An import file is checked whole before anything changes and shown as a preview;
the person then merges it into the diary or replaces the diary with it (the
second only after ticking that the current entries go). Checking runs once per
uploaded file, not on every rerun.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from backcare.diary import changes, files
from backcare.diary.entries import DiaryError, Entry, as_dicts, between, vocabulary
from backcare.ui import diary_state
from backcare.ui.diary import browser_copy, flash
from backcare.ui.diary_state import PARSED, UPLOAD_ROUND

#: Entries of an import file shown before it is imported.
PREVIEW_ROWS = 10


def export(entries: tuple[Entry, ...]) -> None:
    """The "Export" part: two downloads, off while the diary is empty."""
    st.subheader("Export")
    st.write("Download your diary to keep a copy or to move it to another browser.")
    csv_data, json_data = diary_state.memo(
        "files",
        entries,
        lambda: (files.csv_bytes(entries, vocabulary()), files.json_bytes(entries)),
    )
    csv_column, json_column = st.columns(2)
    name = f"backcare-pain-diary-{diary_state.today().isoformat()}"
    csv_column.download_button(
        "Download CSV (for spreadsheets)",
        csv_data,
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
        disabled=not entries,
        icon=":material/download:",
    )
    json_column.download_button(
        "Download JSON",
        json_data,
        file_name=f"{name}.json",
        mime="application/json",
        on_click="ignore",
        disabled=not entries,
        icon=":material/download:",
    )


@flash.action
def _import_file(incoming: tuple[Entry, ...], mode: str) -> None:
    current_entries = diary_state.entries()
    try:
        if mode == "merge":
            plan = changes.plan_merge(current_entries, incoming)
            entries, message = (
                plan.result,
                (
                    f"Done: {plan.added} new, {plan.updated} changed, "
                    f"{plan.unchanged} already in your diary."
                ),
            )
        else:
            entries = changes.replace_with(incoming)
            message = f"Your diary now holds the file's {len(entries)} entries."
    except DiaryError as exc:
        flash.say("error", "Nothing was imported: " + "; ".join(exc.problems) + ".")
        return
    st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
    st.session_state.pop(PARSED, None)
    browser_copy.commit(entries, message)


def _parsed(upload) -> tuple[tuple[Entry, ...], tuple[str, ...]]:
    """The upload checked once per file, not on every rerun."""
    cached = st.session_state.get(PARSED)
    if cached and cached[0] == upload.file_id:
        return cached[1]
    try:
        today = diary_state.today()
        result = (files.read_file(upload.getvalue(), upload.name, vocabulary(), today=today), ())
    except DiaryError as exc:
        result = ((), exc.problems)
    st.session_state[PARSED] = (upload.file_id, result)
    return result


def import_file(entries: Sequence[Entry]) -> None:
    """The "Import" part: upload, problems or a preview, merge or replace, then Import."""
    st.subheader("Import")
    upload = st.file_uploader(
        "Import a diary file (CSV or JSON, up to 1 MB)",
        type=["csv", "json"],
        max_upload_size=files.MAX_FILE_BYTES // (1024 * 1024),
        key=f"diary_upload_{st.session_state.get(UPLOAD_ROUND, 0)}",
        on_change=flash.action(lambda: None),
    )
    st.caption("Every row is checked first: if any is wrong, nothing changes.")
    if upload is None:
        return
    incoming, problems = _parsed(upload)
    if problems:
        st.error(
            f"This file was not imported, and your diary is unchanged. "
            f"{'This needs' if len(problems) == 1 else 'These need'} fixing first:"
        )
        st.code("\n".join(problems), language=None, wrap_lines=True)
        return
    today = diary_state.today()
    first, last = between(incoming) or (today, today)
    st.write(
        f"The file holds {len(incoming)} {'entry' if len(incoming) == 1 else 'entries'} "
        f"from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}. Nothing changes until "
        "you press Import."
    )
    # A plain table: only real rows, and each note whole (it wraps), never cut off.
    shown = incoming[:PREVIEW_ROWS]
    st.table(pd.DataFrame(as_dicts(shown, vocabulary())), hide_index=True)
    if len(incoming) > len(shown):
        st.caption(f"The first {len(shown)} of {len(incoming)} entries are shown.")
    mode = "replace"
    if entries:
        try:
            plan = changes.plan_merge(entries, incoming)
            merge_words = (
                f"Merge: add {plan.added} new, update {plan.updated}, "
                f"{plan.unchanged} already in your diary"
            )
        except DiaryError:
            merge_words = "Merge (too much for one diary)"
        mode = st.radio(
            "How should the file join your diary?",
            ["merge", "replace"],
            format_func={
                "merge": merge_words,
                "replace": f"Replace: your {len(entries)} current entries are removed",
            }.get,
            key="diary_import_mode",
        )
    confirmed = True
    if mode == "replace" and entries:
        confirmed = st.checkbox(
            f"I understand my {len(entries)} current entries will be replaced",
            key="diary_import_confirm",
        )
    st.button(
        f"Import {len(incoming)} {'entry' if len(incoming) == 1 else 'entries'}",
        type="primary",
        on_click=_import_file,
        args=(incoming, mode),
        disabled=not confirmed,
    )
