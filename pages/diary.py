"""The pain diary: entries kept in this browser, charts of how it is going, export and import.

The page only wires widgets to backcare.diary (entries, changes, files) and
backcare.diary.charts (charts and sentences); the browser copy goes through
backcare/ui/browser_storage.py. Every change happens in a widget callback, so the
browser is asked to save it in the same run. Notes are the person's own words
and are shown with st.text, never as Markdown or HTML.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from backcare.diary import changes, charts, files
from backcare.diary.entries import (
    EARLIEST,
    MAX_NOTE,
    MAX_PAIN,
    DiaryError,
    Entry,
    as_dicts,
    between,
    check_entry,
    entry_fields,
    vocabulary,
)
from backcare.settings import current
from backcare.ui import diary_state as shared
from backcare.ui.browser_storage import BrowserText, Stored

ENTRIES, GENERATION, STORED_PROBLEMS = "diary_entries", "diary_generation", "diary_stored_problems"
FLASH, FORM_ERROR, EDITING, CONFIRM = (
    "diary_flash",
    "diary_form_error",
    "diary_editing",
    "diary_confirm",
)
PREFILLED, UPLOAD_ROUND, PARSED = "diary_prefilled", "diary_upload_round", "diary_parsed_upload"
ADD_ROUND = "diary_add_round"
ALL = ("all",)
PAGE_SIZE = 10
#: Entries of an import file shown before it is imported.
PREVIEW_ROWS = 10
WHERE_IT_LIVES = (
    "Your diary is kept only in this browser, on this device (in its local storage). "
    "BackCare's server does not store it: it holds your entries only while this page is open. "
    "Another browser or device will not see them, and clearing this site's data in your "
    "browser deletes them. Export your diary to keep a copy or move it."
)

if current().kiosk:
    st.title("Pain diary")
    st.info("The pain diary is not available on this shared device.")
    st.stop()

vocab = vocabulary()
store = BrowserText(shared.STORAGE_NAME)
today = shared.today()


def _entries() -> tuple[Entry, ...]:
    return st.session_state.get(ENTRIES, ())


def _day_words(entry: Entry) -> str:
    return f"{entry.date:%a} {entry.date.day} {entry.date:%b %Y}"


def _flash(kind: str, text: str) -> None:
    """A confirmation that stays on the page until the person's next action."""
    st.session_state[FLASH] = (kind, text)


def _action(callback: Callable[..., None]) -> Callable[..., None]:
    """A widget callback that is the person's next action: the last confirmation goes.

    Reruns the page makes by itself (the browser confirming a save) keep it.
    """

    @functools.wraps(callback)
    def run(*args: object) -> None:
        st.session_state.pop(FLASH, None)
        callback(*args)

    return run


def _commit(entries: tuple[Entry, ...], message: str) -> None:
    """Keep the new diary for this session and ask the browser to store it."""
    st.session_state[ENTRIES] = entries
    store.save(files.to_json(entries) if entries else None)
    _flash("success", message)


def _refresh(stored: Stored) -> None:
    """Read the browser's copy again whenever it has sent a new one."""
    seen = st.session_state.get(GENERATION)
    if seen == stored.generation:
        return
    if seen is not None:
        _flash("info", "Your diary was changed in another tab; this is the latest version.")
    st.session_state[GENERATION] = stored.generation
    try:
        st.session_state[ENTRIES] = files.stored_diary(stored.text, vocab)
        st.session_state.pop(STORED_PROBLEMS, None)
    except DiaryError as exc:
        st.session_state[ENTRIES] = ()
        st.session_state[STORED_PROBLEMS] = (exc.problems, stored.text)


# --- the entry form (add and edit share it) --------------------------------------------------


def _fill_form(prefix: str, fields: dict) -> None:
    st.session_state[f"{prefix}_day"] = fields.get("day", today)
    st.session_state[f"{prefix}_pain"] = fields.get("pain")
    st.session_state[f"{prefix}_activity"] = fields.get("activity")
    st.session_state[f"{prefix}_comfort"] = list(fields.get("comfort_actions", ()))
    st.session_state[f"{prefix}_note"] = fields.get("note", "")


def _form_entry(prefix: str, entry_id: str | None = None) -> Entry | None:
    """The entry the form describes, or None with the problems kept to show under the form."""
    get = st.session_state.get
    entry, problems = check_entry(
        vocab,
        day=get(f"{prefix}_day"),
        pain=get(f"{prefix}_pain"),
        activity=get(f"{prefix}_activity"),
        comfort_actions=get(f"{prefix}_comfort") or (),
        note=get(f"{prefix}_note") or "",
        entry_id=entry_id,
        today=today,
    )
    if entry is None:
        st.session_state[FORM_ERROR] = (prefix, problems)
    return entry


def _add_prefix() -> str:
    """Each new add form gets fresh widget keys: a cleared radio must not show a stale choice."""
    return f"diary_add_{st.session_state.get(ADD_ROUND, 0)}"


def _edit_prefix(entry_id: str) -> str:
    return f"diary_edit_{entry_id}"


def _new_add_form(draft: dict) -> None:
    st.session_state[ADD_ROUND] = st.session_state.get(ADD_ROUND, 0) + 1
    _fill_form(_add_prefix(), draft)


def _apply(
    prefix: str,
    change: Callable[[Sequence[Entry], Entry], tuple[Entry, ...]],
    entry_id: str | None = None,
) -> tuple[tuple[Entry, ...], Entry] | None:
    """The diary with the form's entry added or saved, or None with the problems kept."""
    entry = _form_entry(prefix, entry_id)
    if entry is None:
        return None
    try:
        return change(_entries(), entry), entry
    except DiaryError as exc:
        st.session_state[FORM_ERROR] = (prefix, exc.problems)
        return None


@_action
def _add() -> None:
    applied = _apply(_add_prefix(), changes.add)
    if applied is None:
        return
    entries, entry = applied
    _commit(entries, f"Added your entry for {_day_words(entry)}.")
    _new_add_form({})
    st.session_state.pop(PREFILLED, None)
    st.session_state.pop(FORM_ERROR, None)


@_action
def _save_edit(entry_id: str) -> None:
    applied = _apply(_edit_prefix(entry_id), changes.update, entry_id)
    if applied is None:
        return
    entries, entry = applied
    st.session_state.pop(FORM_ERROR, None)
    st.session_state.pop(EDITING, None)
    _commit(entries, f"Saved your changes to {_day_words(entry)}.")


@_action
def _start_edit(entry: Entry) -> None:
    st.session_state[EDITING] = entry.id
    st.session_state.pop(CONFIRM, None)
    _fill_form(_edit_prefix(entry.id), dict(entry_fields(entry)))


@_action
def _stop_edit() -> None:
    st.session_state.pop(EDITING, None)
    st.session_state.pop(FORM_ERROR, None)


@_action
def _confirm(what: tuple[str, ...] | None) -> None:
    """Ask before deleting: ("entry", id) for one entry, ALL for everything, None to stop asking."""
    st.session_state[CONFIRM] = what


@_action
def _delete(entry: Entry) -> None:
    st.session_state.pop(CONFIRM, None)
    _commit(changes.delete(_entries(), entry.id), f"Deleted the entry for {_day_words(entry)}.")


@_action
def _delete_all() -> None:
    st.session_state.pop(CONFIRM, None)
    st.session_state.pop(EDITING, None)
    st.session_state.pop(STORED_PROBLEMS, None)
    _commit((), "Your diary was deleted from this browser.")


def _entry_form(
    prefix: str, submit: str, on_submit, args: tuple = (), *, editing: bool = False
) -> None:
    if f"{prefix}_day" not in st.session_state:
        _fill_form(prefix, {})
    with st.form(f"{prefix}_form", enter_to_submit=False):
        st.date_input(
            "Date",
            key=f"{prefix}_day",
            min_value=EARLIEST,
            max_value=today,
            format="DD/MM/YYYY",
        )
        st.segmented_control(
            "Pain (0 = none, 10 = worst)", list(range(MAX_PAIN + 1)), key=f"{prefix}_pain"
        )
        st.radio(
            "What did you do that day?",
            list(vocab.activities),
            key=f"{prefix}_activity",
            format_func=vocab.activity_label,
        )
        st.multiselect(
            "Comfort actions you tried",
            list(vocab.comfort),
            key=f"{prefix}_comfort",
            format_func=vocab.comfort_title,
            placeholder="Choose any you tried",
        )
        st.text_input(
            f"Note (optional, up to {MAX_NOTE} characters)",
            key=f"{prefix}_note",
            max_chars=MAX_NOTE,
        )
        columns = st.columns(2 if editing else 1)
        columns[0].form_submit_button(submit, type="primary", on_click=on_submit, args=args)
        if editing:
            columns[1].form_submit_button("Cancel", on_click=_stop_edit)
    error = st.session_state.get(FORM_ERROR)
    if error and error[0] == prefix:
        st.error("The entry was not saved: " + "; ".join(error[1]) + ".")


# --- showing entries ---------------------------------------------------------------------------


def _show_entry(entry: Entry) -> None:
    with st.container(border=True, key=f"diary_entry_{entry.id}"):
        if st.session_state.get(EDITING) == entry.id:
            st.markdown(f"**Editing {_day_words(entry)}**")
            _entry_form(
                _edit_prefix(entry.id), "Save changes", _save_edit, (entry.id,), editing=True
            )
            return
        activity = vocab.activity_label(entry.activity)
        st.markdown(f"**{_day_words(entry)}** · pain **{entry.pain}** of 10 · {activity}")
        if entry.comfort_actions:
            st.caption("Tried: " + ", ".join(vocab.comfort_title(a) for a in entry.comfort_actions))
        if entry.note:
            st.text(entry.note)  # the person's own words: plain text, never Markdown or HTML
        if st.session_state.get(CONFIRM) == ("entry", entry.id):
            st.warning("Delete this entry? This cannot be undone.")
            yes, no = st.columns(2)
            yes.button(
                "Yes, delete it",
                key=f"diary_yes_{entry.id}",
                on_click=_delete,
                args=(entry,),
                type="primary",
            )
            no.button("Keep it", key=f"diary_no_{entry.id}", on_click=_confirm, args=(None,))
            return
        # A row that wraps, so at 200 % text the labels move down instead of clipping to icons.
        row = st.container(horizontal=True)
        row.button(
            "Edit",
            key=f"diary_edit_button_{entry.id}",
            on_click=_start_edit,
            args=(entry,),
            icon=":material/edit:",
        )
        row.button(
            "Delete",
            key=f"diary_delete_button_{entry.id}",
            on_click=_confirm,
            args=(("entry", entry.id),),
            icon=":material/delete:",
        )


def _show_entries(entries: Sequence[Entry]) -> None:
    st.header(f"Your entries ({len(entries)})")
    newest_first = list(reversed(entries))
    pages = max(1, -(-len(newest_first) // PAGE_SIZE))
    page = st.pagination(pages, key="diary_page") if pages > 1 else 1
    start = (min(page, pages) - 1) * PAGE_SIZE
    for entry in newest_first[start : start + PAGE_SIZE]:
        _show_entry(entry)


def _memo(name: str, entries: tuple[Entry, ...], build):
    """Build once per version of this session's diary (kept in the session, never shared).

    A diary only changes by being replaced with a new tuple, so identity says it is the same.
    """
    key = f"diary_memo_{name}"
    cached = st.session_state.get(key)
    if cached is None or cached[0] is not entries or cached[1] != today:
        cached = (entries, today, build())
        st.session_state[key] = cached
    return cached[2]


def _show_charts(entries: tuple[Entry, ...]) -> None:
    st.header("How it is going")
    shown = _memo(
        "charts",
        entries,
        lambda: (
            (
                charts.pain_over_time(entries, vocab, today=today),
                charts.trend_sentence(entries, today),
            ),
            (charts.pain_by_activity(entries, vocab), charts.activity_sentence(entries, vocab)),
            (charts.comfort_chart(entries, vocab), charts.comfort_sentence(entries, vocab)),
        ),
    )
    (over_time_chart, trend), (activity_chart, by_what), (comfort_chart, comfort) = shown
    over_time, by_activity, after = st.tabs(
        ["Pain over time", "By activity", "After comfort actions"]
    )
    with over_time:
        st.altair_chart(over_time_chart, width="stretch")
        st.write(trend)
        st.caption(
            "Each dot is an entry, shaped and coloured by what you did that day. "
            "The line is your average over the last 7 days."
        )
    with by_activity:
        st.altair_chart(activity_chart, width="stretch")
        st.write(by_what)
    with after:
        if comfort_chart is not None:
            st.altair_chart(comfort_chart, width="stretch")
        st.write(comfort)
        st.caption(
            "Each bar is the average change in pain from a day you tried something to the "
            "next day. It shows what happened, not what caused it."
        )


# --- files ---------------------------------------------------------------------------------------


def _export(entries: tuple[Entry, ...]) -> None:
    st.subheader("Export")
    st.write("Download your diary to keep a copy or to move it to another browser.")
    csv_data, json_data = _memo(
        "files", entries, lambda: (files.csv_bytes(entries, vocab), files.json_bytes(entries))
    )
    csv_column, json_column = st.columns(2)
    name = f"backcare-pain-diary-{today.isoformat()}"
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


@_action
def _import_file(incoming: tuple[Entry, ...], mode: str) -> None:
    current_entries = _entries()
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
        _flash("error", "Nothing was imported: " + "; ".join(exc.problems) + ".")
        return
    st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
    st.session_state.pop(PARSED, None)
    _commit(entries, message)


def _parsed(upload) -> tuple[tuple[Entry, ...], tuple[str, ...]]:
    """The upload checked once per file, not on every rerun."""
    cached = st.session_state.get(PARSED)
    if cached and cached[0] == upload.file_id:
        return cached[1]
    try:
        result = (files.read_file(upload.getvalue(), upload.name, vocab, today=today), ())
    except DiaryError as exc:
        result = ((), exc.problems)
    st.session_state[PARSED] = (upload.file_id, result)
    return result


def _import(entries: Sequence[Entry]) -> None:
    st.subheader("Import")
    upload = st.file_uploader(
        "Import a diary file (CSV or JSON, up to 1 MB)",
        type=["csv", "json"],
        max_upload_size=files.MAX_FILE_BYTES // (1024 * 1024),
        key=f"diary_upload_{st.session_state.get(UPLOAD_ROUND, 0)}",
        on_change=_action(lambda: None),
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
    first, last = between(incoming) or (today, today)
    st.write(
        f"The file holds {len(incoming)} {'entry' if len(incoming) == 1 else 'entries'} "
        f"from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}. Nothing changes until "
        "you press Import."
    )
    # A plain table: only real rows, and each note whole (it wraps), never cut off.
    shown = incoming[:PREVIEW_ROWS]
    st.table(pd.DataFrame(as_dicts(shown, vocab)), hide_index=True)
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


def _delete_everything(entries: Sequence[Entry]) -> None:
    st.header("Delete all my diary data")
    st.write("This removes every entry from this browser. BackCare's server has no copy.")
    if st.session_state.get(CONFIRM) == ALL:
        st.warning(
            f"Delete all {len(entries)} {'entry' if len(entries) == 1 else 'entries'}? "
            "This cannot be undone. Export your diary first if you want a copy."
        )
        yes, no = st.columns(2)
        yes.button("Yes, delete everything", type="primary", on_click=_delete_all)
        no.button("Cancel", on_click=_confirm, args=(None,), key="diary_cancel_all")
    else:
        st.button(
            "Delete all my diary data",
            on_click=_confirm,
            args=(ALL,),
            icon=":material/delete_forever:",
            disabled=not entries,
        )


def _unreadable(problems: Sequence[str], text: str | None) -> None:
    """The browser holds something the diary cannot read: keep it until the person decides."""
    st.error(
        "The diary stored in this browser could not be read, so nothing has been changed. "
        "You can download what is stored, or delete it and start a new diary."
    )
    st.code("\n".join(problems), language=None, wrap_lines=True)
    keep, drop = st.columns(2)
    keep.download_button(
        "Download what is stored",
        (text or "").encode("utf-8"),
        file_name="backcare-pain-diary-unreadable.json",
        mime="application/json",
        on_click="ignore",
    )
    drop.button("Delete it and start a new diary", on_click=_delete_all)


# --- the page ------------------------------------------------------------------------------------

st.title("Pain diary")
st.caption(WHERE_IT_LIVES)
stored = store.sync()
if stored is None:
    # Nothing is drawn from the diary until the browser has answered: no empty diary flashes.
    st.info("Opening your diary…", icon=":material/hourglass_top:")
    st.stop()
_refresh(stored)

if not stored.available:
    st.warning(
        "This browser does not let BackCare keep data on this device (site data may be "
        "blocked, or this is a private window). You can use the diary now, but it is gone "
        "when you close this tab: export it to keep a copy."
    )
if stored.save_error:
    st.warning(
        f"This browser did not save your last change ({stored.save_error}). It is kept only "
        "until you close this tab: export your diary to keep a copy."
    )
if problems := st.session_state.get(STORED_PROBLEMS):
    _unreadable(*problems)
    st.stop()

if flash := st.session_state.get(FLASH):
    kind, text = flash
    {"success": st.success, "info": st.info}.get(kind, st.error)(text)

if draft := st.session_state.pop(shared.PREFILL, None):
    _new_add_form(draft)
    st.session_state[PREFILLED] = True
    st.session_state.pop(FORM_ERROR, None)

entries = _entries()
st.header("Add an entry")
if st.session_state.get(PREFILLED):
    st.info("Today's date, your pain and your activity are filled in from your assessment.")
with st.container(key="diary_add_box"):
    _entry_form(_add_prefix(), "Add to my diary", _add)

if entries:
    _show_charts(entries)
    _show_entries(entries)
else:
    st.write("No entries yet. Add your first one above, or import a diary file below.")

st.header("Export and import")
_export(entries)
_import(entries)
_delete_everything(entries)
st.caption("BackCare suggests what might be going on. It does not diagnose.")
