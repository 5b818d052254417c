"""Every menu path a message or a page names (“Training → Keys and Providers…”, “Edit ▸ Spelling ▸
Check Spelling”) exists among the real main window's menus, and every “X menu” is a real menu.

Texts read: the string literals of desktop_app (docstrings aside: they are not shown) and the
Markdown pages (docs/, README.md, CONTRIBUTING.md; the app shows docs/ in Help). An arrow (→ or
▸; or > -> › » with spaces around) between a word and a capitalised word, outside code, is a
path: it must start at a top-level menu, and each step must be an item of the menu before it
(its “…” may be left out), unless it is one of the few non-menu paths below (another program's
screens, a job's timeline). So a new wrong path fails here, whatever its first word.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QMenu, QMenuBar

from desktop_app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
# → and ▸ (the two styles the texts use); ASCII and other arrows only with spaces around them
ARROW = re.compile(r"[ \u00a0]*(?:→|▸)[ \u00a0]*|[ \u00a0]+(?:->|=>|>|›|»)[ \u00a0]+")
LEFT_WORD = re.compile(r"([A-Za-z][\w’'.-]*…?)$")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
NAMED_MENU = re.compile(r"\b(?:the|The|its|an?) ([A-Z][a-z]+) menu\b")
# Paths that are not this app's menus: each exact phrase holds the arrow(s) it excuses.
NOT_MENUS = {
    "Azure AI Foundry → Deployments": "Azure's portal",
    "Fireworks dashboard → Deployments": "Fireworks' web site",
    "Together's dashboard → Endpoints": "Together's web site",
    "Developer tab → Start server": "LM Studio's window",
    "Checking the files → Waiting in line → Training": "a training job's timeline",
    "Checking the files → Waiting in line → Training → Model ready": "a training job's timeline",
}


@dataclass
class Menu:
    items: dict[str, Menu | None] = field(default_factory=dict)


def plain(text: str) -> str:
    """An action's text as people read it: no mnemonic ampersands."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()


def menu_tree(bar: QMenuBar | QMenu) -> Menu:
    tree = Menu()
    for action in bar.actions():
        if action.isSeparator() or not action.text():
            continue
        submenu = action.menu()
        tree.items[plain(action.text())] = menu_tree(submenu) if submenu is not None else None
    return tree


# ---- the texts ------------------------------------------------------------------------------
def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def source_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for each string literal that is not a docstring; f-string holes as {}."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    inside_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{}" for v in node.values]
            yield where, "".join(str(p) for p in parts)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings | inside_fstrings
        ):
            yield where, node.value


def page_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, paragraph) for each paragraph of a Markdown page, without emphasis marks."""
    lines = path.read_text(encoding="utf-8").replace("*", "").splitlines()
    start, paragraph = 0, []
    for number, line in enumerate([*lines, ""], 1):
        if line.strip():
            start, paragraph = start or number, [*paragraph, line.strip()]
        elif paragraph:
            yield f"{path.relative_to(ROOT)}:{start}", " ".join(paragraph)
            start, paragraph = 0, []


def all_texts() -> list[tuple[str, str]]:
    texts = [t for p in sorted((ROOT / "desktop_app").rglob("*.py")) for t in source_texts(p)]
    pages = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md", ROOT / "CONTRIBUTING.md"]
    texts += [t for p in pages if p.is_file() for t in page_texts(p)]
    return texts


# ---- the check ------------------------------------------------------------------------------
def _item_at(menu: Menu, text: str) -> str | None:
    """The longest item of `menu` that `text` starts with (its “…” may be left out)."""
    for name in sorted(menu.items, key=len, reverse=True):
        for form in {name, name.removesuffix("…")}:
            rest = text[len(form) :]
            if text.startswith(form) and not (rest[:1].isalnum() or rest[:1] == "…"):
                return form
    return None


def _excused(text: str, start: int, end: int) -> bool:
    for phrase in NOT_MENUS:
        for found in re.finditer(re.escape(phrase), text):
            if found.start() <= start and end <= found.end():
                return True
    return False


def _follow(tree: Menu, title: str, text: str, pos: int) -> tuple[int, str | None]:
    """Walk the path that starts at menu `title`; (where it ends, the problem or None)."""
    menu, path = tree.items[title], title
    while True:
        if menu is None:
            return pos, f"“{path}” has no submenu"
        item = _item_at(menu, text[pos:])
        if item is None:
            return pos, f"“{path} → {text[pos : pos + 40]}”: no such item in “{path}”"
        path, pos = f"{path} → {item}", pos + len(item)
        arrow = ARROW.match(text, pos)
        if arrow is None or not text[arrow.end() : arrow.end() + 1].isalpha():
            return pos, None
        menu, pos = menu.items[_full_name(menu, item)], arrow.end()


def _full_name(menu: Menu, form: str) -> str:
    return form if form in menu.items else form + "…"


def path_problems(text: str, tree: Menu) -> list[str]:
    """Each menu path in `text` that the window does not have, said plainly."""
    problems: list[str] = []
    done = 0
    text = CODE.sub(" ", text)  # commands and code are not paths ("`a` → `b`", "echo x > File")
    for arrow in ARROW.finditer(text):
        if arrow.start() < done:
            continue  # a later step of a path already followed
        left = LEFT_WORD.search(text[: arrow.start()])
        right = text[arrow.end() : arrow.end() + 2]
        ascii_arrow = not ("→" in arrow.group(0) or "▸" in arrow.group(0))
        if left is None or not right[:1].isupper() or (ascii_arrow and not right[1:].islower()):
            continue  # not a path to a name ("2 or → for", "{} → {}", "size > LIMIT")
        if _excused(text, left.start(), arrow.end()):
            continue
        title = next(
            (t for t in tree.items if re.search(rf"(?<!\w){re.escape(t)}$", left.group(0))), None
        )
        if title is None:
            problems.append(f"“{left.group(1)} → …” does not start at a menu of the window")
            continue
        done, problem = _follow(tree, title, text, arrow.end())
        if problem is not None:
            problems.append(problem)
    problems += [
        f"“{name} menu” is not a menu of the window"
        for name in NAMED_MENU.findall(text)
        if name not in _all_menu_names(tree)
    ]
    return problems


def _all_menu_names(tree: Menu) -> set[str]:
    names = set()
    for name, sub in tree.items.items():
        if sub is not None:
            names |= {name, *_all_menu_names(sub)}
    return names


# ---- the tests ------------------------------------------------------------------------------
def test_every_menu_path_in_a_message_or_a_page_exists(window: MainWindow) -> None:
    tree = menu_tree(window.menuBar())
    assert {"File", "Edit", "View", "Training", "Try", "Help"} <= set(tree.items)
    texts = all_texts()
    found = [f"{where}: {p}" for where, text in texts for p in path_problems(text, tree)]
    assert not found, "\n".join(found)
    # the collector saw the paths there are (so an empty result is not an empty search)
    with_paths = [where for where, text in texts if "Keys and Providers" in text and "→" in text]
    assert len(with_paths) >= 4, with_paths
    # and each excuse still excuses something
    unused = [p for p in NOT_MENUS if not any(p in text for _, text in texts)]
    assert not unused, unused


def test_the_collector_finds_wrong_paths_in_either_arrow_style(window: MainWindow) -> None:
    tree = menu_tree(window.menuBar())
    right = [
        "Open Training → Keys and Providers… (or run “ftstudio keys set”)",
        "Use Edit ▸ Spelling ▸ Check Spelling, or File ▸ Save As, then Help ▸ Glossary.",
        "Edit → Undo in the main window; Try → Compare Two Models; Help > About Finetune Studio.",
        "<b>The job failed.</b> if size > LIMIT: x -> y; run `echo hi > Modelfile`",
        "Pick the Edit menu; deploy it (Azure AI Foundry → Deployments).",
        "Score it 2 or → for the second; {} → {}; `a.yaml` → `train`",
    ]
    for text in right:
        assert path_problems(text, tree) == [], text
    wrong = {
        "Open Settings → Keys to add one.": "“Settings → …” does not start at a menu",
        "open the keys tab → Add Key": "“tab → …” does not start at a menu",
        "Edit ▸ System Prompt sets it": "no such item in “Edit”",
        "Training → Keys, then try again.": "no such item in “Training”",
        "File ▸ Export For… ▸ Mlx-lm": "“File → Export For…” has no submenu",
        "File ▸ Export Training Files → Zip": "has no submenu",
        "Use Edit ▸ Undo ▸ Again": "“Edit → Undo” has no submenu",
        "View ▸ Appearance ▸ Sepia": "no such item in “View → Appearance”",
        "Open the Tools menu.": "“Tools menu” is not a menu",
        "Choose Settings > Keys.": "“Settings → …” does not start at a menu",
        "Choose Edit -> Undo -> Redo.": "“Edit → Undo” has no submenu",
    }
    for text, problem in wrong.items():
        problems = path_problems(text, tree)
        assert len(problems) == 1 and problem in problems[0], (text, problems)


def _mnemonic(text: str) -> str | None:
    """The letter after a single "&" (Alt+letter picks the item), lower case; None without."""
    at = text.replace("&&", "").find("&")
    rest = text.replace("&&", "")
    return rest[at + 1].lower() if 0 <= at < len(rest) - 1 else None


def test_no_two_items_of_a_menu_share_a_keyboard_letter(window: MainWindow) -> None:
    """Alt+F, then a letter, must pick one item: two items with the same underlined letter take
    turns instead (File ▸ Repair File… first came with Open Recent's R)."""

    def clashes(menu: QMenu | QMenuBar, where: str) -> list[str]:
        found: list[str] = []
        seen: dict[str, str] = {}
        for action in menu.actions():
            if action.isSeparator() or not action.text() or not action.isVisible():
                continue
            letter = _mnemonic(action.text())
            if letter is not None and letter in seen:
                found.append(
                    f"{where}: “{seen[letter]}” and “{plain(action.text())}” share {letter}"
                )
            elif letter is not None:
                seen[letter] = plain(action.text())
            if action.menu() is not None:
                found += clashes(action.menu(), f"{where} ▸ {plain(action.text())}")
        return found

    assert clashes(window.menuBar(), "menu bar") == []
