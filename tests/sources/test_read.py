"""The reader (culturegraph.sources.read) on the shapes real exports take, with the real alias tables.

Line numbers are physical start lines of rows (a row with a multi-line cell spans several lines); the
quarantine entries are checked field by field (file, line, column, header, value, reason, action).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from culturegraph.config import PROJECT_ROOT
from culturegraph.datasets import load_registry
from culturegraph.sources.read import AliasTable, Problem, ReadResult, SourceError, read_table

ALIASES = load_registry().alias_tables()  # source → its field map (the owning dataset's aliases/)

NEW_HEADER = (
    "IDPatrimostat;IDMuseofile;region;departement;dateappellation;ferme;anneefermeture;nom_du_musee;"
    "lien_avec;ville;codeInseeCommune;annee;payant;gratuit;total;individuel;scolaires;"
    "groupes_hors_scolaires;moins_18_ans_hors_scolaires;_18_25_ans;;;;"
)
# Real rows of ENTREES_ET_CATEGORIES_DE_PUBLIC.csv (lines 2, 3, 5905, 11246 and 11247 of the shipped file).
BROU_2014 = ("0105301;M0963;Auvergne-Rhône-Alpes;Ain;01/02/2003;NON;;musée de Brou;;BOURG EN BRESSE;01053;"
             "2014;53088;41560;94648;;;;5186;2157;;;;")
BROU_2015 = ("0105301;M0963;Auvergne-Rhône-Alpes;Ain;01/02/2003;NON;;musée de Brou;;BOURG EN BRESSE;01053;"
             "2015;76918;35942;112860;;;;;;;;;")
ARGONNE_2015 = ("5552701;M0523;Grand-Est;Meuse;01/02/2003;Tue Mar 25 00:00:00 CET 2025;;musée d'Argonne;;"
                "VARENNES EN ARGONNE;55527;2015;1292;0;1292;0;0;0;0;0;;;;")
ARCHE_2021 = ("9750202;M1071;Saint-Pierre-et-Miquelon;Saint-Pierre-et-Miquelon;01/02/2003;NON;;musée de "
              "l'Arche;;ST PIERRE;97502;2021;240;885;1125;578;547;0;;;;;;")
ARCHE_2022 = ("9750202;M1071;Saint-Pierre-et-Miquelon;Saint-Pierre-et-Miquelon;01/02/2003;NON;;musée de "
              "l'Arche;;ST PIERRE;97502;2022;2760;484;3244;2748;166;600;;;;;1057;943")

OLD_HEADER = ("ref_musee;nom_du_musee;annee;regions;ville;date_appellation;payant;gratuit;total;note;"
              "id_museofile;nomdep;observations")
# Real rows of the 2001-2021 export.
COMPIEGNE_2009 = ('6015901;Musée du Château de Compiègne;2009;PICARDIE;COMPIEGNE;06/01/2002;46338;55217;'
                  '101555;;;OISE;"6015903 ; 6015901"')
PAYS_DE_L_AIN_2009 = ("0105302;Musée Départemental des Pays De l'Ain;2009;RHONE-ALPES;BOURG-EN-BRESSE;"
                      "01/02/2003;;;;NC;;AIN;")
MOUSTEY_2003 = ("4020001;Musée du Patrimoine Religieux et des Croyances Populaires;2003;AQUITAINE;MOUSTEY;"
                "2003-02-01 00:00:00;1159;124;1283;;;LANDES;")
RIMBAUD_2018 = ('810501;Musée Arthur Rimbaud;2018;GRAND EST;CHARLEVILLE-MEZIERES;01/02/2003;6455;12117;'
                '18572;;;ARDENNES;"0810501 ; 0810502"')

MUSEOFILE_HEADER = ("ref;latitude;longitude;adrl1_m;an_creat;artiste;atout;autnom;categ;cp_m;dmaj;dompal;dpt;"
                    "hist;interet;lieu_m;nomoff;phare;prot_bat;prot_esp;refmer;region;tel_m;themes;url_m;"
                    "ville_m;geolocalisation_latlong")


def museofile_row(ref: str, hist: str, atout: str = "", dompal: str = "Histoire") -> str:
    """A Muséofile row quoted the way Opendatasoft quotes it (only cells that need it)."""
    def q(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in ';"\n') else text

    cells = [ref, "48.824977", "7.482915", "3 place du Château", "", "", q(atout), "", "Ecomusée", "67330",
             "2021-11-26", q(dompal), "Bas-Rhin", q(hist), "", "HALLE AUX BLES", "musée du Pays de Hanau",
             "", "", "", q("PA00084643;IA67009579"), "Grand Est", "03 88 00 38 39", "", "www.musee.eu",
             "Bouxwiller", q("48.824977,7.482915")]
    return ";".join(cells)


def table(source: str) -> AliasTable:
    return AliasTable.load(ALIASES[source], parsers=load_registry().parsers())


def read(tmp_path: Path, source: str, data: bytes | str, name: str = "f.csv") -> ReadResult:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_table(path, table(source), root=tmp_path)


def lines(*rows: str, end: str = "\n") -> str:
    return end.join(rows) + end


def only_problem(result: ReadResult) -> Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


# --- encodings, line ends, delimiters ---------------------------------------------------------------

def test_bom_crlf_and_empty_trailing_columns(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees",
                  b"\xef\xbb\xbf" + lines(NEW_HEADER, BROU_2014, BROU_2015, end="\r\n").encode())
    assert result.vintage == "entrees-categories-2024"
    assert result.problems == []
    assert result.rows == 2
    first, second = result.records
    assert (first.file, first.line, second.line) == ("f.csv", 2, 3)
    assert first.values == {
        "site": "0105301", "museofile": "M0963", "region": "Auvergne-Rhône-Alpes", "departement": "Ain",
        "date_appellation": date(2003, 2, 1), "ferme": False,
        "nom": "musée de Brou", "ville": "BOURG EN BRESSE", "commune": "01053", "annee": 2014,
        "payant": 53088, "gratuit": 41560, "total": 94648, "moins_18_ans_hors_scolaires": 5186,
        "de_18_a_25_ans": 2157,
    }
    # empty cells give no value at all, never 0 (docs/datasets.md §1: empty = not reported)
    assert "individuel" not in first and "scolaires" not in second
    assert first.position("total").column == 15 and first.position("total").header == "total"
    assert first.position("de_18_a_25_ans").header == "_18_25_ans"


def test_bare_cr_line_ends(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, BROU_2014, BROU_2015, end="\r"))
    assert [(r.line, r["annee"]) for r in result.records] == [(2, 2014), (3, 2015)]
    assert result.problems == []


def test_tab_delimiter(tmp_path: Path) -> None:
    data = lines(OLD_HEADER.replace(";", "\t"), MOUSTEY_2003.replace(";", "\t"))
    result = read(tmp_path, "frequentation-musees", data)
    assert result.vintage == "ods-2001-2021"
    (record,) = result.records
    assert (record["site"], record["annee"], record["total"]) == ("4020001", 2003, 1283)


def test_old_export_values(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees",
                  lines(OLD_HEADER, COMPIEGNE_2009, PAYS_DE_L_AIN_2009, MOUSTEY_2003, RIMBAUD_2018))
    assert result.vintage == "ods-2001-2021" and result.problems == []
    compiegne, ain, moustey, rimbaud = result.records
    assert compiegne["regroupement"] == ["6015903", "6015901"]  # quoted cell with the group
    assert ain["note"] == "NC" and not any(f in ain for f in ("payant", "gratuit", "total"))
    assert moustey["date_appellation"] == date(2003, 2, 1)  # yyyy-mm-dd 00:00:00
    assert rimbaud["site"] == "0810501"  # zfill(7) of a code that lost its zero


def test_latin1_file_is_decoded_and_reported(tmp_path: Path) -> None:
    """A file saved as Windows-1252 (Excel): read anyway, with the position of the first bad byte."""
    data = lines(OLD_HEADER, MOUSTEY_2003, COMPIEGNE_2009).encode("cp1252")
    result = read(tmp_path, "frequentation-musees", data, name="latin1.csv")
    assert [r["nom"] for r in result.records] == [
        "Musée du Patrimoine Religieux et des Croyances Populaires", "Musée du Château de Compiègne"]
    problem = only_problem(result)
    # "4020001;Mus" then é: line 2, 12th character, in column 2 (nom_du_musee)
    assert (problem.file, problem.line, problem.column, problem.header) == (
        "latin1.csv", 2, 2, "nom_du_musee")
    assert problem.value == "é (byte 0xE9)"
    assert "not UTF-8" in problem.reason and "line 2, character 12" in problem.reason
    assert problem.action == "file decoded as cp1252"


def test_utf16_with_bom(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees", lines(OLD_HEADER, MOUSTEY_2003).encode("utf-16"))
    assert result.problems == [] and result.records[0]["nom"].startswith("Musée du Patrimoine")


# --- quoting -------------------------------------------------------------------------------------

def test_multiline_cells_doubled_quotes_and_embedded_delimiters(tmp_path: Path) -> None:
    hist = "Créé en 1934 ; 1.600 objets.\nLe musée, entièrement rénové, réouvre en juin 2013."
    atout = 'Maquettes des paquebots "Normandie" 1935 ;\nle "France" 1964.\n'
    data = lines(MUSEOFILE_HEADER,
                 museofile_row("M0003", hist, atout, "Archéologie;Ethnologie;Histoire"),
                 museofile_row("M0012", "Une ligne."))
    result = read(tmp_path, "museofile", data)
    assert result.problems == [] and result.vintage == "ods-2022"
    m0003, m0012 = result.records
    # M0003 spans lines 2-5 (one line break in hist, two in atout): M0012 starts on line 6
    assert (m0003.line, m0012.line) == (2, 6)
    assert m0003["hist"] == hist
    assert m0003["atout"] == 'Maquettes des paquebots "Normandie" 1935 ;\nle "France" 1964.'
    assert m0003["dompal"] == ["Archéologie", "Ethnologie", "Histoire"]
    assert m0003["refmer"] == ["PA00084643", "IA67009579"]
    assert m0003["geolocalisation"] == (m0003["latitude"], m0003["longitude"])


def test_badly_quoted_cell_quarantines_that_row_and_reading_goes_on(tmp_path: Path) -> None:
    broken = COMPIEGNE_2009.replace('"6015903 ; 6015901"', '"6015903 ; 6015901"x')
    data = lines(OLD_HEADER, MOUSTEY_2003, broken, PAYS_DE_L_AIN_2009)
    result = read(tmp_path, "frequentation-musees", data)
    assert [r.line for r in result.records] == [2, 4]
    problem = only_problem(result)
    assert (problem.file, problem.line, problem.action) == ("f.csv", 3, "row quarantined")
    assert "badly quoted cell" in problem.reason
    assert result.rows == 3 and result.quarantined_rows == 1


def test_quote_left_open_swallowing_rows_is_quarantined(tmp_path: Path) -> None:
    opened = COMPIEGNE_2009.replace('"6015903 ; 6015901"', '"6015903 ; 6015901')
    closing = MOUSTEY_2003 + '"'
    data = lines(OLD_HEADER, opened, PAYS_DE_L_AIN_2009, closing, RIMBAUD_2018)
    result = read(tmp_path, "frequentation-musees", data)
    assert [r.line for r in result.records] == [5]
    problem = only_problem(result)
    assert (problem.line, problem.column, problem.header) == (2, 13, "observations")
    assert "from line 2 to line 4" in problem.reason and "not closed" in problem.reason
    assert problem.value.startswith("6015903 ; 6015901\n0105302;")


def test_line_break_in_a_one_line_field_is_quarantined(tmp_path: Path) -> None:
    """A town name never holds a line break: a quote opened there probably ate the next line."""
    broken = BROU_2015.replace(";BOURG EN BRESSE;", ';"BOURG EN\nBRESSE";')
    result = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, broken, BROU_2014))
    problem = only_problem(result)
    assert (problem.line, problem.column, problem.header, problem.value, problem.action) == (
        2, 10, "ville", "BOURG EN\nBRESSE", "row quarantined")
    assert "from line 2 to line 3" in problem.reason
    assert [r.line for r in result.records] == [4]


def test_file_truncated_inside_a_quoted_cell(tmp_path: Path) -> None:
    """A download cut in the middle of a multi-line text: the rows before are kept, the last one is
    quarantined with its start line, and nothing crashes."""
    full = lines(MUSEOFILE_HEADER, museofile_row("M0012", "Une ligne."),
                 museofile_row("M0003", "Créé en 1934.\nRénové en 2013.\nRéouvert."))
    cut = full[: full.index("Rénové")]
    result = read(tmp_path, "museofile", cut, name="cut.csv")
    assert [r["ref"] for r in result.records] == ["M0012"]
    problem = only_problem(result)
    assert (problem.file, problem.line, problem.column, problem.action) == (
        "cut.csv", 3, None, "row quarantined")
    assert "ends inside a quoted cell of the row starting on line 3" in problem.reason
    assert "the rest of the file, from line 3, is not read" in problem.reason
    assert result.rows == 2


# --- rows the reader refuses -----------------------------------------------------------------------

def test_value_in_an_unnamed_trailing_column_quarantines_the_row(tmp_path: Path) -> None:
    """The real Saint-Pierre 2022 row: two figures shifted into the unnamed columns 23-24."""
    result = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, ARCHE_2021, ARCHE_2022))
    assert [r["annee"] for r in result.records] == [2021]
    problem = only_problem(result)
    assert (problem.file, problem.line, problem.column, problem.header, problem.value) == (
        "f.csv", 3, 23, None, "1057")
    assert "24 fields" in problem.reason and "unnamed column 23" in problem.reason
    assert problem.action == "row quarantined"


def test_short_row_is_quarantined(tmp_path: Path) -> None:
    short = ";".join(MOUSTEY_2003.split(";")[:9])
    result = read(tmp_path, "frequentation-musees", lines(OLD_HEADER, short, PAYS_DE_L_AIN_2009))
    problem = only_problem(result)
    assert (problem.line, problem.column, problem.value, problem.action) == (2, 9, "1283", "row quarantined")
    assert "row has 9 fields, the header has 13" in problem.reason
    assert [r.line for r in result.records] == [3]


def test_wrong_type_in_an_optional_field_drops_the_value(tmp_path: Path) -> None:
    bad = BROU_2014.replace(";53088;", ";53 O88;")
    result = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, bad))
    (record,) = result.records
    assert "payant" not in record and record["total"] == 94648
    problem = only_problem(result)
    assert (problem.file, problem.line, problem.column, problem.header, problem.value) == (
        "f.csv", 2, 13, "payant", "53 O88")
    assert problem.reason == "not an integer: '53 O88'" and problem.action == "value dropped"
    assert str(problem) == ("f.csv:2, column 13 (payant): value '53 O88' not an integer: '53 O88' "
                            "[value dropped]")


def test_wrong_type_in_a_required_field_quarantines_the_row(tmp_path: Path) -> None:
    bad = BROU_2015.replace(";2015;", ";deux mille quinze;").replace(";76918;", ";x;")
    result = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, BROU_2014, bad))
    assert [r["annee"] for r in result.records] == [2014]
    problem = only_problem(result)  # the row's other problems are not listed once the row is out
    assert (problem.line, problem.column, problem.header, problem.value) == (
        3, 12, "annee", "deux mille quinze")
    assert "not a year" in problem.reason and problem.action == "row quarantined"


def test_missing_id_quarantines_the_row(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, BROU_2014[len("0105301"):], BROU_2015))
    assert [r.line for r in result.records] == [3]
    problem = only_problem(result)
    assert (problem.line, problem.column, problem.header, problem.value) == (2, 1, "IDPatrimostat", "")
    assert problem.reason == "missing required value for site" and problem.action == "row quarantined"


def test_leaked_java_date_in_ferme_is_normalised(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, ARGONNE_2015))
    (record,) = result.records
    assert "ferme" not in record and record["total"] == 1292
    problem = only_problem(result)
    assert (problem.line, problem.column, problem.header, problem.value, problem.action) == (
        2, 6, "ferme", "Tue Mar 25 00:00:00 CET 2025", "value normalised")


def test_codes_lose_no_zero(tmp_path: Path) -> None:
    row = BROU_2014.replace("0105301;", "105301;", 1).replace(";01053;", ";1053;")
    (record,) = read(tmp_path, "frequentation-musees", lines(NEW_HEADER, row)).records
    assert (record["site"], record["commune"]) == ("0105301", "01053")


def test_blank_lines_are_skipped_and_not_counted(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees", lines(OLD_HEADER, "", MOUSTEY_2003, ";;;;;;;;;;;;", ""))
    assert [r.line for r in result.records] == [3] and result.rows == 1 and result.problems == []


# --- files the reader refuses ----------------------------------------------------------------------

def test_unknown_header_names_file_line_and_columns(tmp_path: Path) -> None:
    header = OLD_HEADER.replace("annee", "année").replace("observations", "remarques")
    with pytest.raises(SourceError) as err:
        read(tmp_path, "frequentation-musees", lines(header, MOUSTEY_2003), name="renamed.csv")
    assert err.value.position.file == "renamed.csv" and err.value.position.line == 1
    message = str(err.value)
    assert message.startswith("renamed.csv:1: header matches no known vintage of 'frequentation-musees'")
    # the closest vintage first, with the renamed column it probably is
    assert ("vintage ods-2001-2021 misses 'annee' (column 3 is 'année': renamed?), 'observations'; "
            "vintage entrees-categories-2024 misses 'IDPatrimostat'") in message
    assert "Columns no vintage names: 'année' (column 3), 'remarques' (column 13)." in message
    assert "mappings/frequentation_musees/aliases/frequentation-musees.toml" in message


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\n", b"\r\n" + OLD_HEADER.encode()])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(SourceError, match=r"^empty\.csv:1: empty file or empty header line$"):
        read(tmp_path, "frequentation-musees", data, name="empty.csv")


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees", OLD_HEADER + "\n")
    assert (result.rows, result.records, result.problems) == (0, [], [])


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="missing.csv:0: cannot read file"):
        read_table(tmp_path / "missing.csv", table("museofile"), root=tmp_path)


def test_museofile_label_vintage_is_recognised(tmp_path: Path) -> None:
    """The 2025 export with French labels goes through the same path (an alias table entry)."""
    header = ("Identifiant;Nom_officiel;Adresse;Lieu;Code_postal;Ville;Région;Departement;URL;Telephone;"
              "Categorie;Domaine_thematique;Histoire;Atout;Thèmes;Artiste;Personnage_phare;Intérêt;"
              "Protection_batiment;Protection_espace;Refmer;Annee_creation;Date_de_mise_a_jour;Coordonnees")
    row = ("M0963;musée de Brou;63 boulevard de Brou;;01000;Bourg-en-Bresse;Auvergne-Rhône-Alpes;Ain;"
           "www.monastere-de-brou.fr;;;Beaux-Arts;;;;;;;;;PA00116338;;2024-01-05;\"46.196549,5.236521\"")
    result = read(tmp_path, "museofile", lines(header, row))
    assert result.vintage == "labels-2025" and result.problems == []
    (record,) = result.records
    assert record["ref"] == "M0963" and record["cp_m"] == "01000" and record["refmer"] == ["PA00116338"]
    assert str(record["geolocalisation"][1]) == "5.236521"


# --- columns the vintage does not read -------------------------------------------------------------

EXTRA_COLUMN = PROJECT_ROOT / "tests" / "fixtures" / "extra_column" / "frequentation-musees_extra-column.csv"


def without_column(text: str, column: int) -> str:
    """``text`` (no quoted ``;`` before ``column``) without its 1-based ``column``."""
    out = []
    for line in text.splitlines():
        cells = line.split(";")
        out.append(";".join(cells[:column - 1] + cells[column:]))
    return lines(*out)


def test_unmapped_column_is_reported_and_the_rows_read_as_without_it(tmp_path: Path) -> None:
    shutil.copy(EXTRA_COLUMN, tmp_path / "extra.csv")
    result = read_table(tmp_path / "extra.csv", table("frequentation-musees"), root=tmp_path)
    assert result.vintage == "ods-2001-2021" and result.problems == [] and result.rows == 4
    assert result.warnings == [
        "extra.csv:1: column 'commentaire' (column 10) not mapped by vintage ods-2001-2021 of "
        "mappings/frequentation_musees/aliases/frequentation-musees.toml: not read (map it, or list it in "
        "`_ignore` of "
        "[vintages.ods-2001-2021])"]
    plain = read(tmp_path, "frequentation-musees",
                 without_column(EXTRA_COLUMN.read_text(encoding="utf-8"), 10), name="plain.csv")
    assert plain.warnings == [] and plain.problems == []
    assert [r.values for r in result.records] == [r.values for r in plain.records]
    calbet, compiegne, ain, sologne = result.records
    assert compiegne["regroupement"] == ["6015903", "6015901"] and ain["note"] == "NC"
    assert (sologne["note"], sologne["museofile"]) == ("F", "M0101")
    # positions name the file's own columns: those after the extra one are shifted
    assert str(sologne.position("museofile")) == "extra.csv:5, column 12 (id_museofile)"
    assert str(plain.records[3].position("museofile")) == "plain.csv:5, column 11 (id_museofile)"


def test_columns_listed_in_ignore_are_not_reported(tmp_path: Path) -> None:
    aliases = ALIASES["frequentation-musees"].read_text(encoding="utf-8")
    marker = "[vintages.ods-2001-2021]\n"
    assert marker in aliases
    path = tmp_path / "frequentation-musees.toml"
    path.write_text(aliases.replace(marker, marker + '_ignore = ["commentaire"]\n'), encoding="utf-8")
    ignoring = AliasTable.load(path)
    assert ignoring.ignored == {"ods-2001-2021": frozenset({"commentaire"})}
    result = read_table(EXTRA_COLUMN, ignoring, root=PROJECT_ROOT)
    assert (result.vintage, result.warnings, result.rows, len(result.records)) == ("ods-2001-2021", [], 4, 4)
    # an ignored column is a known one when a header matches nothing
    renamed = "\n".join(EXTRA_COLUMN.read_text(encoding="utf-8").splitlines()).replace("annee", "an", 1)
    with pytest.raises(SourceError) as err:
        read(tmp_path, "frequentation-musees", renamed)  # the shipped table: commentaire is unknown
    assert "'commentaire' (column 10)" in str(err.value)
    (tmp_path / "renamed.csv").write_text(renamed, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read_table(tmp_path / "renamed.csv", ignoring, root=tmp_path)
    assert "Columns no vintage names: 'an' (column 3)." in str(err.value)


def test_ignore_must_be_a_list_of_headers(tmp_path: Path) -> None:
    aliases = ALIASES["frequentation-musees"].read_text(encoding="utf-8")
    path = tmp_path / "frequentation-musees.toml"
    marker = "[vintages.ods-2001-2021]\n"
    path.write_text(aliases.replace(marker, marker + '_ignore = "commentaire"\n'), encoding="utf-8")
    with pytest.raises(ValueError, match="vintage ods-2001-2021: `_ignore` is a list of column headers"):
        AliasTable.load(path)


def test_a_repeated_mapped_header_reports_the_copy_that_is_not_read(tmp_path: Path) -> None:
    result = read(tmp_path, "frequentation-musees", lines(OLD_HEADER + ";nomdep", MOUSTEY_2003 + ";Landes"))
    assert len(result.warnings) == 1
    assert result.warnings[0] == "f.csv:1: header 'nomdep' repeated: column 12 not read (column 14 is)"
    assert result.records[0]["departement"] == "Landes"  # the last one, as the header index has it


def test_badly_quoted_header_is_refused(tmp_path: Path) -> None:
    """Rows would all be lost behind it: the file is refused, naming line 1 (was: silently empty)."""
    header = OLD_HEADER.replace("nom_du_musee", '"nom_du"_musee')
    with pytest.raises(SourceError, match=r"^f\.csv:1: unreadable header: '[;,\t]' expected after '\"'$"):
        read(tmp_path, "frequentation-musees", lines(header, MOUSTEY_2003))


def test_comma_delimited_file_with_quoted_header_cells(tmp_path: Path) -> None:
    """Quotes that are bad with ';' are fine with ',': every delimiter is tried before refusing."""
    header = ",".join(f'"{h}"' for h in OLD_HEADER.split(";"))
    row = ",".join(f'"{c}"' for c in MOUSTEY_2003.split(";"))
    result = read(tmp_path, "frequentation-musees", lines(header, row))
    assert result.vintage == "ods-2001-2021" and result.problems == [] and result.warnings == []
    assert result.records[0]["site"] == "4020001"


# --- the shipped files -----------------------------------------------------------------------------

SHIPPED = {
    # file: (source, data rows per docs/sources.md, quarantined rows, vintage)
    "frequentation-musees/frequentation-des-musees-de-france_ENTREES_ET_CATEGORIES_DE_PUBLIC_2014-2023.csv":
        ("frequentation-musees", 11252, [11247], "entrees-categories-2024"),
    "frequentation-musees/frequentation-des-musees-de-france_ods-export_2001-2021.csv":
        ("frequentation-musees", 24769, [], "ods-2001-2021"),
    "liste-musees/liste-et-localisation-des-musees-de-france.csv": ("liste-musees", 1221, [], "ods-2022"),
    "museofile/musees-de-france-base-museofile_ods-export_2022-01.csv": ("museofile", 1227, [], "ods-2022"),
}


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_files(name: str) -> None:
    source, rows, quarantined, vintage = SHIPPED[name]
    path = PROJECT_ROOT / "data" / "sources" / name
    result = read_table(path, table(source), root=PROJECT_ROOT)
    assert result.file == f"data/sources/{name}"
    assert (result.vintage, result.rows) == (vintage, rows)
    assert [p.line for p in result.problems if p.action == "row quarantined"] == quarantined
    assert len(result.records) == rows - len(quarantined)
    # physical start lines: line of each record = 1 + the line breaks before it in the raw bytes
    raw = path.read_bytes()
    starts = [r.line for r in result.records]
    assert starts == sorted(starts) and starts[0] == 2
    if source == "museofile":
        # 1,227 records on 6,075 lines: the multi-line cells are counted, e.g. M5026 on line 2227
        assert raw.count(b"\n") == 6075
        assert next(r.line for r in result.records if r["ref"] == "M5026") == 2227
        assert raw.split(b"\n")[2226].startswith(b"M5026;")


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_quoted_header_of_a_new_vintage_gets_the_vintage_diagnosis(tmp_path: Path, delimiter: str) -> None:
    """A quoted header fails to parse with the wrong delimiters; the one that splits it cleanly decides,
    so the curator reads which columns are missing or renamed, not a quoting error."""
    header = delimiter.join(f'"{name}"' for name in ("identifiant_museofile", "commune", "nom_du_musee"))
    with pytest.raises(SourceError) as caught:
        read(tmp_path, "liste-musees", lines(header, delimiter.join(['"M0001"', '"Bourg"', '"Brou"'])))
    message = str(caught.value)
    assert "unreadable" not in message
    assert "ref_deps" in message and "nom_du_musee" in message
