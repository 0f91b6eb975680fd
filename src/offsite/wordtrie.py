"""A regular-expression alternation of many words, written as a prefix tree.

``re`` tries the branches of ``(?:five|four|fourteen|...)`` one by one at every position; written
as ``(?:f(?:ive|our(?:teen)?)|...)`` it reads one character to rule most of them out. The words
matched are the same, and a longer word still wins over its prefix (at each letter at most one
branch can go on, and going on is tried before stopping), as in an alternation sorted longest
first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A node of the tree: next character -> node; the key "" marks the end of a word.
_Node = dict[str, "_Node"]


def trie_alternation(words: Iterable[str]) -> str:
    """A pattern matching any of ``words`` (escaped), preferring the longest; a group or a plain
    literal, safe to concatenate and to quantify only when wrapped in ``(?:...)``."""
    tree: _Node = {}
    for word in set(words):
        if not word:
            continue
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    if not tree:
        return "(?!)"  # matches nothing
    return "(?:" + _pattern(tree) + ")"


def _pattern(node: _Node) -> str:
    branches = [re.escape(char) + _pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")
