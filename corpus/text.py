"""Inline text normalisation: LaTeX math, ligatures, stray spaces and markdown emphasis.

Applied to every line before structure is recognised, so that text extracted from PDF or the web keeps its
meaning (`$\\alpha 6$` reads `α6`) and offsets are computed on the final, clean text.
"""

from __future__ import annotations

import re
import unicodedata

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
_SYMBOLS = {
    "pm": "±", "times": "×", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "approx": "≈", "neq": "≠",
    "rightarrow": "→", "to": "→", "leftarrow": "←", "uparrow": "↑", "downarrow": "↓", "circ": "°",
    "cdot": "·", "infty": "∞", "%": "%", ",": "", ";": "", "!": "", " ": " ",
}
_MATH = re.compile(r"\$([^$\n]{1,80})\$")
_COMMAND = re.compile(r"\\([A-Za-z]+|[%,;! ])\s*")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,2}|_{1,2})(?=\S)([^*_\n]+?)(?<=\S)\1(?![\w*])")


def _math_to_unicode(match: re.Match[str]) -> str:
    body = match.group(1)

    def command(m: re.Match[str]) -> str:
        name = m.group(1)
        return _GREEK.get(name) or _SYMBOLS.get(name, name)

    body = _COMMAND.sub(command, body)
    body = re.sub(r"[\^_]\{([^}]*)\}", r"\1", body)
    body = body.replace("{", "").replace("}", "")
    return body.strip()


def normalise_line(line: str) -> str:
    """Clean one line of extracted text without changing its meaning."""
    line = unicodedata.normalize("NFC", line)
    for lig, repl in _LIGATURES.items():
        line = line.replace(lig, repl)
    line = _INVISIBLE.sub("", line).replace("\u00a0", " ")
    line = _MATH.sub(_math_to_unicode, line)
    # "Kersin , Eren" -> "Kersin, Eren": PDF/web extraction leaves a space before punctuation.
    line = re.sub(r"(?<=\w) +([,;])", r"\1", line)
    return line.rstrip()


def strip_emphasis(line: str) -> str:
    """Remove markdown emphasis markers (`*x*`, `**x**`, `_x_`) keeping the words."""
    return _EMPHASIS.sub(r"\2", line)


def collapse_spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).strip()
