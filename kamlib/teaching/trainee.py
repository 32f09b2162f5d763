"""A trainee's own copy of the workbook's notebooks, in one language.

The workbook's notebooks hold their prose in both languages (Markdown pairs tagged ``lang-en``/``lang-de``,
:func:`kamlib.present.report.bilingual_problems`). A trainee gets copies with only the cells of their
language, the ``parameters`` cell set to that language and to a copy of the sample company next to the
notebooks (so the folder works wherever it is moved and however kamlib is installed), and no outputs: the
trainee runs the cells. ``kam notebooks my-course --lang de`` writes them; then ``jupyter lab my-course``.

Examples
--------
>>> import nbformat
>>> md = nbformat.v4.new_markdown_cell
>>> nb = nbformat.v4.new_notebook(cells=[
...     md("## Data", metadata={"tags": ["lang-en"]}), md("## Daten", metadata={"tags": ["lang-de"]}),
...     nbformat.v4.new_code_cell('source: str = ""\\nlang: str = "en"  # language', metadata={"tags": ["parameters"]}),
... ])
>>> [c.source for c in trainee_notebook(nb, "de", source="data/sample").cells]
['## Daten', 'source: str = "data/sample"\\nlang: str = "de"  # language']
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import nbformat

from kamlib import i18n
from kamlib.present.report import cell_lang

#: The sample company's folder inside a trainee's course folder.
DATA_FOLDER = Path("data") / "sample"
#: The copies' file names by the workbook notebook's name (catalogue ``form.trainee_files``): German in German.
_FILE_NAMES: dict[str, tuple[str, str]] = i18n.table("form.trainee_files")
_TEXTS: dict[str, tuple[str, str]] = i18n.table("form.trainee")


def text(key: str, lang: str = "en", **values: object) -> str:
    """A message of ``kam notebooks`` (catalogue ``form.trainee``) in ``lang``."""
    return i18n.pick(_TEXTS[key], lang).format(**values)


def copy_name(rel: str | Path, lang: str) -> Path:
    """Where the trainee's copy of the workbook notebook ``rel`` (relative to the notebooks folder) goes in a
    course folder of ``lang``: the same folder, the name in the trainee's language (``01_Kundenauswahl.ipynb``);
    a notebook the catalogue does not name keeps its name.

    >>> copy_name("workshop/criteria_workshop.ipynb", "de").as_posix()
    'workshop/Kriterien-Workshop.ipynb'
    >>> copy_name("01_account_selection.ipynb", "en").as_posix()
    '01_account_selection.ipynb'
    """
    rel = Path(rel)
    pair = _FILE_NAMES.get(rel.stem)
    return rel if pair is None else rel.with_name(i18n.pick(pair, lang) + rel.suffix)


def _rename_links(source: str, lang: str) -> str:
    """Markdown naming another workbook notebook (``**Weiter:** `01_account_selection.ipynb```) names its copy."""
    for stem, pair in _FILE_NAMES.items():
        source = source.replace(f"{stem}.ipynb", f"{i18n.pick(pair, lang)}.ipynb")
    return source


def _set_parameter(source: str, name: str, value: str) -> str:
    """``name: str = "..."`` (or ``name = "..."``) in a parameters cell with ``value`` as its text; the
    comment after it stays. A cell without the parameter gets it as a new last line."""
    pattern = re.compile(rf"^({re.escape(name)}\s*(?::[^=\n]*)?=\s*)(\"[^\"\n]*\"|'[^'\n]*')", re.M)
    literal = json.dumps(value, ensure_ascii=False)
    if pattern.search(source):
        return pattern.sub(lambda m: m.group(1) + literal, source, count=1)
    return f"{source.rstrip()}\n{name} = {literal}"


def trainee_notebook(nb, lang: str, *, source: str | None = None):
    """A copy of notebook ``nb`` for a trainee in ``lang``: Markdown cells of the other language dropped (cells
    without a language tag kept, names of other notebooks as their copies' names), the ``parameters`` cell's ``lang`` (and ``source`` when given) set, outputs,
    execution counts and saved widget states cleared. ``nb`` itself is not changed."""
    lang = i18n.check_lang(lang)
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if cell.cell_type == "markdown" and cell_lang(cell) not in (None, lang):
            continue
        if cell.cell_type == "markdown":
            cell.source = _rename_links(cell.source, lang)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                cell.source = _set_parameter(cell.source, "lang", lang)
                if source is not None:
                    cell.source = _set_parameter(cell.source, "source", source)
        cells.append(cell)
    out.cells = cells
    out.metadata.pop("widgets", None)
    out.metadata.pop("papermill", None)
    out.metadata["language_info"] = {"name": "python"}
    return out


def _resolve_notebooks(source_folder: str | Path) -> Path:
    folder = Path(source_folder)
    if folder.is_dir() or folder.is_absolute():
        return folder
    checkout = Path(__file__).resolve().parents[2] / folder  # the workbook's own folder (editable install)
    return checkout if checkout.is_dir() else folder


def _sample_folder(notebooks: Path) -> Path:
    import kamlib

    for candidate in (Path(kamlib.SAMPLE), notebooks.parent / DATA_FOLDER):
        if (candidate / "accounts.csv").is_file():
            return candidate
    raise FileNotFoundError(f"the sample company (data/sample) is neither at {kamlib.SAMPLE} nor next to {notebooks}")


def write_trainee_notebooks(dest: Path, lang: str, *, source_folder: str | Path = "notebooks") -> list[Path]:
    """Write a trainee's course folder ``dest`` in ``lang``: the six step notebooks (``dest/0*.ipynb``, named in
    ``lang``: :func:`copy_name`), the
    workshop notebooks (``dest/workshop/``) and a copy of the sample company (``dest/data/sample``) the
    notebooks read. ``source_folder``: the workbook's notebooks (relative to the current folder, else to the
    workbook's own folder). Returns the notebooks written."""
    lang = i18n.check_lang(lang)
    notebooks = _resolve_notebooks(source_folder)
    sources = sorted(notebooks.glob("[0-9][0-9]_*.ipynb")) + sorted((notebooks / "workshop").glob("*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no notebooks in {notebooks}")
    dest = Path(dest)
    shutil.copytree(_sample_folder(notebooks), dest / DATA_FOLDER, dirs_exist_ok=True)
    written = []
    for src in sources:
        rel = src.relative_to(notebooks)
        up = "../" * (len(rel.parts) - 1)  # workshop/ notebooks read ../data/sample
        nb = trainee_notebook(nbformat.read(src, as_version=4), lang, source=f"{up}{DATA_FOLDER.as_posix()}")
        target = dest / copy_name(rel, lang)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    return written
