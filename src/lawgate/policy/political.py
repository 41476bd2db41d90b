"""B7 political guardrail: recognise political statutes and conduct so they go to senior counsel."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, field_validator

_ARTICLE_NUMBER = re.compile(r"(?<!\d)(?<!\d\.)\d+(?:\.\d+)*")


class PoliticalStatute(BaseModel):
    """A speech, assembly, religion or insulting-authority offence that is never auto-approved."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    country: str
    code_names: list[str]
    articles: list[str]
    keywords: list[str] = []
    description: str

    @field_validator("country")
    @classmethod
    def _upper_country(cls, value: str) -> str:
        """Countries are compared with the request's ISO code, which is upper case."""
        return value.strip().upper()

    @field_validator("articles")
    @classmethod
    def _digit_articles(cls, value: list[str]) -> list[str]:
        """A typo in a configured article would silently disable the guardrail, so refuse it."""
        numbers = [_ARTICLE_NUMBER.findall(normalise_statute(article)) for article in value]
        if not numbers or any(len(found) != 1 for found in numbers):
            raise ValueError(f"articles must each be one number such as 293 or 207.3: {value}")
        return [found[0] for found in numbers]


# --- normalisation -------------------------------------------------------------------------

_ACCENTS = re.compile(r"[\u0300-\u036f]")
_ANY_DIGIT = re.compile(r"\d")
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
_UNITS += " fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_VALUES = {word: n for n, word in enumerate(_UNITS.split())}
_VALUES |= {word: 20 + 10 * n for n, word in enumerate(_TENS.split())}
_VALUES |= {"hundred": 100, "thousand": 1000}
_WORD = "(?:" + "|".join(sorted(_VALUES, key=len, reverse=True)) + r")\b"
_NUMBER_WORDS = re.compile(rf"\b{_WORD}(?:[\s-]+(?:and[\s-]+)?{_WORD})*")
_A_HUNDRED = re.compile(r"\ba (hundred|thousand)\b")
# Which kind of number word may follow which, in "two hundred and ninety-three".
_FOLLOWS = {
    "": "zero unit teen tens hundred thousand", "unit": "hundred thousand", "zero": "",
    "teen": "hundred thousand", "tens": "unit thousand", "hundred": "unit teen tens thousand",
    "thousand": "unit teen tens",
}  # fmt: skip
_CN_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}  # noqa: RUF001
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"第([零〇一二两三四五六七八九十百千]+)")
_SUPERSCRIPT = re.compile(r"(\d)([\u00b2\u00b3\u00b9\u2070-\u2079]+)")
_POINT = re.compile(r"(\d)\s+point\s+(\d)")
_PART = r"(?:part|pt|para|paragraph|ч|часть)"
_SUBDIVISION = re.compile(
    rf"(?<!\d)(?<!\d\.)(\d+(?:\.\d+)*)(?:\s*\(\s*(\d+)\s*\)|,?\s+{_PART}\.?\s*(\d+))(?!\.?\d)"
)
_HYPHENATED = re.compile(r"(?<!\d)(?<!\d\.)(\d+(?:\.\d+)*)\s*[-\u2010-\u2013]\s*(\d+)(?!\.?\d)")


def _kind(word: str) -> str:
    """The grammatical role of a number word, which decides what may follow it."""
    value = _VALUES[word]
    if word in ("hundred", "thousand", "zero"):
        return word
    return "unit" if value < 10 else "teen" if value < 20 else "tens"


def _fold(state: tuple[int, int, str], word: str) -> tuple[int, int, str] | None:
    """Add a word to (thousands, rest, last kind); None when it starts a new number instead."""
    total, rest, last = state
    kind = _kind(word)
    if kind not in _FOLLOWS[last].split() or (kind == "hundred" and rest >= 100):
        return None
    if kind == "hundred":
        return total, max(rest, 1) * 100, kind
    if kind == "thousand":
        return total + max(rest, 1) * 1000, 0, kind
    return total, rest + _VALUES[word], kind


def _spell(words: str) -> str:
    """Digits for a run of number words; "two nine three" concatenates, "one and two" does not."""
    numbers: list[str] = []
    pieces: list[str] = []
    state, joined = (0, 0, ""), False
    for word in re.findall(r"[a-z]+", words):
        if word == "and":
            joined = True
            continue
        following = _fold(state, word)
        if following is None:
            pieces.append(str(state[0] + state[1]))
            if joined:
                numbers.append("".join(pieces))
                pieces = []
            following = _fold((0, 0, ""), word) or (0, 0, "")
        state, joined = following, False
    numbers.append("".join([*pieces, str(state[0] + state[1])]))
    return " and ".join(numbers)


def _chinese(numerals: str) -> str:
    """Digits for Chinese numerals such as 二百九十三 or 一〇五."""
    if not any(ch in _CN_UNITS for ch in numerals):
        return "".join(str(_CN_DIGITS[ch]) for ch in numerals)
    total, pending = 0, 0
    for ch in numerals:
        if ch in _CN_UNITS:
            total, pending = total + (pending or 1) * _CN_UNITS[ch], 0
        else:
            pending = _CN_DIGITS[ch]
    return str(total + pending)


def _subarticle(match: re.Match[str]) -> str:
    """207-3 is article 207.3, but 111-112 is a range and stays as written."""
    head, tail = match.group(1), match.group(2)
    if int(tail) < int(head.split(".")[0]):
        return f"{head}.{tail}"
    return match.group(0)


def _join_subdivisions(text: str) -> str:
    """207(3), 207 part 3 and 207-3 all become 207.3, so one article number is compared."""
    previous = ""
    while previous != text:
        previous = text
        text = _SUBDIVISION.sub(lambda m: f"{m[1]}.{m[2] or m[3]}", text)
        text = _HYPHENATED.sub(_subarticle, text)
    return text


def normalise_statute(text: str) -> str:
    """One spelling per citation, so that words, digits, accents and scripts compare equal."""
    text = _SUPERSCRIPT.sub(r"\1.\2", text)  # 207³ is article 207.3, not 2073
    text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text))
    text = unicodedata.normalize("NFC", text).lower().replace("\u0131", "i").replace("\u2019", "'")
    text = _ANY_DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), text)
    text = _CN_NUMBER.sub(lambda m: "第" + _chinese(m[1]), text)
    text = _NUMBER_WORDS.sub(lambda m: _spell(m[0]), _A_HUNDRED.sub(r"one \1", text))
    text = _join_subdivisions(_POINT.sub(r"\1.\2", text))
    return " ".join(text.split())


# --- conduct (the statutes are in the packs: packs/<name>/pack.yml, political_statutes) ------


def _pairs(first: str, second: str) -> str:
    """Every "first second" phrase, for names and phrases that vary in two places."""
    return "|".join(f"{a} {b}" for a in first.split("|") for b in second.split("|"))


_PLAIN = (
    "journalism|journalist|journalists|journalistic|reporter|reporters|reporting on|news "
    "reporting|investigative reporting|correspondent|correspondents|columnist|press freedom|"
    "freedom of the press|news outlet|independent media|blogger|bloggers|protest|protests|"
    "protested|protesting|protester|protesters|protestor|protestors|demonstration|demonstrations|"
    "demonstrator|demonstrators|rally|rallies|a march|protest march|marches|marched|marching|"
    "marchers|march against|march for|march on|joined the march|led the march|organised the "
    "march|organized the march|attended the march|sit-in|hunger strike|picket|picketing|civil "
    "disobedience|petition|petitions|petitioning|political opposition|dissident|dissidents|"
    "political dissent|activist|activists|activism|anti-government|anti-war|pro-democracy|"
    "human rights defender|human rights defenders"
)
_OPPOSITION = "party|parties|politician|politicians|activist|activists|leader|leaders|figure|"
_OPPOSITION += "figures|candidate|candidates|member|members|supporter|supporters|group|groups|"
_OPPOSITION += "movement|newspaper|media"
_POLITICAL = "speech|posts|content|commentary|criticism|views|expression|cartoons|satire|blog|"
_POLITICAL += "activity|activities|rally|meeting|organising|organizing|campaign|prisoner"
_CRITIC = "criticism of|criticising|criticizing|criticised|criticized|criticises|criticizes|"
_CRITIC += "critical of|insulting|insulted|mocking|mocked|ridiculing|satire of|complaints about|"
_CRITIC += "complaining about|blogging about|posting about|writing about|campaigning against"
_OFFICIALS = "officials|authorities|leaders"
_TARGETS = "the government|local government|the president|the prime minister|the king|the "
_TARGETS += "queen|the monarchy|the royal family|the party|the communist party|the ruling party|"
_TARGETS += "the military|the army|the armed forces|the war|the regime|the police|the mayor|the "
_TARGETS += "leadership|the governor|the minister|ministers|the state|the kremlin|" + _OFFICIALS
_TARGETS += "|" + _pairs("local|government|public|state|senior|city|regional|party", _OFFICIALS)
_CONDUCT = (
    _PLAIN, _pairs("opposition", _OPPOSITION), _pairs(_CRITIC, _TARGETS),
    _pairs("leader|leaders|member|members|supporter|supporters", "of the opposition"),
    _pairs("political", _POLITICAL),
)  # fmt: skip
DEFAULT_POLITICAL_CONDUCT: tuple[str, ...] = tuple(dict.fromkeys("|".join(_CONDUCT).split("|")))

# --- matching ------------------------------------------------------------------------------

# A word character of a script written with spaces; Thai and CJK need no word boundary.
_SPACED = re.compile(r"[^\W\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_THE = re.compile(r"\bthe\b")
_ARTICLE = re.compile(
    r"(?<![\d.])(?<!\bno )(?<!\bnos )(?<!\bnr )(?<!\bnumber )\d+(?:\.\d+)*(?![\d.a-z\u0430-\u044f])"
)
_RANGE = re.compile(
    r"(?<!\d)(?<!\d\.)(\d+)\s*(?:[-\u2010-\u2014]|\bto\b|\bthrough\b)\s*(\d+)(?!\.?\d)"
)
MAX_RANGE = 50


def _key(text: str, *, normalised: bool = False) -> str:
    """The normalised text with punctuation and "the" dropped, as phrases are compared."""
    text = _STRAY_DOT.sub(" ", text if normalised else normalise_statute(text))
    text = "".join(" " if unicodedata.category(ch)[0] in "PSZ" and ch != "." else ch for ch in text)
    return " ".join(_THE.sub(" ", text).split())


def _numbers(normalised: str, key: str) -> set[str]:
    """Every article number cited, including those inside a range such as "ss. 110-115"."""
    numbers = set(_ARTICLE.findall(key))
    for first, last in _RANGE.findall(normalised):
        if 0 < int(last) - int(first) <= MAX_RANGE:
            numbers.update(str(n) for n in range(int(first), int(last) + 1))
    return numbers


@lru_cache(maxsize=4096)
def _phrase(phrase: str) -> str:
    """The key of a configured phrase, computed once."""
    return _key(phrase)


def _glues(text: str, index: int) -> bool:
    """Whether the character at index would make a found phrase part of a longer word."""
    return 0 <= index < len(text) and _SPACED.match(text[index]) is not None


def _contains(text: str, phrase: str) -> bool:
    """Whether a phrase occurs in a keyed text as whole words, in any letter case or accent."""
    key = _phrase(phrase)
    start = text.find(key) if key else -1
    while start != -1:
        if not _glues(text, start - 1) and not _glues(text, start + len(key)):
            return True
        start = text.find(key, start + 1)
    return False


def _article_cited(article: str, numbers: set[str]) -> bool:
    """293 is cited by 293 and 293.1 (a paragraph), never by 2930, 29.3 or 1293."""
    wanted = normalise_statute(article)
    return any(number == wanted or number.startswith(wanted + ".") for number in numbers)


def _cites(entry: PoliticalStatute, text: str, numbers: set[str], country: str) -> bool:
    """An article of the entry is cited, in the entry's country or naming the entry's code."""
    if not any(_article_cited(article, numbers) for article in entry.articles):
        return False
    return entry.country == country or any(_contains(text, name) for name in entry.code_names)


def match_political_statute(
    statute: str, country: str, statutes: Sequence[PoliticalStatute]
) -> PoliticalStatute | None:
    """The configured political offence a request relies on, if any, so it can be escalated."""
    normalised = normalise_statute(statute)
    text = _key(normalised, normalised=True)
    numbers = _numbers(normalised, text)
    country = country.strip().upper()
    by_article = (entry for entry in statutes if _cites(entry, text, numbers, country))
    by_name = (e for e in statutes if any(_contains(text, k) for k in e.keywords))
    found = next(by_article, None)
    return found if found is not None else next(by_name, None)


PhraseIndex = tuple[dict[str, list[tuple[int, tuple[str, ...]]]], tuple[tuple[int, str], ...]]


@lru_cache(maxsize=16)
def _phrase_index(phrases: tuple[str, ...]) -> PhraseIndex:
    """Phrases by their first word (spaced scripts), and the rest (Thai, CJK) to search as text."""
    by_first: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    unspaced: list[tuple[int, str]] = []
    for position, phrase in enumerate(phrases):
        key = _phrase(phrase)
        words = tuple(key.split())
        if words and all(_SPACED.match(ch) or ch == "." for word in words for ch in word):
            by_first.setdefault(words[0], []).append((position, words))
        elif key:
            unspaced.append((position, phrase))
    return by_first, tuple(unspaced)


def political_conduct(
    description: str, phrases: Sequence[str] = DEFAULT_POLITICAL_CONDUCT
) -> str | None:
    """The first configured phrase showing journalism, protest or opposition, if any."""
    ordered = tuple(phrases)
    by_first, unspaced = _phrase_index(ordered)
    text = _key(description)
    words = text.split()
    found = [
        position
        for start, word in enumerate(words)
        for position, phrase_words in by_first.get(word, ())
        if tuple(words[start : start + len(phrase_words)]) == phrase_words
    ]
    found += [position for position, phrase in unspaced if _contains(text, phrase)]
    return ordered[min(found)] if found else None


def warm(statutes: Sequence[PoliticalStatute]) -> None:
    """Normalise the packs' statute names and keywords once, not on the first request."""
    for entry in statutes:
        for phrase in (*entry.code_names, *entry.keywords):
            _phrase(phrase)


_phrase_index(DEFAULT_POLITICAL_CONDUCT)  # the default phrases, normalised at import
