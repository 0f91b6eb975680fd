"""Handles tied to a platform: "ig: jane_d", "snap jane.d", "my insta is jane_d",
"@jane_d on insta", "i'm dean.malmgren on skype", "discord: jane#1234", "u/jane", and a
standalone "@name" where that can only be an off-site account (profiles, one-on-one chats).

Platform words are found on the ``alpha`` view (leetspeak, homoglyphs and spaced letters
folded); the handle itself is read from the ``joined`` view at the same offsets, so "jane_d1"
keeps its digits. A handle must fit the platform's grammar and must not be an ordinary word
("my insta is private")."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator

from offsite.detectors.base import Candidate, Detector
from offsite.lexicon import Platform
from offsite.models import Context, Kind, Surface
from offsite.normalize import SPACED_SEPARATOR, View, Views
from offsite.resources import Mention, Resources

_HANDLE = r"@?(?:(?<=@)/)?(?:live:\.?)?[a-z0-9_](?:[a-z0-9_.\-,']{0,40}[a-z0-9_])?(?:#\d{4,5}\b|#[a-z0-9]{2,5}\b)?"
# emoji and decorations between a label and a name ("ig ➜ ˚✧ starlitdaisy ✧˚")
_GAP = r"[ \t]*(?:[\u2190-\u21ff\u2600-\u27bf\U0001f300-\U0001faff\u02da\u00b7\u2022\u2219\u22b9\u22c6\u27e1\uff61\ufe0f][ \t]*){0,4}"
#: a number with a unit, not a user name: times, counts, ordinals, measures ("2am", "10k", "3rd")
_QUANTITY = re.compile(
    r"\d+(?:[.,:]\d+)?(?:am|pm|k|m|mil|b|km|mi|kg|kgs|lb|lbs|g|mg|ml|h|hr|hrs|min|mins|s|sec|secs|st|nd|rd|th"
    r"|x|yo|yr|yrs|y|d|w|wk|wks|cm|mm|ft|in|gb|mb|tb|fps|hz|p)"
)
#: arrows ("ig ➜ jane", "snap ▶ jane")
_ARROWS = r"[\u2190-\u21ff\u25b6\u25ba\u2794-\u27bf\u27f0-\u27ff\u2900-\u297f]\ufe0f?"
_ARROW = re.compile(_ARROWS)
#: a character that makes a name handle-shaped ("jane_d", "moon.child", "kai07")
_MARKED = re.compile(r"[_.0-9]")
#: a dot between two letters or digits ("giuli.persa"), not one that ends a sentence
_INNER_DOT = re.compile(r"[a-z0-9]\.[a-z0-9]")
# After the platform word: optional "id/username", then "is", ":", "=", "-", "(" ...
_AFTER = re.compile(
    # (a remark in brackets may stand between: "ig (the app w the camera lol) = sunflower.kid_")
    r"(?:[ \t]*\((?=[^()\n]*[ \t])[^()\n]{3,40}\)(?=[ \t]*(?:=|:|->|is\b|[\u2190-\u21ff\u25b6\u25ba\u2794-\u27bf])))?"
    # (a Turkish possessive ending on the platform's name: "instagram'ım: deniz.yalniz")
    r"(?:'(?:im|in|um|un)(?=[ \t]*:))?"
    r"[ \t]*(?:,[ \t]*(?=[a-z@]))?(?:[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?[ \t]*){0,2}(?:(?P<label>(?:id|name|username|user name|user|handle|acc|account|addy|tag"
    r"|friend code|code|ign|gamertag|url)\b|@|号|號|账号|帐号|아이디(?:는|은)?)[ \t]*)?"
    r"(?P<link>(?:,[ \t]*)?(?:is|'s|s|es|ist|e|est|c'est|cest|c est|its|it's|it is|me[ \t]+at|me[ \t]+on|me,?[ \t]+i'?m|at|me|as|under"
    r"|i'?m|soy|sou|ich bin|sono|iz|arroba|arobase|chiocciola|sous le nom de|sous le pseudo|unter dem namen|con el nombre de"
    r"|como|comme|als|both|everywhere|on both|on all|on all of them|aku|gue|gw|ku)\b[ \t]*:?|me[ \t]*@|:|;|=|-|,|\u2013|\u2014|>|->"
    # "is" in Chinese and Korean ("微信号是xiaolin_88", "아이디는 minji_0303")
    r"|是|는|은"
    rf"|=>|\(|\[|\"|\u00bb|~|{_ARROWS})?"
    # "my kik is literally just fernbrook"
    r"(?:[ \t]*(?:literally|just|simply|actually|still|now|like|lowkey|highkey)(?:[ \t]*:)?(?=[ \t])){0,2}"
    rf"{_GAP}(?P<open>[(\[\"'\u2018\u201c]?)[ \t]*(?:@[ \t]+(?=[a-z0-9_])|\$(?=[a-z]))?"
    rf"(?P<handle>{_HANDLE})"
)
# a nickname in CJK script after a platform word and a colon: "小红书：夜猫子小林 |", "微信号: 小林"
_NATIVE_NAME_AFTER = re.compile(
    r"[ \t]*(?P<label>号|號|帐号|账号|賬號|帳號|아이디|id)?[ \t]*[:=][ \t]*"
    r"(?P<name>[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{2,12}(?:\d{1,6})?)(?=[ \t]*(?:[|/,.;!?~\u3001\u3002\uff0c\u2022\u00b7]|$))"
)
# "i made a private server just for us, code is 7x9kr2": an invite code given without its link
_INVITE_CODE = re.compile(
    r"\b(?:invite|inv|server|servidor|serveur|discord|gc|group ?chat|group|groupme|gruppe|grupo|groupe|gruppo|grupa"
    r"|guild|whatsapp|telegram|signal|kik|realm|join|meet|zoom|lobby|app|sunucu\w*|davet)\b[^.!?\n]{0,60}?\b(?:code|codigo|codice|kode|kod|kodu)\b"
    # ("the invite code for my minecraft server is 7HXQ-K2PL", "join code QUIET42", "el código es 9fLmWq3",
    # "code hai: DX-44-mK")
    r"(?:[ \t]+(?:for|to)[ \t]+[^.!?\n:=]{1,30}?(?=[ \t]*(?:is|:|=)))?"
    r"[ \t]*(?:(?:is|es|ist|est|hai|:|=|'s)[ \t]*:?[ \t]*)?(?P<code>[a-z0-9](?:[a-z0-9\-]{3,10}[a-z0-9]))(?![a-z0-9\-])"
    # a code in hyphenated groups right after "invite" ("invite zM4-pQ9-kk2")
    r"|\binv(?:ite)?[ \t]+(?P<grouped>[a-z0-9]{2,5}(?:-[a-z0-9]{2,5}){1,3})(?![a-z0-9\-])"
)
# a video-call code ("google meet at 9, code abc-defg-hij")
_MEETING_CODE = re.compile(r"(?<![a-z0-9\-])[a-z]{3}-[a-z]{4}-[a-z]{3}(?![a-z0-9\-])")
# "r/softnightsclub, I mod it": a community the writer runs (a public one named in passing is not)
_SUBREDDIT = re.compile(r"(?<![\w/])r(?:/|[ \t]+slash[ \t]+)(?P<name>[a-z0-9_]{3,21})(?![a-z0-9_])")
_OWN_COMMUNITY = re.compile(
    r"\b(?:i\s+(?:mod|run|made|started|created|own)|(?:my|our)\s+(?:own\s+)?(?:little\s+)?(?:sub|subreddit)"
    r"|we\s+(?:made|run|started|created))\b"
)
# "my youtube recommendations are all sad": the word after the platform is a noun of a phrase that
# goes on, not a name
_NOUN_PHRASE_GOES_ON = re.compile(
    r"[ \t]+(?:are|is|was|were|got|gets|has|have|had|keeps?|kept|just|feed|page|account|algorithm|keep|went|will)\b"
)
# a label that stands for every service ("find me: luna.rosa_22", "socials: luna.rosa_22")
_ANY_SERVICE_LABEL = re.compile(
    rf"\b(?:find me|socials|social media|all socials|my socials|add me|follow me|hmu)[ \t]*(?::|->|=>|=|[\u2192\u27a1])[ \t]*"
    rf"(?P<handle>{_HANDLE})"
)
# a Skype id ("live:.cid.8f3a2b1c9e"), shaped like nothing else
_SKYPE_LIVE_ID = re.compile(r"(?<![\w.:])live:\.?cid\.[0-9a-f]{6,20}(?![\w.])")
_MINE_AFTER = re.compile(r"[ \t,:\-]*(?:it'?s[ \t]+|that'?s[ \t]+)?mine\b(?=[ \t]*(?:$|[.,!?;)]|lol\b|haha\b))")
# Link words that are also ordinary words in their language ("e" = "and", "aku" = "I")
_AMBIGUOUS_LINKS = frozenset({"e", "aku", "gue", "gw", "ku"})
# a reduplicated word ("diem-diem", "pelan-pelan") is a word, not a hyphenated handle
_REDUPLICATED = re.compile(r"([a-z]+)-\1")
# Before the platform word: "<handle> on <platform>", "<handle> (insta)"
_BEFORE = re.compile(
    rf"(?P<handle>{_HANDLE})[ \t]*(?:(?:on|in|at|@|sur|en|no|na|auf|bei|su|via)[ \t]+(?:the[ \t]+|my[ \t]+)?|[(\[][ \t]*|-[ \t]*|is my[ \t]+|es mi[ \t]+|e o meu[ \t]+)\Z"
)
# A handle spelled with its separators in words: "jane underscore doe", "moon dot child".
_SPELLED_SEPARATOR = re.compile(
    # " dot ", " (dot) ", and bracketed without spaces: "emo(dot)prince", "jane[dot]doe"
    r"(?:[ \t]+[(\[]?|[(\[])(?P<sep>underscore|under score|dot|period|dash|hyphen|punto|ponto|point|punkt|guion bajo|tiret bas|tiret"
    r"|unterstrich|bindestrich|trattino basso|trattino|underline)"
    r"(?:[)\]][ \t]*|[ \t]+)(?P<part>[a-z0-9]+)"
)
_SEPARATOR_CHAR = {"underscore": "_", "under score": "_", "guion bajo": "_", "dot": ".", "period": ".",
                   "punto": ".", "ponto": ".", "point": ".", "punkt": ".", "dash": "-", "hyphen": "-",
                   "tiret": "-", "tiret bas": "_", "unterstrich": "_", "bindestrich": "-", "trattino basso": "_",
                   "trattino": "-", "underline": "_"}
_LOOKALIKE_FORM = re.compile(
    r"MATHEMATICAL|FULLWIDTH|SQUARED|CIRCLED|PARENTHESIZED|REGIONAL INDICATOR|SMALL CAPITAL|SUBSCRIPT"
    r"|SUPERSCRIPT|MODIFIER LETTER|NEGATIVE"
)
_SELF_NAMED = re.compile(r"\b(?:me as|me under|i go by|me como|moi comme)[ \t]+\Z")
#: the signs that start candidates of their own ("@name", "code is ...", "r/", "u/", "name#1234",
#: a Skype id "live:.cid.…")
_SIGNS = re.compile(r"@|cod|kod|inv|r/|r slash|u/|#|live:")
_MY_ID = re.compile(
    rf"\b(?:my|mi|meu|mon|mein|il mio|mera|meri)[ \t]+(?:(?P<label>id|user ?name|handle|tag|@|user|usuario|pseudo|nick"
    rf"|nome de usuario)(?:[ \t]+(?:there|on there|on it|over there|everywhere|on everything|on all apps"
    rf"|is the same everywhere|is the same on everything))?"
    rf"|name[ \t]+(?:there|on there|on it|over there|everywhere|on everything|on all apps|on every app"
    rf"|on all socials|on every platform))"
    rf"[ \t]*(?:is|:|es|e|est|ist|hai|=)[ \t]*:?[ \t]*(?P<handle>{_HANDLE})"
)
# A name after a game id's label ("uid 812447193", "ign ko is KuyaGwapo69", "мой айди 48815520",
# "原神のUIDは 830154276"), after "add (me)" ("add jordyn.bby", "aggiungetemi: marcopolo_gamer07") or
# after "mine is" ("who here has snap 👀 mine is caleb.ttv"): counted only when shaped like a user name
_NAME_AFTER_CUE = re.compile(
    r"(?<![a-z0-9])(?:(?:(?:my|mi|meu|moj|мой|mon|mein)[ \t]+)?(?:uid|ign|friend[ \t]+tag|friend[ \t]+code"
    r"|player[ \t]+tag|айди|nick(?:[ \t]+(?:epic|steam|psn|xbox))?)(?:[ \t]+(?:ko|ku|mo))?"
    r"|add(?:[ \t]+me)?|friend[ \t]+me|aggiungetemi|aggiungimi|agregame|adiciona(?:[ \t]+ai)?|ajoute-moi"
    r"|добавь(?:те)?(?:[ \t]+меня)?|mine)(?![a-z0-9])"
    # (a dot, an underscore or a digit in the name: spelled out so that the compiled scan needs one too)
    r"[ \t]*(?:is|'s|:|es|to|=|-|это|は|its|it's)?[ \t]*:?[ \t]*"
    r"(?P<handle>#?(?=[a-z0-9_])[a-z0-9_]{0,28}[._0-9][a-z0-9_.]{0,28}(?<=[a-z0-9_])(?:#[a-z0-9]{2,6})?)"
    r"(?![a-z0-9_.@-])"
)
# a player tag of Supercell's games (Clash Royale, Brawl Stars, Clash of Clans) after a word for "tag":
# "#" and six to ten characters of the fourteen those tags are made of
_GAME_TAG = re.compile(
    r"(?<![a-z0-9])(?:tag|tags|\u0442\u0435\u0433|\u0442\u044d\u0433|etiqueta)(?![a-z0-9])[^.!?\n#]{0,20}?"
    r"(?P<tag>#[0289pylqgrjcuv]{6,10})(?![a-z0-9])"
)
# "search 'piaoceans' on", "look up lunaverde_ on", "busca a lunaverde en", "cerca lunaverde su": one
# name (quoted or not) to search for, right before the platform's name
_SEARCH_NAME_BEFORE = re.compile(
    r"(?<![a-z])(?:search|look up|find|busca|buscame|búscame|cerca|cercami|such|suche|sucht|procura|procure)"
    r"[ \t]+(?:for[ \t]+|up[ \t]+|a[ \t]+|por[ \t]+|nach[ \t]+)?(?P<quote>[\"'\u2018\u201c])?(?P<name>[a-z0-9_.]{3,30})[\"'\u2019\u201d]?"
    r"[ \t]+(?:on|in|en|su|auf|bei|no|na|em|sur)[ \t]+\Z"
)
# WeChat's own account ids ("wxid_" and letters and digits)
_WECHAT_ID = re.compile(r"(?<![a-z0-9_])wxid_[a-z0-9]{4,24}(?![a-z0-9_])")
#: services people search for topics on, not for people
_TOPIC_SERVICES = frozenset({"youtube", "spotify", "pinterest", "reddit", "soundcloud", "goodreads", "letterboxd"})
# shaped like a user name: letters with a dot or an underscore ("jordyn.bby"), letters and at least two
# digits ("kuyagwapo69"; not "a4" in "mine's a 4"), or a numeric id of six digits or more
_SHAPED_NAME = re.compile(
    r"[a-z][a-z0-9]*[._][a-z0-9_.]*|(?=(?:[^a-z]*[a-z]){2})(?=(?:\D*\d){2})[a-z0-9_.]{4,}|#?\d{6,12}(?:#[a-z0-9]{2,6})?"
)
# "my spotify is public, add me, username is sadgirlhours99", "LINE? IDはyuki_0415": a labelled
# name after a platform named earlier in the message
_LABEL_IS = re.compile(
    rf"(?<![a-z0-9])(?:(?:user ?name|username|user|handle|id|gamertag|ign|friend code|invite code|server code|tag)"
    rf"[ \t]*(?:is|:|=|es|é|est|ist|\u306f|\uff1a)"
    # "theres this thing called the gram ... im on there as ph0ebe.in.bloom", "my wattpad, it's under x"
    rf"|(?:i'?m|im|i am)[ \t]+(?:on[ \t]+)?there[ \t]+as|(?:it'?s|its|i'?m|im)[ \t]+under"
    # "my dms on insta are open ..., just search kay.unraveled"
    rf"|(?:just[ \t]+)?(?:search|search for|look up|look for)(?=[ \t]+@?[a-z0-9_.]*[._0-9])"
    # "the real group is on kik now, search for #nightshiftvents": a group's tag to search
    rf"|(?:just[ \t]+)?(?:search|search for|look up|look for|join)[ \t]+#(?=[a-z][a-z0-9_.]{{3,30}}\b)"
    # "my discord got hacked so new one: velvetmoth_2", "my kik is old school but its tyler.the.quiet",
    # "heres my snap before it closes -> n.0.e.l.l.e"
    rf"|new[ \t]+(?:one|acc|account|user ?name|handle|@|profile)[ \t]*(?:is|:|=)"
    rf"|(?:it'?s|its)(?=[ \t]+@?[a-z0-9]+(?:[._][a-z0-9]|-[a-z0-9]+-[a-z0-9]))|(?:->|=>|[\u2192\u27a1\u2b07\u2193]\ufe0f?))"
    rf"[ \t]*:?[ \t]*(?P<handle>{_HANDLE})"
)
# "im quietfox everywhere, insta snap discord": one name for every platform named in the message
_EVERYWHERE = re.compile(
    rf"\b(?:i'?m|im|i am|i go by)[ \t]+(?P<handle>{_HANDLE})[ \t]+(?:everywhere|on everything|on all of them"
    r"|on all the apps|on all socials|on most things|on most apps|on every app|on all platforms)\b"
)
_FULL_NAME = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ'\-]+(?:[ \t]+[A-ZÀ-Þ][a-zà-ÿ'\-]+){1,2}\b")
_ADDRESSING = re.compile(r"\b(?:thanks|thank you|thx|ty|hi|hey|hello|welcome|hugs|sorry|congrats|agree with|same|love you|ily)[ ,!]*\Z")
_ON_SITE_AFTER_NAME = re.compile(
    r"[ \t]+(?:in|on)[ \t]+(?:the[ \t]+|this[ \t]+|our[ \t]+)?(?:[a-z]+[ \t]+)?(?:room|rooms|chat|group|forum|site|app)\b"
    r"|[ \t]+(?:on[ \t]+)?here\b"
    # a few words later in the sentence: "@luna.tic is my bestie on here", "... say hi in the art room"
    r"|[^.!?\n@]{0,40}?\b(?:on|in)[ \t]+here\b|[^.!?\n@]{0,60}?\bin[ \t]+the[ \t]+(?:[a-z]+[ \t]+)?room\b"
)
# a handle-shaped name alone between a profile's separators (or at its start or end)
_PROFILE_SEPARATORS = "\n|\u2022\u00b7~\u2661\u2665\u2727\u22c6\u2605\u2606\u00bb\u00ab\u2014\u2013"
_PROFILE_SEGMENT = re.compile(
    rf"(?:^|(?<=[{_PROFILE_SEPARATORS}]))[ \t]*(?P<name>[a-z0-9](?:[a-z0-9]*[._]+[a-z0-9]+)+[._]*|[a-z0-9]+_+)"
    rf"[ \t]*(?=$|[{_PROFILE_SEPARATORS}])",
    re.MULTILINE,
)
_VERSION = re.compile(r"v?\d+(?:\.\d+)+[a-z]?")
_FILE_ENDINGS = frozenset("js py ts jpg jpeg png gif mp3 mp4 pdf txt doc docx exe app".split())
# (after a CJK character too: "Xは@yoru_no_neko"; not a package scope or a path: "@types/node")
_AT_NAME = re.compile(
    r"(?:(?<![\w.@/%])|(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]))@(?![a-z0-9_.]*/)"
    r"(?P<name>[a-z0-9_](?:[a-z0-9_.]{0,29}[a-z0-9_])?)"
)
#: a word that may be a user name; ``HandleDetector._shaped`` keeps those shaped as only user
#: names are: letters with "_" or an inner "." ("giuli.persa", "meixiao_0921", "t.o.b.y.r.a.i.n"),
#: read near a platform word whatever the language around it
_NAME_TOKEN = re.compile(r"(?<![\w.@/#:'\-])[a-z0-9_][a-z0-9_.]{2,30}[a-z0-9_](?![\w@/'\-]|\.[a-z0-9])")
#: how far after a platform word such a name is read as its handle, and how far before it the
#: name and what ties it to the platform word ("ce1este_ on") must fit, in characters
_SHAPED_AFTER = 48
_SHAPED_BEFORE = 48
#: a sentence ends between the platform word and the name ("i left insta. anyway, main.py ...")
_SENTENCE_END = re.compile(r"[.!;\n][ \t\n]|[\u3002\uff01]")
#: what a name before the platform word is tied to it by ("ce1este_ on twitch")
_BEFORE_PLATFORM = re.compile(r"[ \t]*(?:on|in|at|en|em|no|na|sur|su|auf|@|\(|:|-)?[ \t]*\Z")
#: file names and abbreviations that share the shape
_NOT_SHAPED = re.compile(
    r".*\.(?:jpe?g|png|gif|webp|pdf|docx?|txt|mp[34]|mov|exe|zip|py|js|html?|css|csv|xlsx?|pptx?)"
    r"|(?:st|dr|mr|mrs|ms|jr|sr|vs|etc|no|nr|ca|approx|dept|prof|mt|ft|ave|rd)\..*"
)
#: "@ sadgirlsclub (no space)": the writer says the space is not part of the name
_AT_SPACED_NAME = re.compile(
    r"(?<![\w@])@[ \t]+(?P<name>[a-z0-9_][a-z0-9_.]{1,29}[a-z0-9_])[ \t]*[(\[][ \t]*"
    r"(?:no|without|w/o|minus|sin|sem|sans|ohne|senza|без)[ \t]+(?:the[ \t]+)?"
    r"(?:space|spaces|espacio|espacios|espaco|espacos|espaço|espaços|espace|espaces|leerzeichen|spazio|spazi|"
    r"пробела|пробелов)[ \t]*[)\]]"
)
#: the @names a room or chat message opens with: the people it speaks to, on the site
#: ("@Nina why does everyone have snapchat streaks", "hey @sam, @jo and @kit: ...")
_LEADING_AT_NAMES = re.compile(
    r"\s*(?:(?:hi|hey|hello|yo|ok|okay|omg|lol|lmao|aw+|oh|ugh|thanks|thank you|ty|hola|oi|ciao|salut|hallo"
    r"|ja(?:ja)+|je(?:je)+|ha(?:ha)+|k{3,}|wait|bro|sis|yes|yeah|same|si|s\u00ed|oui|ja|exacto|exactly)[ ,!]+)?"
    r"(?:@[a-z0-9_](?:[a-z0-9_.]{0,29}[a-z0-9_])?(?:[ \t]*(?:,|&|\+|and|y|e|et|und)?[ \t]*))+"
)
#: what ties a leading @name to the platform named right after it ("@jane on insta", "@jane (ig)",
#: "@jane is my snap"): then it is a handle there after all
_TIED_TO_PLATFORM = re.compile(
    r"[ \t]*(?:[(\[:=\-\u2013\u2014|]+[ \t]*|(?:on|in|at|from|via|auf|en|em|no|na|sur|su|is|es|est|ist|é|e)"
    r"[ \t]+(?:my[ \t]+|mi[ \t]+|meu[ \t]+|mon[ \t]+|mein[ \t]+|il mio[ \t]+)?)\Z"
)
#: "@" words of program code, quoted in a message about homework or work ("@Override")
_CODE_ANNOTATIONS = frozenset(
    "override deprecated suppresswarnings functionalinterface safevarargs autowired component injectable "
    "staticmethod classmethod dataclass property media import keyframes mixin include extend apply "
    "param returns throws".split()
)
_REDDIT = re.compile(r"(?<![\w/])/?u/(?P<name>[a-z0-9_\-]{3,20})\b")
# "jane#1234" (Discord's old tags) and "GhostFern#NA1" (Riot ids: a tag of letters and digits)
_DISCRIM = re.compile(
    r"(?<![\w#@.])(?P<name>[a-z0-9_.]{2,32})#(?P<tag>\d{4}|(?=\d*[a-z])(?=[a-z]*\d)[a-z0-9]{2,5}"
    r"|euw|eune|na|oce|br|lan|las|kr|jp|tr|ru|sea)\b"  # (Riot ids end in a region: "LunaRosa#EUW")
)

_POSSESSIVE = ("my", "mi", "meu", "mon", "mein", "ma", "minha", "mio", "il mio",
               # lead-ins of an offer: "add me on snap moon-child", "búscame en face como ..."
               "me on", "us on", "me en", "me no", "me na", "mich auf", "mir auf", "mi su", "moi sur", "me at",
               "add me", "add me:", "me:")

# the word before "line" that makes it a help line, not the LINE app
_HELP_LINE = re.compile(
    r"\b(?:crisis|text|help|hot|life|support|suicide|phone|veterans?|hope|chat|teen|trevor"
    # a line of text or a queue, not the service: "the subject line 'organizational update'"
    r"|subject|first|last|punch|bottom|front|opening|closing|title|tag|next|final|finish|waiting|dotted|one)[ \t]*\Z"
)
# a multiplier: "salt tabs 1g x3"
_TIMES = re.compile(r"x\d{1,2}")
# a small number or a roman numeral after a word: a rank or a level ("gold 3", "legend iv")
_RANK_NUMBER = re.compile(r"[ \t]+(?:\d{1,2}|i{1,3}|iv|v)\b")
# never a user name: the start of a link
_NOT_NAMES = frozenset({"http", "https", "www",
                        # game modes and servers named after a game: "my minecraft bedwars game"
                        "bedwars", "skywars", "skyblock", "survival", "creative", "hardcore", "parkour",
                        "hypixel", "smp", "pvp", "pve", "ranked", "unranked", "casual", "competitive"})
# a name offered to whoever wants it ("bereal is noahmcc if you want daily proof")
_OFFER_AFTER_NAME = re.compile(r"[ \t,]*(?:if\s+(?:you|u|ya|anyone|anybody|any1|y'?all)\s+(?:want|wanna|wants|need)|hmu|add\s+me|follow\s+me)\b")
_NUMBERED_THING = re.compile(
    r"\b(?:apartment|apt|flat|room|unit|suite|floor|block|building|locker|seat|gate|row|section|class|grade|"
    r"level|bus|platform|door|ward|bed|cabin|terminal)[ \t]*#?[ \t]*\Z")
_GROUP_WORD = re.compile(r"\b(?:group|gc|group ?chat|server|channel|grupo|gruppe|groupe)\b")
# "on tele as kaiwaves": the name someone goes by on a service named right before
_KNOWN_AS = frozenset({"as", "under", "como", "comme", "als", "sous le nom de", "unter dem namen", "con el nombre de"})
_ON_WORDS = (" on", " en", " no", " na", " auf", " su", " sur", " op")
# laughter typed out, however long ("lmaooo", "hahaha", "jajaja", "kkkk", "xdd"): never a name
_LAUGHTER = re.compile(r"l+m+a+o+|l+m+f+a+o+|l+o+l+|(?:h+a+){2,}h*|(?:h+e+){2,}h*|(?:j+a+){2,}j*|k{3,}|x+d+|r+o+f+l+")
# Words that never are a handle, even after "ig:" ("ig: yes", "snap? no").
_FUNCTION = frozenset(
    "a an and are as at be but by can do for from have he her him his how i if im in is it its "
    "just me my no nope not of ok okay on or our same she so that the their them then there they "
    "this to too u ur us was we what when where who why will with yes yeah yep you your "
    "password passwords passwort login pw pin lvl level locker skins skin wins rank "
    "private deleted gone banned dead hacked down broken blocked public new old anymore "
    "pls please plz lol haha idk tho though also only still either neither maybe sometimes "
    "never always later tomorrow today tonight now soon please account app name username "
    "handle id user story stories post posts dm dms chat message messages call calls group "
    "page profile link bio feed reels reel video videos pic pics photo photos "
    "fyp algorithm algo timeline explore streak streaks followers following likes views "
    "highlights live lives shorts status pfp acc notifications inbox server servers "
    # the same words in other languages: "auf whatsapp blockiert", "koi insta id mat maangna"
    "blockiert geblockt gesperrt geloscht bloqueado bloqueada bloqueou bloque bloccato bloccata mat nahi nhi".split()
)


class HandleDetector(Detector):
    """Platform-bound user names."""

    name = "handle"
    min_confidence = 0.55

    def __init__(self, resources: Resources) -> None:
        super().__init__(resources)
        # Every candidate but the emoji ones starts from a platform name or a "my id is" label on
        # the alpha view, or from a sign checked below ("@", "code", "r/", "u/", "#"): one
        # compiled scan tells whether either pattern can match at all.
        self._named = self.prefilter((resources.platforms.alias_pattern, _MY_ID, _ANY_SERVICE_LABEL), whole_text=True)
        # names after "uid", "add me" or "mine is" are read on the joined view (digits kept), and scanned there
        self._cued = self.prefilter((_NAME_AFTER_CUE,), whole_text=True)

    def candidates(self, views: Views, context: Context) -> Iterator[Candidate]:
        """Handles near platform words, @names, u/names and name#1234 tags."""
        alpha = views.alpha
        joined = views.joined
        text = joined.text
        may_name = self._named.candidates(alpha.text)
        if 0 not in may_name:
            self.resources.platforms.none_in(views)  # no platform name can be in it: said once
        if context.surface == Surface.PROFILE:
            yield from self._profile_segments(joined, context)
        cued = bool(self._cued.candidates(text))
        if not may_name and not cued and not _SIGNS.search(text):
            yield from self._emoji_handles(joined, views.original)  # most messages: no platform, no label, no sign
            return
        mentions = self.resources.platforms.mentions_in(views)
        seen: set[tuple[int, int]] = set()
        previous_end = 0
        for index, mention in enumerate(mentions):
            floor, previous_end = previous_end, mention.end
            if mention.platform.id == "phone":
                continue  # numbers are the phone detector's work
            following = mentions[index + 1] if index + 1 < len(mentions) else None
            for cand in self._around(mention, joined, alpha, views.original, floor, following):
                if (cand.start, cand.end) not in seen:
                    seen.add((cand.start, cand.end))
                    yield cand
        for mention in mentions:
            native = self._native_name(mention, alpha, context)
            if native is not None and (native.start, native.end) not in seen:
                seen.add((native.start, native.end))
                yield native
        mentions = [m for m in mentions if m.platform.id not in ("email", "phone")]
        if "search" in text or "busca" in text or "cerca" in text or "such" in text or "procur" in text:
            for searched in self._searched_on(mentions, joined):
                if (searched.start, searched.end) not in seen:
                    seen.add((searched.start, searched.end))
                    yield searched
        for near in self._shaped_near(mentions, joined):
            if (near.start, near.end) not in seen:
                seen.add((near.start, near.end))
                yield near
        if mentions and ("everywhere" in alpha.text or "all" in alpha.text or "everything" in alpha.text):
            for everywhere in self._same_everywhere(joined, alpha, mentions):
                if (everywhere.start, everywhere.end) not in seen:
                    seen.add((everywhere.start, everywhere.end))
                    yield everywhere
        if mentions:
            for match in _LABEL_IS.finditer(alpha.text):
                named = [m for m in mentions if 0 <= match.start() - m.end <= 80]
                if not named or ("#" in match.group() and _GROUP_WORD.search(
                        alpha.text, max(0, match.start() - 80), match.start()) is None):
                    continue  # (a tag to search is a group's only where a group is spoken of)
                labelled = self._handle_candidate(joined, match.start("handle"), match.end("handle"),
                                                  named[-1].platform, "handle.labelled", 0.85, strong=False)
                if labelled is not None and (labelled.start, labelled.end) not in seen:
                    seen.add((labelled.start, labelled.end))
                    yield labelled
            for match in _MY_ID.finditer(alpha.text):
                platform = self._nearest(mentions, match.start())
                my_id = self._handle_candidate(joined, match.start("handle"), match.end("handle"),
                                               platform, "handle.my_id", 0.8, strong=True)
                if my_id is not None and (my_id.start, my_id.end) not in seen:
                    seen.add((my_id.start, my_id.end))
                    yield my_id
        else:
            # "my @ is jane_d", "my handle is jane.d": a handle with no platform named
            for match in _MY_ID.finditer(alpha.text):
                label = match.group("label")
                name = joined.text[match.start("handle") : match.end("handle")].rstrip(".,'-")
                start = match.start("handle")
                end = start + len(name)
                spelled = self._spelled_end(joined.text, end)
                if spelled is not None:
                    end, name = spelled  # "my name on every app is aurelio dot v dot 99"
                shaped = _MARKED.search(name) is not None and any(c.isalpha() for c in name)
                # "my name everywhere is ...": the one name of every service (only a shaped one)
                one_name = label is None and shaped
                # "my handle everywhere is nervousnoodle": a name given for every service
                for_every_service = label == "handle" and " is" in match.group() and any(
                    w in match.group() for w in ("everywhere", "everything", "all apps")) \
                    and name not in self.resources.lexicon.common_words
                if (one_name or for_every_service or (label in ("@", "handle") and (shaped or label == "@"))) \
                        and len(name.lstrip("@")) >= 3 and name.lstrip("@") not in _FUNCTION:
                    if (start, end) not in seen:
                        seen.add((start, end))
                        yield Candidate(Kind.HANDLE, joined, start, end, "handle.my_at",
                                        0.8, f"@{name.lstrip('@')}", None)
            # "find me: luna.rosa_22", "socials: luna.rosa_22": a label for every service
            for match in _ANY_SERVICE_LABEL.finditer(alpha.text):
                start, end = match.start("handle"), match.end("handle")
                name = joined.text[start:end].rstrip(".,'-")
                end = start + len(name)
                if _MARKED.search(name) is not None and len(name.lstrip("@")) >= 3 and (start, end) not in seen \
                        and _QUANTITY.fullmatch(name) is None and not name.replace(".", "").isdigit():
                    seen.add((start, end))
                    yield Candidate(Kind.HANDLE, joined, start, end, "handle.any_service_label", 0.8,
                                    f"@{name.lstrip('@')}", None)
        if "@" in text:
            yield from self._at_names(joined, mentions, context, seen)
        yield from self._emoji_handles(joined, views.original)
        if cued:
            position = 0
            while (cue := _NAME_AFTER_CUE.search(text, position)) is not None:
                name = cue.group("handle")
                if (_SHAPED_NAME.fullmatch(name) is None or _VERSION.fullmatch(name) is not None
                        or _QUANTITY.fullmatch(name) is not None or name.rsplit(".", 1)[-1] in _FILE_ENDINGS
                        or (cue.start("handle"), cue.end("handle")) in seen
                        # (beside a platform name, "mine is grimoire_g on both" is the rules' to read)
                        or (mentions and cue.group().startswith("mine"))):
                    # (the word may itself begin a cue: "add me uid 812447193")
                    position = cue.start("handle")
                    continue
                position = cue.end()
                seen.add((cue.start("handle"), cue.end("handle")))
                yield Candidate(Kind.HANDLE, joined, cue.start("handle"), cue.end("handle"),
                                "handle.after_id_or_add", 0.75, f"@{name}", None)
        if "#" in text and ("tag" in text or "\u0442\u0435\u0433" in text):
            # "мой тег #2PQLVY8J, добавляйте", "player tag #9YV2QLC8": a Supercell game's player tag,
            # written only in its own alphabet (a hashtag of ordinary words does not fit it)
            for match in _GAME_TAG.finditer(text):
                yield Candidate(Kind.HANDLE, joined, match.start("tag"), match.end("tag"), "handle.game_tag", 0.8,
                                f"tag:{match.group('tag')}", None)
        if "wxid_" in text:
            # "add me first: wxid_lh8823yq": the id WeChat gives every account
            for match in _WECHAT_ID.finditer(text):
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end(), "handle.wechat_id", 0.85,
                                f"wechat:{match.group()}", "wechat")
        if "live:" in text:
            for match in _SKYPE_LIVE_ID.finditer(text):
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end(), "handle.skype_live_id", 0.85,
                                f"skype:{match.group()}", "skype")
        if "cod" in text or "kod" in text or "inv" in text:
            # "i made a private server just for us, code is 7 x 9 k r 2": an invite code, no link
            for match in _INVITE_CODE.finditer(text):
                group = "code" if match.group("code") is not None else "grouped"
                code = match.group(group)
                if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
                    yield Candidate(Kind.INVITE, joined, match.start(group), match.end(group),
                                    "handle.invite_code", 0.8, f"invite:{code}", None)
            if "code" in text and "meet" in text:
                for match in _MEETING_CODE.finditer(text):
                    yield Candidate(Kind.INVITE, joined, match.start(), match.end(), "handle.meeting_code", 0.8,
                                    f"meet:{match.group()}", "google_meet")
        if "r/" in text or "r slash" in text:
            # "r/softnightsclub, I mod it": a community the writer runs is a way to meet them there
            for match in _SUBREDDIT.finditer(text):
                window = text[max(0, match.start() - 60) : match.end() + 40]
                if _OWN_COMMUNITY.search(window) is not None or _MINE_AFTER.match(text, match.end()) is not None:
                    yield Candidate(Kind.INVITE, joined, match.start(), match.end(), "handle.own_subreddit",
                                    0.8, f"reddit:r/{match.group('name')}", "reddit")
        if "u/" in text:
            for match in _REDDIT.finditer(text):
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end(), "handle.reddit_user",
                                0.85, f"reddit:{match.group('name')}", "reddit")
        if "#" in text:
            for match in _DISCRIM.finditer(text):
                if (match.start(), match.end()) in seen or not any(c.isalpha() for c in match.group("name")):
                    continue
                service = "discord" if match.group("tag").isdigit() else "riot"
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end(),
                                "handle.discriminator", 0.8, f"{service}:{match.group()}", service)

    @staticmethod
    def _native_name(mention: Mention, alpha: View, context: Context) -> Candidate | None:
        """A nickname in Chinese, Japanese or Korean given after a platform named in the same
        script and a colon ("小红书：夜猫子小林", "微信号: 小林"): in a profile field, or after an
        account label ("号", "账号", "id"). (User names on those services need not be Latin.)"""
        if mention.alias.isascii():
            return None
        match = _NATIVE_NAME_AFTER.match(alpha.text, mention.end)
        if match is None or (context.surface != Surface.PROFILE and not match.group("label")):
            return None
        return Candidate(Kind.HANDLE, alpha, match.start("name"), match.end("name"), "handle.native_name", 0.8,
                         f"{mention.platform.id}:{match.group('name')}", mention.platform.id)

    def _same_everywhere(self, joined: View, alpha: View, mentions: list[Mention]) -> Iterator[Candidate]:
        """"im quietfox everywhere, insta snap discord": a name given for every platform. A plain
        word counts only when a list of platforms follows it ("im itchy everywhere, snap filters
        make it worse" is not a handle)."""
        for match in _EVERYWHERE.finditer(alpha.text):
            name = joined.text[match.start("handle") : match.end("handle")]
            listed = sum(1 for m in mentions if 0 <= m.start - match.end() <= 30) >= 2
            if not listed and _MARKED.search(name) is None:
                continue
            platform = self._nearest(mentions, match.start())
            cand = self._handle_candidate(joined, match.start("handle"), match.end("handle"), platform,
                                          "handle.same_everywhere", 0.8, strong=False)
            if cand is not None:
                yield cand

    def _profile_segments(self, joined: View, context: Context) -> Iterator[Candidate]:
        """A user name standing alone between a profile's separators ("aria | 18 | ♐ |
        aria.lux_", "jay • 20 • gemini • jaythedreamer__"): a bio lists its owner's handles that
        way. Only names shaped like handles count (a "." or "_" between letters, or a trailing
        "_"), never versions, file names, initials or the site's own usernames."""
        known = _known_names(context)
        for match in _PROFILE_SEGMENT.finditer(joined.text):
            name = match.group("name")
            parts = [p for p in re.split(r"[._]+", name) if p]
            if (not any(c.isalpha() for c in name) or _VERSION.fullmatch(name) is not None
                    or all(len(p) <= 2 for p in parts) or name.rsplit(".", 1)[-1] in _FILE_ENDINGS
                    or name in known or name in self.resources.on_site_mentions):
                continue
            yield Candidate(Kind.HANDLE, joined, match.start("name"), match.end("name"), "handle.profile_segment",
                            0.75, f"@{name}", None)

    def _emoji_handles(self, joined: View, original: str) -> Iterator[Candidate]:
        """Handles after a platform's emoji ("👻: jane.d", "📸 ➝ jane_d"); a name must be marked
        as typed (dots of "t.o.b.y.r.a.i.n" are gone from the joined view)."""
        pattern = self.resources.platforms.emoji_pattern
        if pattern is None:
            return
        for match in pattern.finditer(joined.text):
            platform = self.resources.platforms.emoji[match.group("emoji")]
            cand = self._handle_candidate(joined, match.start("handle"), match.end("handle"), platform,
                                          "handle.after_emoji", 0.85, strong=True)
            if cand is None:
                continue
            a, b = joined.to_original(cand.start, cand.end)
            if any(c in original[a:b] for c in "_.0123456789@"):
                yield cand

    @staticmethod
    def _disguised(mention: Mention, alpha: View, original: str) -> bool:
        """True when the platform word was disguised (leetspeak, homoglyphs, spaced letters)."""
        a, b = alpha.to_original(mention.start, mention.end)
        typed = original[a:b]
        word = alpha.text[mention.start : mention.end]
        if typed.lower() == word:
            return False
        # "I N S T A G R A M ruined my self esteem": capitals spaced out are emphasis, not disguise
        compact = SPACED_SEPARATOR.sub("", typed)
        return not (compact.isupper() and compact.lower() == word)

    def _searched_on(self, mentions: list[Mention], joined: View) -> Iterator[Candidate]:
        """A name to search for on a platform named right after it ("search 'piaoceans' on tumblr",
        "cerca lunaverde su insta"): a user name, unless it is an ordinary word (a topic to look up)."""
        text = joined.text
        for mention in mentions:
            match = _SEARCH_NAME_BEFORE.search(text, max(0, mention.start - 60), mention.start)
            if match is None:
                continue
            name = match.group("name").strip(".")
            shaped = any(c in "._" or c.isdigit() for c in name)
            quoted = match.group("quote") is not None
            # an unshaped name counts only quoted; nothing counts on a service of videos or music,
            # where people search for topics ("search 'box_breathing' on youtube")
            if len(name) < 3 or name in self.resources.lexicon.common_words or name in _FUNCTION \
                    or mention.platform.id in _TOPIC_SERVICES or not (shaped or (quoted and len(name) >= 6)):
                continue
            yield Candidate(Kind.HANDLE, joined, match.start("name"), match.start("name") + len(name),
                            "handle.search_on_platform", 0.8, f"{mention.platform.id}:{name}", mention.platform.id)

    def _shaped_near(self, mentions: list[Mention], joined: View) -> Iterator[Candidate]:
        """Names shaped as only user names are, in the same sentence right after a platform word
        or tied to it just before ("ig? aqilah.lepak", "카톡 아이디 sol.bit_22", "wechat too, mine is
        meixiao_0921", "ce1este_ 0n tw1tch"): the shape carries the finding in any language, so
        no cue words are needed. Domains, file names, abbreviations, numbers and known words are
        not names."""
        text = joined.text
        for mention in mentions:
            if mention.ambiguous:
                continue
            after = text[mention.end : mention.end + _SHAPED_AFTER]
            stop = _SENTENCE_END.search(after)
            if stop is not None:
                after = after[: stop.start()]
            for match in _NAME_TOKEN.finditer(after):
                found = self._shaped(joined, mention.end + match.start(), mention.end + match.end(), mention)
                if found is not None:
                    yield found
                    break
            lo = max(0, mention.start - _SHAPED_BEFORE)
            for match in _NAME_TOKEN.finditer(text, lo, mention.start):
                if _BEFORE_PLATFORM.match(text[match.end() : mention.start]) is not None:
                    found = self._shaped(joined, match.start(), match.end(), mention)
                    if found is not None:
                        yield found

    def _shaped(self, joined: View, start: int, end: int, mention: Mention) -> Candidate | None:
        """A handle candidate when ``joined.text[start:end]`` has a user name's shape."""
        name = joined.text[start:end]
        if "_" not in name and _INNER_DOT.search(name) is None:
            return None
        if sum(c.isalpha() for c in name) < 4 or _NOT_SHAPED.fullmatch(name) is not None:
            return None
        if "." in name and "_" not in name and self.resources.public_suffix(name) is not None:
            return None  # a domain: the link detector's (and allowed when it is public information)
        words = [w for w in re.split(r"[_.]", name) if w]
        if all(w in self.resources.lexicon.common_words for w in words) and "_" not in name and len(words) < 3:
            return None  # "e.g.", "a.m.", "lol.ok": words with a dot between
        return Candidate(Kind.HANDLE, joined, start, end, "handle.shaped_near_platform", 0.75,
                         f"{mention.platform.id}:{name}", mention.platform.id)

    def _nearest(self, mentions: list[Mention], pos: int) -> Platform:
        return min(mentions, key=lambda m: abs(m.start - pos)).platform

    def _around(self, mention: Mention, joined: View, alpha: View, original: str,
                floor: int = 0, following: Mention | None = None) -> Iterator[Candidate]:
        """Handles right after the platform word, and handle-shaped names right before it (not
        reaching back past ``floor``, the end of the previous platform word: a name there is
        the previous word's, and repeated platform words cost no more than the text).
        ``following``: the next platform word, if any."""
        platform = mention.platform
        if len(mention.alias) <= 2 and _NUMBERED_THING.search(alpha.text, max(0, mention.start - 16), mention.start) \
                and any(c.isdigit() for c in original[slice(*alpha.to_original(mention.start, mention.end))]):
            return  # "apartment 5C upstairs": a flat's number, read as letters, is no service's name
        if mention.alias == "line" and _HELP_LINE.search(alpha.text, max(0, mention.start - 12), mention.start):
            return  # "crisis text line: https://…", "veterans crisis line: dial 988": not the LINE app
        after = _AFTER.match(alpha.text, mention.end)
        if (after is not None and following is not None and after.start("handle") == following.start
                and after.end("handle") == following.end
                and _SPELLED_SEPARATOR.match(joined.text, after.end("handle")) is None):
            # the word after is the next platform word itself ("snapchat insta"): never a handle
            # (the candidate would be refused as a platform name), so no need to weigh it
            after = None
        if platform.id == "email" and after is not None:
            link = (after.group("link") or "").strip()
            owned = alpha.text[max(0, mention.start - 4) : mention.start].rstrip().endswith(("my", "mi", "meu", "mon"))
            if link != ":" and not (owned and link in ("is", "'s", "es", "e", "est", "ist")):
                # "gmail: stargazer.lu", "my gmail is janedoe22" only; e-mail words are otherwise
                # the email detector's
                after = None
        if after is not None:
            start, end = after.start("handle"), after.end("handle")
            link_text = (after.group("link") or "").strip()
            # "my xbox account got hacked": "account" with no link word is talk, not a label
            bare_account = after.group("label") in ("acc", "account", "name", "ign", "gamertag") and not link_text
            strong = bool((after.group("label") and not bare_account) or after.group("open") or link_text.endswith("@")
                          or link_text in (":", "=", "(", "[", "is:", "->", "=>", ">") or joined.text[start] == "@"
                          or "$" in joined.text[start - 1 : start + 1]  # a cash tag ("cashapp $dreamyjay")
                          or _ARROW.fullmatch(link_text) is not None
                          # an arrow among the decorations before the name ("sc ➡️ brokenwings")
                          or (not link_text and _ARROW.search(alpha.text, mention.end, start) is not None))
            lead_in = alpha.text[max(0, mention.start - 16) : mention.start].rstrip()
            possessive = lead_in.endswith(_POSSESSIVE)
            disguised = self._disguised(mention, alpha, original)
            handle_text = joined.text[start:end]
            spelled = self._spelled_end(joined.text, end)
            if spelled is not None:
                end, handle_text = spelled  # "jane underscore doe": "jane_doe"
            # a name spelled out letter by letter ("sc — k.a.t.i.e.m"): deliberately disguised
            typed_start, typed_end = joined.to_original(start, end)
            spelled_out = typed_end - typed_start >= 2 * (end - start) - 1 and end - start >= 3
            strong = strong or spelled_out
            shaped = spelled_out or ((any(c in handle_text for c in "_.0123456789@") or (
                re.search(r"[a-z]-[a-z]", handle_text) is not None and _REDUPLICATED.fullmatch(handle_text) is None
            )) and (not handle_text.replace(".", "").isdigit()
                                        or (platform.handle.numeric and len(handle_text) >= 5
                                            and (after.group("link") is not None or mention.alias.endswith(("id", "号", "號"))))))
            # "Tele-MANAS", "insta-famous": a hyphen glued on both sides makes a compound word
            compound = (link_text == "-" and after.start("link") == mention.end and after.end("link") == start
                        and not shaped)
            linked = bool(after.group("link"))
            owned = lead_in.endswith(("my", "mi", "meu", "mon", "mein", "ma", "minha", "mio"))
            full_name = self._full_name(joined, start, original) if (linked or owned or strong) else None
            if full_name is not None:
                # "fb: Jane Doe Marquez", "búscame en face como Ana Lucía Torres": a name to search
                end = full_name
                shaped = True
            quote = after.group("open") in ("'", "\u2018", "\u201c", '"')
            quoted_word = quote and (
                after.start("open") == mention.end  # "snap'imi": an apostrophe and a suffix
                or (not shaped and handle_text in self.resources.lexicon.common_words)
            )
            # "meu zap e descobriu", "chat wa aku diem-diem": a bare "e" is also "and", "aku" also
            # "I"; after them only a handle-shaped name counts
            ambiguous_link = link_text in _AMBIGUOUS_LINKS and not shaped and not strong and (
                link_text != "e" or "\u00e9" not in original[slice(*alpha.to_original(after.start("link"), after.end("link")))])
            # "видалила інстаграм, бо ...": a word of another script (folded to look-alike Latin
            # letters in this view, "6o"), no user name
            typed = original[slice(*joined.to_original(start, end))]
            foreign_word = not strong and typed.isalpha() and not typed.isascii() and not _latin(typed)
            # "i live in sc (south carolina)": words in brackets after the name explain it; a
            # name in brackets stands alone ("snap (jane.d)")
            bracketed_words = link_text == "(" and not shaped and re.match(r"[ \t]*\)", alpha.text[end:]) is None
            if compound or quoted_word or ambiguous_link or foreign_word or bracketed_words:
                conf = 0.0  # "my insta is 'toxic'": a quoted ordinary word
            elif strong:
                conf = 0.9
            elif shaped:
                conf = 0.85
            elif link_text in ("is", "'s", "=", "->") and _OFFER_AFTER_NAME.match(alpha.text, end) is not None \
                    and handle_text.isascii() and not self.resources.lexicon.knows_word(handle_text):
                conf = 0.8  # "bereal is noahmcc if you want daily proof": a name offered
            elif link_text in _KNOWN_AS and lead_in.endswith(_ON_WORDS) and handle_text.isascii() \
                    and not self.resources.lexicon.knows_word(handle_text):
                conf = 0.8  # "on tele as kaiwaves", "estoy en insta como lunaroja": the name used there
            elif possessive and (linked or not mention.ambiguous) and (
                    linked or _NOUN_PHRASE_GOES_ON.match(alpha.text, end) is None):
                conf = 0.8
            elif disguised or not self._typed_plain(joined, start, end, original):
                conf = 0.75  # the platform word or the name typed in look-alike letters
            else:
                conf = 0.0
            if platform.id == "email" and (not any(c in handle_text for c in "._0123456789")
                                           or self._allowed_address(handle_text)):
                conf = 0.0  # a word, or the address of a crisis line or public service
            if conf and spelled is not None:
                yield Candidate(Kind.HANDLE, joined, start, end, "handle.spelled_separators", max(conf, 0.85),
                                f"{platform.id}:{handle_text}", platform.id)
            elif conf:
                cand = self._handle_candidate(joined, start, end, platform, "handle.after_platform",
                                              conf, strong)
                if cand is not None:
                    yield cand
        if platform.id == "email":
            return  # a name before an e-mail word ("jo at gmail") is the email detector's
        window_start = max(floor, mention.start - 48)
        before = _BEFORE.search(alpha.text, window_start, mention.start)
        if before is not None:
            start, end = before.start("handle"), before.end("handle")
            typed_start, typed_end = joined.to_original(start, end)
            strong = joined.text[start] == "@" or joined.text[max(0, start - 2) : start] == "@ " \
                or _MARKED.search(joined.text, start, end) is not None \
                or (typed_end - typed_start >= 2 * (end - start) - 1 and end - start >= 3)  # "m.a.y.a on tiktok"
            # "add a coworker on facebook" is talk; only handle-shaped names count before the word,
            # or a name given as one's own: "find me as quietfox on fb", "i go by quietfox on insta"
            own = (_SELF_NAMED.search(alpha.text, max(0, start - 24), start) is not None
                   and not joined.text[start:end].endswith(("ing", "ed", "ly", "in")))  # "im lurking on"
            conf = 0.85 if strong else 0.8 if own else 0.0
            if conf:
                cand = self._handle_candidate(joined, start, end, platform, "handle.before_platform",
                                              conf, strong)
                if cand is not None:
                    yield cand

    def _allowed_address(self, text: str) -> bool:
        """True for an address at an allowed domain ("jo@samaritans.org")."""
        local, at, domain = text.lstrip("@").rpartition("@")
        return bool(local and at and "." in domain) and self.resources.domain_allowed(domain.strip("."))

    @staticmethod
    def _spelled_end(text: str, end: int) -> tuple[int, str] | None:
        """End and read form of a handle continued with spelled separators after ``end``
        ("jane" + " underscore doe"), or None."""
        match = _SPELLED_SEPARATOR.match(text, end)
        if match is None:
            return None  # (most handles)
        start = end
        while start > 0 and text[start - 1] not in " \t":
            start -= 1
        pieces = [text[start:end]]
        while match is not None and len(pieces) < 7:
            pieces += [_SEPARATOR_CHAR[match.group("sep")], match.group("part")]
            end = match.end()
            match = _SPELLED_SEPARATOR.match(text, end)
        return (end, "".join(pieces)) if len(pieces) > 1 else None

    @staticmethod
    def _typed_plain(joined: View, start: int, end: int, original: str) -> bool:
        """False when the handle was typed in look-alike letters: enclosed, squared, fullwidth or
        mathematical letters ("🅻🅸🅻🅱🅴🅰🅽"), or Latin mixed with Cyrillic or Greek in one word.
        Accented letters and words written wholly in another script are plain."""
        a, b = joined.to_original(start, end)
        typed = original[a:b]
        if typed.isascii():
            return True
        names = [unicodedata.name(c, "") for c in typed if not c.isascii()]
        if any(_LOOKALIKE_FORM.search(n) for n in names):
            return False
        latin = any(c.isascii() and c.isalpha() for c in typed)
        return not (latin and any(n.startswith(("CYRILLIC", "GREEK")) for n in names))

    @staticmethod
    def _full_name(joined: View, start: int, original: str) -> int | None:
        """End (in ``joined``) of a capitalised full name typed at ``start`` ("Jane Doe Marquez"),
        or None when the original text there is not two or three capitalised words."""
        a, _ = joined.to_original(start, start + 1)
        match = _FULL_NAME.match(original, a)
        if match is None:
            return None
        end = a + len(match.group().rstrip())
        index = bisect.bisect_left(joined.starts, end) if joined.starts is not None else end
        return index

    def _handle_candidate(
        self, joined: View, start: int, end: int, platform: Platform, rule: str, conf: float,
        strong: bool,
    ) -> Candidate | None:
        raw = joined.text[start:end].rstrip(".,'-")
        end = start + len(raw)
        name = raw.lstrip("@").removeprefix("/")  # ("@/elena": a slash so that the name is no link)
        if not name:
            return None
        word = name.split("#")[0]
        if word in _FUNCTION or word in _NOT_NAMES or word in self.resources.platforms.first_words:
            return None
        if "'" in word and _MARKED.search(word) is None:
            return None  # "i'm", "it's": a word, not a user name
        if _LAUGHTER.fullmatch(word) is not None and not raw.startswith("@"):
            return None  # "followed me on ig lmaooo": laughter after the service's name
        lexicon = self.resources.lexicon
        # (a word with digits is known only as itself: Arabizi "3ashan", "taba3i")
        known = lexicon.knows_word(word) if word.isalpha() else word in lexicon.common_words
        if known and not raw.startswith("@"):
            if not strong or _RANK_NUMBER.match(joined.text, end) is not None:
                return None  # (a rank after a word: "overwatch: gold 3", "valorant: diamond 2")
            conf -= 0.2
        grammar = platform.handle
        body = re.sub(r"#\d{4,5}$", "", word).removeprefix("$")  # "$tyreek22": a cashtag
        if not (grammar.min <= len(body) <= grammar.max):
            conf -= 0.3
        if re.fullmatch(f"[{grammar.chars}]+", body) is None:
            if not strong and "-" in body and re.fullmatch(r"[^\W\d_]+(?:-[^\W\d_]+)+", body) is not None:
                return None  # "tiktok là-dessus", "minecraft, lo-fi": a hyphenated word, no name this service allows
            conf -= 0.2
        if not any(c.isalpha() for c in body) and not grammar.numeric:
            return None  # numbers are the phone detector's
        if body.isdigit() and len(body) < 6:
            return None  # "nível 70 no free fire": a level or a count; numeric ids are longer
        if (_QUANTITY.fullmatch(body) is not None or _TIMES.fullmatch(body) is not None) and not raw.startswith("@"):
            return None  # "insta is 2am", "my insta its 10k followers", "1g x3": a time, a count, a dose
        if len(body) < 2:
            return None
        return Candidate(Kind.HANDLE, joined, start, end, rule, conf, f"{platform.id}:{name}", platform.id)

    def _at_names(
        self, joined: View, mentions: list[Mention], context: Context, seen: set[tuple[int, int]]
    ) -> Iterator[Candidate]:
        """@names: with a platform named, in a profile, or in a one-on-one chat; and "@ name (no
        space)". On-site mentions, the caller's known names and the names a message opens with
        are people on the site."""
        known = _known_names(context)
        opening = _LEADING_AT_NAMES.match(joined.text) if mentions else None
        leading = opening.end() if opening is not None else -1
        for match in _AT_NAME.finditer(joined.text):
            if (match.start(), match.end()) in seen:
                continue
            name = match.group("name")
            if name in self.resources.on_site_mentions or name in known or name in _CODE_ANNOTATIONS:
                continue
            if "." in name and self.resources.domain_allowed(name):
                continue  # "an @nyc.gov address": the domain of a public body's e-mail, no one's name
            if not mentions and _ADDRESSING.search(joined.text[max(0, match.start() - 16) : match.start()]):
                continue  # "thanks @sam", "hi @jo": speaking to someone on the site
            if not mentions and _ON_SITE_AFTER_NAME.match(joined.text, match.end()) is not None:
                continue  # "tag @LuminousListener in the teen room": someone on the site
            if mentions:
                if context.surface != Surface.PROFILE and match.end() <= leading and not any(
                        0 <= m.start - match.end() <= 24
                        and _TIED_TO_PLATFORM.match(joined.text[match.end() : m.start]) is not None
                        for m in mentions):
                    continue  # "@Nina the telegram group is so toxic": speaking to Nina, here
                platform = self._nearest(mentions, match.start())
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end(), "handle.at_name_with_platform",
                                0.85, f"{platform.id}:{name}", platform.id)
            elif context.surface == Surface.PROFILE:
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end(), "handle.at_name_profile",
                                0.8, f"@{name}", None)
            elif context.surface == Surface.CHAT or known:
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end(), "handle.at_name",
                                0.65, f"@{name}", None)
        for match in _AT_SPACED_NAME.finditer(joined.text):
            name = match.group("name")
            if name in self.resources.on_site_mentions or name in known:
                continue  # "@ everyone (no space)": the site's own mention, spelled out
            if (match.start(), match.end("name")) not in seen:
                seen.add((match.start(), match.end("name")))
                yield Candidate(Kind.HANDLE, joined, match.start(), match.end("name"), "handle.at_no_space",
                                0.85, f"@{name}", None)


def _known_names(context: Context) -> set[str]:
    """The on-site usernames the caller passed, as they appear after "@" (lower case)."""
    return {u.lower().lstrip("@") for u in context.known_usernames}


def _latin(word: str) -> bool:
    """True when ``word`` holds a Latin letter, in any style ("jane", "ʙʀᴀᴍʙʟᴇ", "ｊａｎｅ", "𝐜𝐡𝐞𝐫𝐫𝐲")."""
    return any(c.isascii() or "LATIN" in unicodedata.name(c, "") or unicodedata.normalize("NFKC", c).isascii()
               for c in word if c.isalpha())
