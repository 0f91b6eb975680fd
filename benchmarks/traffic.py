"""Realistic peer-support chat traffic, generated deterministically from a seed.

About 90% of the messages are clean (support talk, with the numbers and names that are not
contact: times, dates, ages, prices, crisis lines, services named in passing, a little emoji and
accented text); the rest share or ask for off-site contact in the plain and disguised forms seen
in the shared suites. Lengths follow chat: most messages are one short sentence, some are a
paragraph, a few run to the 1,000-character limit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

MAX_LENGTH = 1000

_NAMES = ("jane", "sam", "alex", "mia", "jordan", "lee", "riley", "noah", "ava", "kai", "zoe",
          "omar", "lucia", "ben", "ines", "tariq", "maya", "leo", "nina", "eli")
_FEELINGS = ("anxious", "tired", "lonely", "overwhelmed", "hopeful", "stuck", "better", "numb",
             "stressed", "sad", "a bit calmer", "nervous", "grateful", "drained")
_TOPICS = ("school", "work", "my parents", "my sister", "exams", "my job interview", "therapy",
           "my breakup", "sleep", "college applications", "my roommate", "money", "my health",
           "the move", "my best friend")
_SERVICES = ("instagram", "tiktok", "snapchat", "discord", "whatsapp", "youtube", "reddit",
             "facebook", "twitter")

_CLEAN: tuple[str, ...] = (
    "hi, thanks for listening to me today",
    "I've been feeling {feeling} about {topic} lately",
    "honestly I don't know where to start",
    "that makes a lot of sense, thank you",
    "I'm {age} and it feels like nobody gets it",
    "my exam is on {date} at {time} and I can't focus",
    "it has been like this since {year}",
    "I slept maybe {small} hours last night",
    "we talked for {small} minutes and then she left",
    "the meds cost ${price} a month which is a lot for me",
    "I saw a post on {service} about burnout and it hit hard",
    "I deleted {service} for a while, it was making me feel worse",
    "my {topic} thing is getting a bit better I think",
    "if things get bad you can call or text 988, they are there 24/7",
    "you can also text HOME to 741741 any time",
    "in the UK Samaritans are on 116 123",
    "I'm so glad you reached out today 💛",
    "that sounds really hard, I'm sorry you're going through it",
    "what helps you when you feel {feeling}?",
    "have you been able to talk to anyone at {topic} about it?",
    "lol yeah same 😅",
    "I tried the breathing exercise, 4 in, 7 hold, 8 out, and it helped a bit",
    "room {small}{small} at the clinic had a support group on thursday",
    "my score went from {small}0 to {small}5 on the practice test",
    "je me sens un peu mieux aujourd'hui, merci beaucoup",
    "estoy cansada pero mejor que ayer",
    "it's like 3am here and I can't sleep",
    "I read that article on psychologytoday.com and it helped",
    "ok ok I will try that tomorrow",
    "I feel like I'm always the one who has to fix everything at {topic}",
    "my counselor said to write things down, so I have a notebook now",
    "we're meeting at {time} on {date}, wish me luck",
    "I walked {small} km today, first time in weeks",
    "thank you for being here, it really means a lot",
    "sometimes I just need someone to listen without fixing it",
    "the bus was {small}0 minutes late again and I missed the start of class",
    "she's {age} and she still treats me like a kid",
    "I got a {small}/10 on the quiz, not great but not terrible",
    "my phone died so I missed the whole thing",
    "there's a good video on youtube about grounding techniques",
    "i'm in year {small} now and it's so much harder",
    "can we keep talking here for a bit longer?",
)

_VIOLATION: tuple[str, ...] = (
    "email me at {name}{num2}@gmail.com",
    "my email is {name} at yahoo dot com",
    "write to {name}.{name2} (at) outlook [dot] com if you want",
    "text me {phone}",
    "call me at {phone_dash} whenever",
    "my number is {spelled}",
    "add me on snap: {name}_{num2}",
    "my insta is {name}.{name2}",
    "hmu on discord {name}#{num4}",
    "do you have whatsapp? it's easier there",
    "can we talk somewhere more private? what's your snap",
    "join my server discord.gg/{code}",
    "check my page linktr.ee/{name}{num2}",
    "follow me @{name}_{name2}",
    "let's move this to telegram, t.me/{name}{num2}",
    "what's your number? I'll text you",
    "my kik is {name}{num2}",
    "add me on s n a p {name}{num2}",
    "ig -> {name}.{num2}",
    "my cell is +44 7{num4} {num3}{num3}",
)


@dataclass(frozen=True)
class Message:
    """One generated message and whether it was built to hold off-site contact."""

    text: str
    violation: bool


def _spelled(rng: random.Random) -> str:
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return " ".join(words[rng.randrange(10)] for _ in range(10))


def _filler(rng: random.Random) -> dict[str, Callable[[], str]]:
    return {
        "feeling": lambda: rng.choice(_FEELINGS),
        "topic": lambda: rng.choice(_TOPICS),
        "service": lambda: rng.choice(_SERVICES),
        "age": lambda: str(rng.randint(13, 70)),
        "date": lambda: f"{rng.randint(1, 12)}/{rng.randint(1, 28)}",
        "time": lambda: f"{rng.randint(1, 12)}:{rng.choice(('00', '15', '30', '45'))}",
        "year": lambda: str(rng.randint(2010, 2025)),
        "small": lambda: str(rng.randint(1, 9)),
        "price": lambda: str(rng.randint(5, 300)),
        "name": lambda: rng.choice(_NAMES),
        "name2": lambda: rng.choice(_NAMES),
        "num2": lambda: f"{rng.randint(10, 99)}",
        "num3": lambda: f"{rng.randint(100, 999)}",
        "num4": lambda: f"{rng.randint(1000, 9999)}",
        "code": lambda: "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(7)),
        "phone": lambda: f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "phone_dash": lambda: f"{rng.randint(201, 989)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "spelled": lambda: _spelled(rng),
    }


def _fill(template: str, fillers: dict[str, Callable[[], str]]) -> str:
    out: list[str] = []
    pos = 0
    while True:
        open_at = template.find("{", pos)
        if open_at == -1:
            out.append(template[pos:])
            return "".join(out)
        close_at = template.index("}", open_at)
        out.append(template[pos:open_at])
        out.append(fillers[template[open_at + 1 : close_at]]())
        pos = close_at + 1


def _join(sentences: list[str]) -> str:
    out = ""
    for sentence in sentences:
        if out:
            out += " " if out[-1] in ".?!)" or not out[-1].isascii() else ". "
        out += sentence
    return out


def _length_sentences(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.6:
        return 1
    if roll < 0.9:
        return rng.randint(2, 4)
    return rng.randint(5, 25)


def generate(count: int = 20_000, *, seed: int = 8, violation_share: float = 0.10) -> list[Message]:
    """``count`` chat messages, the same for the same seed; about ``violation_share`` of them
    hold off-site contact. Every message is at most 1,000 characters."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not 0.0 <= violation_share <= 1.0:
        raise ValueError(f"violation_share must be between 0 and 1, got {violation_share}")
    rng = random.Random(seed)
    fillers = _filler(rng)
    messages: list[Message] = []
    for _ in range(count):
        sentences = [_fill(rng.choice(_CLEAN), fillers) for _ in range(_length_sentences(rng))]
        violation = rng.random() < violation_share
        extra = _fill(rng.choice(_VIOLATION), fillers) if violation else ""
        budget = MAX_LENGTH - (len(extra) + 2 if extra else 0)
        kept: list[str] = []
        used = 0
        for sentence in sentences:
            cost = len(sentence) + (2 if kept else 0)
            if used + cost > budget:
                break
            kept.append(sentence)
            used += cost
        if extra:
            kept.insert(rng.randint(0, len(kept)), extra)
        text = _join(kept)
        messages.append(Message(text, violation))
    return messages
