"""Add (or replace) worksheets in a package without re-saving the workbook: the transaction over
the parts, each of which has its own module (``worksheet``, ``table``, ``styles``, ``workbook``,
``relationships``, ``content_types``, ``app``, ``custom``, ``cellpatch``), written by ``zipio``.

Parts touched: the new worksheets (and their tables), the styles part (formats appended), and,
when a sheet is new, the workbook part, its relationships, the content types and the list of sheets
in ``docProps/app.xml``; the custom document properties when given.  Every other part - macros,
drawings and buttons, tables, controls, extensions - is copied byte for byte.

Replacing a sheet is one transaction over everything that belonged to the old one: the parts only
it reached through its relationships (tables, comments, drawings, VML, printer settings) with their
content types, its sheet-scoped defined names (a print area, print titles) and the calculation
chain.  The sheet keeps its place, its sheetId and its relationship, so references to it survive.
Everything is read and serialised before the source is closed and the target written.

Two steps close every transaction.  A digitally signed package (``_xmlsignatures/``), or a signed VBA
project whose ``vbaProject.bin`` the edit changes, is refused - the signature would no longer be
valid - unless ``unsign``: then the signature parts, their relationships and content types are
removed, as Excel does when a signed workbook is edited and saved.  And the output gets the tool's
mark (``fingerprint``), by which ``outputs`` knows it again; ``mark=False`` (a workbook changed in
place: the user's own file) removes a mark it had.
"""
from __future__ import annotations

import posixpath
import re
import zlib
from contextlib import closing
from decimal import Decimal
from pathlib import Path

from lxml import etree

from ..core.errors import UserError
from ..forms.layout import SheetLayout
from . import app, content_types, custom, fingerprint, relationships, workbook
from .ooxml import (
    CT_CUSTOM_PROPS, CT_RELS, CT_STYLES, CT_TABLE, CT_WORKSHEET, NS_CT, REL_CALC_CHAIN, REL_CUSTOM_PROPS,
    REL_EXTENDED_PROPS, REL_SIGNATURE, REL_SIGNATURE_CERTIFICATE, REL_STYLES, REL_TABLE, REL_VBA_PROJECT,
    REL_WORKSHEET,
)
from .cells import well_formed
from .package import Package, q, serialize_xml
from .relationships import relative, rels_part
from .styles import add_styles, minimal_styles
from .table import render_table
from .worksheet import sheet_chunks
from .zipio import Deflated, write_package

_INVALID_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
TYPES = "[Content_Types].xml"


# A sheet of many rows (the Utfall sheet of a large ledger: 230 000 rows, 240 MB of XML) is deflated at zlib's
# level 2, not 6, the XML the same, on a second thread where there is a core for it (``zipio.Deflated``'s
# ``ahead``).  At level 6 deflate was the largest part of `utfall` on a large ledger after the rows were made
# fast (issue 22 item 10).  Measured on that sheet (237 MB of XML): level 6 ~1.8 s and 15.5 MB; level 3 0.71-0.84 s
# and 17.9 MB; level 2 0.54-0.58 s and 18.9 MB; level 1 0.52-0.59 s and 19.3 MB: level 2 is level 1's speed.
FAST_DEFLATE, FAST_DEFLATE_ROWS = 2, 20_000


def _crc_size(data: bytes | Deflated) -> tuple[int, int]:
    """A part's CRC-32 and size, also of one deflated as it was written (``zipio.Deflated``)."""
    return (data.crc, data.size) if isinstance(data, Deflated) else (zlib.crc32(data), len(data))


class _Edit:
    """The changes to one package, collected before anything is written: parts edited as XML trees
    (serialised at the end), parts with new bytes, and parts dropped."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.trees: dict[str, etree._Element] = {}
        self.parts: dict[str, bytes | Deflated] = {}  # a new sheet deflated as it is written (zipio.Deflated)
        self.drop: set[str] = set()
        self.wb_part = pkg.workbook_part
        self.taken_parts = {n.casefold() for n in pkg.names}
        self.added_sheets = 0
        self.new_code_names: list[str] = []  # code names given to the sheets this edit adds
        self.code_names: dict[str, str | None] = {}  # the code names of the package's sheets, as read
        self.actions: list[tuple[str, str]] = []  # what the edit does, in words (for a refusal that says so)
        self.mark_part: str | None = None  # the custom properties part that gets the tool's mark
        self.custom_part: str | None = None  # the custom properties part, once this edit has set one

    # --- parts -----------------------------------------------------------------------------------------
    def tree(self, part: str, new=None) -> etree._Element:
        """``part`` as an XML tree to edit (parsed once); ``new()`` makes it when the package has none."""
        if part not in self.trees:
            self.trees[part] = self.pkg.xml(part) if part in self.pkg.names or new is None else new()
        return self.trees[part]

    def view(self, part: str) -> etree._Element:
        """``part`` as this edit has it so far, to read."""
        return self.trees[part] if part in self.trees else self.pkg.xml(part)

    def claim(self, part: str) -> bool:
        """Reserve ``part`` for a part this edit makes.  False when the name is not free: taken in any case
        (by the package or this edit), a folder of members or a member's subfolder, with relationships of its
        own already, or not a name a package may hold (outside it, a folder, a backslash)."""
        key = part.casefold()
        folders = [key[:i] for i, ch in enumerate(key) if ch == "/"]
        if (not part or part.endswith("/") or "\\" in part or ".." in part.split("/") or part.startswith("/")
                or key in self.taken_parts or any(f in self.taken_parts for f in folders)
                or any(name.startswith(key + "/") for name in self.taken_parts)
                or rels_part(part).casefold() in self.taken_parts):
            return False
        self.taken_parts.add(key)
        return True

    def new_part(self, folder: str, stem: str, ext: str, first: str = "1") -> str:
        """A free part name in ``folder``: stem1.ext, stem2.ext, ... (``first=""``: stem.ext before those)."""
        n = first
        while not self.claim(posixpath.join(folder, f"{stem}{n}.{ext}")):
            n = int(n or 0) + 1
        return posixpath.join(folder, f"{stem}{n}.{ext}")

    def related_part(self, source: str, kind: str, folder: str, stem: str, content_type: str) -> str:
        """The part ``source`` relates to with type ``kind``.  When the package has no such part it is to
        be made: at the relationship's target if that names a free part, else under a new name with a
        new relationship (a dangling one removed)."""
        part = next((t for _, k, t, mode in self.pkg.rels(source) if k == kind and mode == "Internal"), None)
        if part in self.pkg.names:
            return part
        if part is None or not self.claim(part):
            if part is not None:
                relationships.remove(self.tree(self.rels_of(source), relationships.new), kind)
            part = self.new_part(folder, stem, "xml", first="")
            self.relate(source, kind, part)
        self.override(part, content_type)
        return part

    def target(self, source: str, kind: str) -> str | None:
        """The part ``source`` relates to with type ``kind``, if it is in the package."""
        part = next((t for _, k, t, _ in self.pkg.rels(source) if k == kind), None)
        return part if part in self.pkg.names else None

    def override(self, part: str, content_type: str) -> None:
        content_types.override(self.tree(TYPES), part, content_type)

    def rels_of(self, part: str) -> str:
        """The relationships part of ``part`` under the name the package has for it."""
        return self.pkg.member(rels_part(part))

    def relate(self, source: str, kind: str, target_part: str) -> str:
        """Add a relationship from ``source`` to ``target_part``; returns its id."""
        rels = self.tree(self.rels_of(source), relationships.new)
        return relationships.add(rels, kind, relative(source, target_part) if source else target_part)

    def remove(self, part: str) -> None:
        self.drop.add(part)
        content_types.remove(self.tree(TYPES), part)

    # --- the workbook's parts --------------------------------------------------------------------------
    def styles(self) -> dict[str, int]:
        """The layouts' cell formats in the styles part (made when the package has none)."""
        part = self.related_part(self.wb_part, REL_STYLES, posixpath.dirname(self.wb_part), "styles", CT_STYLES)
        root = self.tree(part, minimal_styles)
        if root.tag != q("styleSheet"):
            raise UserError(f"the styles part {part} is not a styles part (its root is <{etree.QName(root).localname}>); "
                            "repair the file in Excel", file=self.pkg.path)
        return add_styles(root)

    def drop_calc_chain(self) -> None:
        """The calculation chain may name formula cells of a replaced sheet; Excel rebuilds it."""
        if not any(kind == REL_CALC_CHAIN for _, kind, _, _ in self.pkg.rels(self.wb_part)):
            return
        for target in relationships.remove(self.tree(self.rels_of(self.wb_part)), REL_CALC_CHAIN):
            self.remove(self.pkg.member(relationships.resolve(self.wb_part, target)))

    def drop_dependents(self, part: str) -> None:
        """The parts that only ``part`` reaches through its relationships (recursively), with their
        relationships and content types; a part also reached from elsewhere stays.  A relationship to the
        package's own structure (a relationships part, the content types) names no part: never dropped."""
        dropping = {self.rels_of(part)}
        found, todo = set(), [part]
        while todo:
            for _, _, target, mode in self.pkg.rels(todo.pop()):
                if (mode == "Internal" and target in self.pkg.names and target not in found and target != TYPES
                        and not target.casefold().endswith(".rels")):
                    found.add(target)
                    dropping.add(self.rels_of(target))
                    todo.append(target)
        kept_refs: set[str] = set()
        for name in self.pkg.names:
            if name.endswith(".rels") and name not in dropping and name not in self.drop:
                source = relationships.source_part(name)
                kept_refs |= {t for _, _, t, mode in self.pkg.rels(source) if mode == "Internal"}
        for target in found - kept_refs - {part}:
            self.remove(target)
        self.drop |= {r for r in dropping if r in self.pkg.names}

    def list_in_app_properties(self, name: str) -> None:
        """Add a new sheet's name to docProps/app.xml, when its list is one we understand."""
        part = self.target("", REL_EXTENDED_PROPS)
        if part is None:
            return
        root = self.view(part)
        if app.list_sheet(root, name, len([s for s in self.pkg.sheets if s.part]) + self.added_sheets):
            self.trees[part] = root
            self.added_sheets += 1

    def custom_properties(self, values: dict[str, str]) -> str:
        """Set custom document properties (File > Properties > Custom), keeping the others; returns the part."""
        if self.custom_part is None:  # (made once: a part this edit makes is not in the package to be found)
            self.custom_part = self.related_part("", REL_CUSTOM_PROPS, "docProps", "custom", CT_CUSTOM_PROPS)
        custom.set_properties(self.tree(self.custom_part, custom.new), values)
        return self.custom_part

    def mark(self, on: bool) -> None:
        """Give the output the tool's mark (a placeholder, sealed in ``finish``), or remove a mark it has."""
        if on:
            self.mark_part = self.custom_properties({fingerprint.PROPERTY: fingerprint.PLACEHOLDER})
            return
        part = self.target("", REL_CUSTOM_PROPS)
        if part is not None and any(p.get("name") == fingerprint.PROPERTY for p in self.view(part)):
            custom.remove_property(self.tree(part), fingerprint.PROPERTY)

    # --- digital signatures ------------------------------------------------------------------------
    def signatures(self, unsign: bool) -> list[str]:
        """Never a signature left over parts that changed.  The package's signature covers the parts the
        edit changes, and a VBA project's covers the project: refused unless ``unsign``, then removed (the
        output is unsigned).  Returns what was removed, in words, for the command's summary."""
        removed = []
        signatures = self.pkg.signatures()
        if signatures:
            if not unsign:
                covered = {c for s in signatures for c in s.covers}
                changed = sorted(c for c in covered if c in self.trees or c in self.parts or c in self.drop)
                what = (f"changes parts it signs ({', '.join(changed[:6])}{', ...' if len(changed) > 6 else ''})"
                        if changed else "changes the signed package")
                self.refuse(f"the workbook is digitally signed ({'; '.join(map(str, signatures))}); the command "
                            f"{self.doing()}, which {what}: the signature would no longer be valid")
            origins, parts = self.pkg.signature_parts()
            todo = list(parts)
            while todo:  # the certificates the signatures relate to
                for _, kind, target, mode in self.pkg.rels(todo.pop()):
                    if kind in (REL_SIGNATURE, REL_SIGNATURE_CERTIFICATE) and mode == "Internal" \
                            and target in self.pkg.names and target not in parts:
                        parts.append(target)
                        todo.append(target)
            self.drop_parts(origins + parts, "")
            removed.append("the workbook's digital signature (" + "; ".join(map(str, signatures)) + ") was removed: "
                           "the output is unsigned")
        project = self.target(self.wb_part, REL_VBA_PROJECT)
        changed = project in self.parts and self.parts[project] != self.pkg.read(project)
        vba_signatures = self.pkg.vba_signature_parts() if changed else []
        if vba_signatures:
            if not unsign:
                self.refuse(f"the workbook's VBA project is digitally signed ({', '.join(vba_signatures)}); the "
                            f"command {self.doing()}, which changes the project {project}: the macros' signature "
                            "would no longer be valid")
            self.drop_parts(vba_signatures, project)
            removed.append(f"the VBA project's signature ({', '.join(vba_signatures)}) was removed: the macros are "
                           "unsigned")
        return removed

    def doing(self) -> str:
        """What the edit does, in words: "adds the sheets 'Bilaga 2', 'Kontroll'"."""
        grouped: dict[str, list[str]] = {}
        for verb, what in self.actions:
            grouped.setdefault(verb, []).append(what)
        said = [f"{verb.replace('the sheet', 'the sheets') if len(things) > 1 else verb} {', '.join(things)}"
                for verb, things in grouped.items()]
        return " and ".join(said) or "writes into it"

    def refuse(self, why: str) -> None:
        raise UserError(f"{why}. Nothing was written. Run again with --force to write it without the signature "
                        "(as Excel does when a signed workbook is edited and saved; the signed original is kept), "
                        "or have it signed again afterwards", file=self.pkg.path)

    def drop_parts(self, parts: list[str], source: str) -> None:
        """Remove ``parts`` with their relationships parts and content types, and ``source``'s relationships
        to them (its relationships part too, when nothing is left in it); a Default content type that no
        remaining part uses goes with them."""
        for part in parts:
            self.remove(part)
            if self.rels_of(part) in self.pkg.names:
                self.remove(self.rels_of(part))
        rels = self.rels_of(source)
        if rels in self.pkg.names:
            root = self.tree(rels)
            gone = {p.casefold() for p in parts}
            for rel in list(root):
                if rel.get("TargetMode", "Internal") == "Internal" and \
                        self.pkg.member(relationships.resolve(source, rel.get("Target", ""))).casefold() in gone:
                    root.remove(rel)
            if len(root) == 0 and source:
                del self.trees[rels]
                self.remove(rels)
        kept = [n for n in self.pkg.names if n not in self.drop]
        types = self.tree(TYPES)
        for default in list(types.iter(f"{{{NS_CT}}}Default")):
            extension = default.get("Extension", "").casefold()
            if extension not in ("rels", "xml") and any(p.casefold().endswith("." + extension) for p in parts) \
                    and not any(n.casefold().endswith("." + extension) for n in kept):
                types.remove(default)

    def existing_tables(self) -> tuple[set[str], int]:
        """Names (casefolded) and the highest id of the tables that stay in the workbook."""
        names, top = workbook.defined_names(self.view(self.wb_part)), 0  # a table may not take a defined name
        for table in self.pkg.tables():
            if table.part in self.drop:
                continue
            names |= {table.name.casefold(), table.display_name.casefold()}
            top = max(top, table.table_id)
        return names, top

    # --- sheets -------------------------------------------------------------------------------------------
    def sheet(self, layout: SheetLayout, style_ids: dict[str, int]) -> tuple[str, list[str]]:
        """Place the sheet: replace one of the same name, or add it at the end.  Returns its part and
        the part names for its tables."""
        existing = self.pkg.sheet(layout.name)
        if existing is not None:
            kinds = {rid: kind for rid, kind, _, _ in self.pkg.rels(self.wb_part)}
            if kinds.get(existing.rel_id) != REL_WORKSHEET or existing.part not in self.pkg.names:
                raise UserError(f"the workbook has a sheet '{existing.name}' that is not a worksheet; "
                                "rename it and try again", file=self.pkg.path)
            part = existing.part
            self.actions.append(("replaces the sheet", f"'{existing.name}'"))
            self.drop_dependents(part)
            workbook.drop_local_names(self.tree(self.wb_part), existing.index)
            self.drop_calc_chain()
        else:
            part = self.new_part(posixpath.join(posixpath.dirname(self.wb_part), "worksheets"), "sheet", "xml")
            self.actions.append(("adds the sheet", f"'{layout.name}'"))
            rel_id = self.relate(self.wb_part, REL_WORKSHEET, part)
            workbook.add_sheet(self.tree(self.wb_part), layout.name, rel_id, str(self.pkg.path))
            self.override(part, CT_WORKSHEET)
            self.list_in_app_properties(layout.name)
        if layout.print_titles:
            root = self.tree(self.wb_part)
            index = existing.index if existing is not None else workbook.sheet_count(root) - 1
            workbook.set_print_titles(root, index, layout.name, layout.print_titles)
        table_parts = [self.new_part(posixpath.join(posixpath.dirname(self.wb_part), "tables"), "table", "xml")
                       for _ in layout.tables]
        level = FAST_DEFLATE if layout.row_count > FAST_DEFLATE_ROWS else 6
        self.parts[part] = Deflated(sheet_chunks(layout, style_ids, self.code_name(existing)), level,
                                   ahead=layout.row_count > FAST_DEFLATE_ROWS)
        return part, table_parts

    def tables(self, placed: list[tuple[SheetLayout, str, list[str]]]) -> None:
        """The placed sheets' tables, numbered after the workbook's own, with the sheets' relationships."""
        names, top = self.existing_tables()
        for layout, part, table_parts in placed:
            relations = []
            for table, table_part in zip(layout.tables, table_parts):
                if table.name.casefold() in names:
                    raise UserError(f"the workbook already has a table or name '{table.name}'", file=self.pkg.path)
                names.add(table.name.casefold())
                top += 1
                self.parts[table_part] = render_table(table, top)
                self.override(table_part, CT_TABLE)
                relations.append((REL_TABLE, relative(part, table_part)))
            if relations:  # rId1, rId2, ... as the sheet refers to them
                self.trees[self.rels_of(part)] = relationships.part(relations)

    def cells(self, cell_values: dict[str, dict[str, Decimal | None]]) -> None:
        """Set the cells of each named sheet (``cellpatch``) and ask for recalculation on load."""
        from .cellpatch import patch_chunks  # lazy: only utfall sets cells; `report` starts without it (issue 28)

        for name, values in cell_values.items():
            sheet = self.pkg.sheet(name)
            if sheet is None or not sheet.part:
                raise UserError(f"no worksheet '{name}'", file=self.pkg.path)
            if sheet.part in self.parts:
                raise ValueError(f"the sheet '{name}' is both replaced and patched")
            self.parts[sheet.part] = Deflated(patch_chunks(self.pkg.read(sheet.part), values,
                                                           f"{self.pkg.path}: {sheet.part}",
                                                           well_formed(self.pkg, sheet.part)))
            self.actions.append(("sets cells in the sheet", f"'{sheet.name}'"))
        self.drop_calc_chain()  # it may name a formula cell that is now a value; Excel rebuilds it
        workbook.full_calc_on_load(self.tree(self.wb_part))

    # --- VBA code names (a workbook with macros) ------------------------------------------------------
    def sheet_code_name(self, part: str) -> str | None:
        """The code name of a worksheet in the package (``<sheetPr codeName>``), read from its first elements
        only; a sheet whose code name has been read is not read again."""
        if part not in self.code_names:
            self.code_names[part] = None
            with closing(self.pkg.iterparse(part, None, events=("start",))) as elements:
                for _, element in elements:
                    if element.tag == q("sheetPr"):
                        self.code_names[part] = element.get("codeName") or None
                    if element.tag != q("worksheet"):
                        break
        return self.code_names[part]

    def code_name(self, existing) -> str | None:
        """The code name of a sheet written into a workbook with a VBA project: a replaced sheet keeps its
        own; a new one gets the next SheetN that no module and no other sheet has.  Only the code name is
        set (as XlsxWriter does): the project is copied byte for byte and Excel adds the sheet's document
        module itself.  None without a project, or with one we cannot read (Excel then names the sheet)."""
        part = self.target(self.wb_part, REL_VBA_PROJECT)
        if part is None:
            return None
        from .vbaproject import VBAProjectError, module_names  # lazy: only a .xlsm needs it (13 ms of `report`, issue 28)

        if existing is not None and self.sheet_code_name(existing.part):
            return self.sheet_code_name(existing.part)
        try:
            names = module_names(self.pkg.read(part))
        except VBAProjectError:
            return None  # a project we cannot read is copied as it is; Excel adds the module on save
        # a sheet may have a code name without a module (XlsxWriter gives every sheet one): not to be taken twice
        taken = {n.casefold() for n in names + self.new_code_names}
        taken |= {(self.sheet_code_name(s.part) or "").casefold() for s in self.pkg.sheets if s.part in self.pkg.names}
        n = 1
        while f"sheet{n}" in taken:
            n += 1
        self.new_code_names.append(f"Sheet{n}")
        return f"Sheet{n}"

    def finish(self, unsign: bool = False) -> list[str]:
        """Everything read from the package and serialised, so that it can be closed before writing; returns
        what was removed (signatures), in words."""
        new_rels = [p for p in [*self.trees, *self.parts] if p not in self.pkg.names and p.casefold().endswith(".rels")]
        if new_rels and not content_types.has_default(self.tree(TYPES), "rels"):  # a package typing each one
            for part in new_rels:
                self.override(part, CT_RELS)
        removed = self.signatures(unsign)
        for part, root in self.trees.items():
            self.parts[part] = serialize_xml(root)
        self.drop -= set(self.parts)
        self.infos = [i for i in self.pkg.infos if i.filename not in self.drop]
        if self.mark_part is not None:  # the last change: the digest covers every other one
            members = [(i.filename, *_crc_size(self.parts[i.filename]))
                       if i.filename in self.parts else (i.filename, i.CRC, i.file_size) for i in self.infos]
            members += [(p, *_crc_size(data)) for p, data in self.parts.items() if p not in self.pkg.names]
            self.parts[self.mark_part] = fingerprint.seal(members, self.mark_part, self.parts[self.mark_part])
        self.replace = {p: data for p, data in self.parts.items() if p in self.pkg.names}
        self.add = {p: data for p, data in self.parts.items() if p not in self.pkg.names}
        return removed

    def write(self, source: Path, target: Path) -> None:
        write_package(source, self.infos, target, self.replace, self.add)


def write_sheets(source: Path, target: Path, layouts: list[SheetLayout],
                 properties: dict[str, str] | None = None, cell_values=None, *, unsign: bool = False,
                 mark: bool = True) -> list[str]:
    """Write ``target`` as ``source`` with each layout's sheet added (at the end) or replaced, the custom
    document ``properties`` set, and the cells of ``cell_values`` ({sheet name: {"J5": Decimal or None}})
    set in their sheets (``cellpatch``).  A signed package is refused unless ``unsign`` (then its signature
    is removed); the output gets the tool's mark unless ``mark`` is false.  Returns what was removed."""
    for layout in layouts:
        if len(layout.name) > 31 or _INVALID_SHEET_NAME.search(layout.name) or not layout.name.strip():
            raise ValueError(f"invalid sheet name {layout.name!r}")
    names = [layout.name.casefold() for layout in layouts]
    if len(set(names)) != len(names):  # each would be added as a new sheet: two sheets of one name
        raise ValueError(f"two sheets of one name in {[layout.name for layout in layouts]}")
    with Package(source) as pkg:
        edit = _Edit(pkg)
        style_ids = edit.styles() if layouts else {}
        placed = [(layout, *edit.sheet(layout, style_ids)) for layout in layouts]
        edit.tables(placed)
        if properties:
            edit.custom_properties(properties)
        if cell_values:
            edit.cells(cell_values)
        edit.mark(mark)
        removed = edit.finish(unsign)
    edit.write(Path(source), Path(target))  # with the package closed: Windows will not rename over an open file
    return removed
