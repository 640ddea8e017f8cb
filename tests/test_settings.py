"""Server settings come from the environment only, and bad values are named."""

import pytest

from backcare.settings import Settings, SettingsError, from_env


def test_defaults_are_personal_mode_with_sharing_off():
    settings = from_env({})
    assert settings == Settings()
    assert not settings.kiosk and not settings.share_default and settings.k == 11


def test_kiosk_mode_takes_site_timeout_and_sharing_default():
    settings = from_env(
        {
            "BACKCARE_MODE": "kiosk",
            "BACKCARE_SITE_ID": "clinic-7",
            "BACKCARE_IDLE_TIMEOUT": "5",
            "BACKCARE_SHARE_DEFAULT": "yes",
        }
    )
    assert (settings.kiosk, settings.site_id, settings.idle_timeout) == (True, "clinic-7", 5)
    assert settings.share_default


def test_the_idle_warning_counts_down_twenty_seconds_unless_a_test_shortens_it():
    assert from_env({}).idle_warning == 20
    assert from_env({"BACKCARE_IDLE_WARNING": "3"}).idle_warning == 3


def test_personal_mode_never_pre_ticks_sharing():
    assert not from_env({"BACKCARE_SHARE_DEFAULT": "true"}).share_default


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"BACKCARE_MODE": "public"}, "BACKCARE_MODE"),
        ({"BACKCARE_K": "4"}, "below the minimum of 5"),
        ({"BACKCARE_K": "ten"}, "not a whole number"),
        ({"BACKCARE_IDLE_TIMEOUT": "1"}, "BACKCARE_IDLE_TIMEOUT"),
        ({"BACKCARE_IDLE_WARNING": "0"}, "BACKCARE_IDLE_WARNING"),
        ({"BACKCARE_SITE_ID": "a b; DROP"}, "BACKCARE_SITE_ID"),
        ({"BACKCARE_MODE": "kiosk", "BACKCARE_SHARE_DEFAULT": "perhaps"}, "true or false"),
    ],
)
def test_bad_values_stop_start_up_with_the_variable_named(env, fragment):
    with pytest.raises(SettingsError, match=fragment):
        from_env(env)


def test_kiosk_printing_is_off_by_default():
    assert not from_env({"BACKCARE_MODE": "kiosk"}).print_in_kiosk
    assert from_env({"BACKCARE_MODE": "kiosk", "BACKCARE_KIOSK_PRINT": "yes"}).print_in_kiosk


def test_the_store_is_a_file_path_or_a_postgresql_url():
    assert from_env({}).store.endswith("var/backcare.duckdb")
    assert from_env({"BACKCARE_STORE": " /data/b.duckdb "}).store == "/data/b.duckdb"
    url = "postgresql://backcare:secret@db.internal:5432/backcare"
    assert from_env({"BACKCARE_STORE": url}).store == url


def test_a_store_url_of_another_kind_is_refused_without_echoing_it():
    with pytest.raises(SettingsError, match="BACKCARE_STORE=mysql://…: use a file path") as caught:
        from_env({"BACKCARE_STORE": "mysql://root:secret@db/backcare"})
    assert "secret" not in str(caught.value)


def test_phone_numbers_default_to_the_uk_and_take_a_sites_own():
    assert (from_env({}).emergency_number, from_env({}).urgent_number) == ("999", "111")
    settings = from_env(
        {"BACKCARE_EMERGENCY_NUMBER": " 112 ", "BACKCARE_URGENT_NUMBER": "+49 116-117"}
    )
    assert (settings.emergency_number, settings.urgent_number) == ("112", "+49 116-117")


@pytest.mark.parametrize("number", ["9", "call 999", "999;", "+", "1234567890123456", "٩٩٩"])
def test_a_number_that_cannot_be_dialled_stops_start_up(number):
    with pytest.raises(SettingsError, match="BACKCARE_EMERGENCY_NUMBER"):
        from_env({"BACKCARE_EMERGENCY_NUMBER": number})


def test_insights_are_off_unless_the_server_switches_them_on():
    assert not from_env({}).insights_enabled
    assert from_env({"BACKCARE_INSIGHTS": "true"}).insights_enabled


def test_a_kiosk_can_never_switch_insights_on():
    assert not from_env({"BACKCARE_MODE": "kiosk"}).insights_enabled
    with pytest.raises(SettingsError, match=r"BACKCARE_INSIGHTS.*kiosk"):
        from_env({"BACKCARE_MODE": "kiosk", "BACKCARE_INSIGHTS": "on"})
