"""Settings from the environment: defaults, parsing, and clear errors for values that cannot work."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from culturegraph.cli import main
from culturegraph.config import Settings, SettingsError, load_settings
from culturegraph.web.serve import environment


def test_query_executors_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CULTUREGRAPH_QUERY_EXECUTORS", raising=False)
    assert load_settings().query_executors == 2
    monkeypatch.setenv("CULTUREGRAPH_QUERY_EXECUTORS", " 4 ")
    settings = load_settings()
    assert settings.query_executors == 4
    # The production server hands the settings to its workers through the environment.
    assert environment(settings)["CULTUREGRAPH_QUERY_EXECUTORS"] == "4"


BAD_VALUES = [
    *(("CULTUREGRAPH_QUERY_EXECUTORS", v) for v in ["0", "-1", "abc", "2.5"]),
    *(("CULTUREGRAPH_QUERY_TIMEOUT", v) for v in ["abc", "0", "-5", "nan", "inf"]),
    *(("CULTUREGRAPH_QUERY_STORE", v) for v in ["", "Memory", "ram", "rocksdb"]),
    *(("CULTUREGRAPH_BASE_IRI", v) for v in ["ftp://x/", "culturegraph.example/", "https:///",
                                             "https://a.example/?q=1", "https://a.example/#x",
                                             "https://a b.example/"]),
]


@pytest.mark.parametrize(("variable", "value"), BAD_VALUES)
def test_a_bad_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        load_settings()


def test_query_executors_must_be_a_count() -> None:
    with pytest.raises(SettingsError):
        Settings(query_executors=True)  # type: ignore[arg-type]


def test_the_cli_reports_a_bad_setting_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CULTUREGRAPH_QUERY_EXECUTORS", "zero")
    result = CliRunner().invoke(main, ["query", "ASK {}"])
    assert result.exit_code == 2
    assert "CULTUREGRAPH_QUERY_EXECUTORS must be an integer" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_query_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CULTUREGRAPH_QUERY_STORE", raising=False)
    assert load_settings().query_store == "memory"
    monkeypatch.setenv("CULTUREGRAPH_QUERY_STORE", "disk")
    settings = load_settings()
    assert settings.query_store == "disk"
    assert environment(settings)["CULTUREGRAPH_QUERY_STORE"] == "disk"


def test_serve_offers_the_query_stores() -> None:
    result = CliRunner().invoke(main, ["serve", "--query-store", "ssd"])
    assert result.exit_code == 2 and "'memory', 'disk'" in result.output


def test_query_timeout_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CULTUREGRAPH_QUERY_TIMEOUT", "2.5")
    assert load_settings().query_timeout_s == 2.5


def test_serve_refuses_a_timeout_that_cannot_work() -> None:
    result = CliRunner().invoke(main, ["serve", "--timeout", "0"])
    assert result.exit_code == 2 and "--timeout" in result.output and "positive" in result.output


def test_base_iri_gets_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CULTUREGRAPH_BASE_IRI", "http://data.example.org/culture")
    assert load_settings().base_iri == "http://data.example.org/culture/"
    assert load_settings(base_iri="https://kg.example").base_iri == "https://kg.example/"


def test_the_cli_refuses_a_bad_base_iri() -> None:
    result = CliRunner().invoke(main, ["--base-iri", "ftp://x", "query", "ASK {}"])
    assert result.exit_code == 2 and "http(s)" in result.output
