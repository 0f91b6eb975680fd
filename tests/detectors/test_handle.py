"""Handles tied to a platform ("ig: jane_d", "@jane_d on insta", "u/jane", "jane#1234"), with
the platform word disguised in every way; and platform names said in passing."""

from __future__ import annotations

import pytest

from offsite import Context, Kind, Surface

from ._support import check_negative, check_positive, guard, neg, pos

H = Kind.HANDLE

POSITIVES = [
    # (u17c, u17e) a name after "friend me its"; a name offered "if you want"; a nickname with digits;
    # a Turkish invite code
    pos("anyone here play the blocky game? friend me its dinoKid2011", ["dinoKid2011"], H),
    pos("bereal is noahmcc if you want daily proof im still alive lol", ["noahmcc"], H),
    pos("22岁 | 上海 | 分手中 | 小红书：一只难过的猫3721", ["一只难过的猫3721"], H, Surface.PROFILE),
    pos("discord sunucumuz var, davet kodu: kaygi2024", ["kaygi2024"], Kind.INVITE),
    # seventeenth session (u17a, u17b): the name used on a service ("on tele as"); a group's tag to
    # search where a group is spoken of; a hyphenated blog name after "it's"
    pos("kai 20 surfer, failed poet, dog dad. on tele as kaiwaves", ["kaiwaves"], H, Surface.PROFILE),
    pos("@everyone the real group is on kik now, search for #nightshiftvents", ["nightshiftvents"], H, Surface.ROOM),
    pos("anyway i'm active on tumblr if anyone relates, it's static-hearts-blog, i post there more",
        ["static-hearts-blog"], H),
    # (u16e, u16f) a WeChat id; an X account
    pos("theres a wechat group for international students, add me first: wxid_lh8823yq", ["wxid_lh8823yq"], H),
    pos("my x acct got suspended lol, new one is @n0ctur0_v", ["@n0ctur0_v"], H),
    # (u16c, u16d) a name to search for on a service; a Supercell player tag; "lowkey:" before the name;
    # spelled underscore in German; a Turkish case ending on the platform's name
    pos("writer, sad poetry, 16 | search 'piaoceans' on tumblr, my ask box is open", ["piaoceans"], H, Surface.PROFILE),
    pos("мой тег #2PQLVY8J, добавляйте", ["#2PQLVY8J"], H),
    pos("clash royale tag #2PQ9LYG0 lets be clanmates", ["#2PQ9LYG0"], H),
    pos("anyway ur really easy to talk to, snap me lowkey: rxinyday.x, i'm up late most nights", ["rxinyday.x"], H),
    pos("Auf Insta: katrin punkt vogel unterstrich 84", ["katrin punkt vogel unterstrich 84"], H),
    pos("instagramdan yazsana bana, kullan\u0131c\u0131 ad\u0131m ayse.kaya.34", ["ayse.kaya.34"], H),
    # sixteenth session (u16a): a Polish case ending on the platform's name, "arroba" for "@"
    pos("dodajcie mnie na snapie: kasia.wrzos \U0001f495", ["kasia.wrzos"], H),
    pos("\U0001f48c pra falar comigo fora daqui: ig arroba gabi ponto lua ponto 03", ["gabi ponto lua ponto 03"], H,
        Surface.PROFILE),
    # fifteenth session (u13d, u15a, u15b): a name shaped as only user names are, near a platform
    # word in any language; platform emoji with an arrow; "@ name (no space)"
    pos("teamspeak or discord whichever u have, mine is grimoire_g on both", ["grimoire_g"], H),
    pos("I’ll be on kik tonight as the_real_hollis", ["the_real_hollis"], H),
    pos("boleh tak kita sambung kat ig? aqilah.lepak. sini rasa macam tak selamat", ["aqilah.lepak"], H),
    pos("mi scrivi su instagram? giuli.persa, qui non mi sento a mio agio", ["giuli.persa"], H),
    pos("여기선 말하기 좀 그래서… 카톡 하실래요? 아이디 sol.bit_22 예요", ["sol.bit_22"], H),
    pos("@jun ya i use wechat too, mine is meixiao_0921", ["meixiao_0921"], H, Surface.ROOM),
    pos("my snap is my ig is my tiktok lol: ava.m0rales. pick one", ["ava.m0rales"], H),
    pos("wren | 18 | she/her | 📸 ➝ wren.in.winter | be gentle", ["wren.in.winter"], H, Surface.PROFILE),
    pos("toby | 15 | he/him | 👻: t.o.b.y.r.a.i.n", ["t.o.b.y.r.a.i.n"], H, Surface.PROFILE),
    pos("lia | 14 | she/her | wizz ⇢ ghostgirl_lia", ["ghostgirl_lia"], H, Surface.PROFILE),
    pos("ok new plan, everyone join the line group, id is @ sadgirlsclub (no space)", ["@ sadgirlsclub"], H,
        Surface.ROOM),
    pos("давай в тг. я там @ tihaya_noch (без пробела)", ["@ tihaya_noch"], H),
    pos("find me: luna.rosa_22", ["luna.rosa_22"], H, Surface.PROFILE),
    pos("socials: luna.rosa_22", ["luna.rosa_22"], H, Surface.PROFILE),
    pos("twt: luna_rosa22", ["luna_rosa22"], H, Surface.PROFILE),
    pos("lol: LunaRosa#EUW", ["LunaRosa#EUW"], H, Surface.PROFILE),
    pos("instagram'ım: deniz.yalniz", ["deniz.yalniz"], H),
    pos("인스타 아이디는 minji_0303", ["minji_0303"], H),
    pos("我的微信号是xiaolin_88", ["xiaolin_88"], H),
    # twelfth session: invite codes after "join code" or "code for ... is", a Google Meet code
    pos("study buddies group on groupme, join code QUIET42", ["QUIET42"], Kind.INVITE),
    pos("the invite code for my minecraft server is 7HXQ-K2PL, we have a vent channel", ["7HXQ-K2PL"], Kind.INVITE),
    pos("google meet at 9, code abc-defg-hij", ["abc-defg-hij"], Kind.INVITE),
    # twelfth session (u12a, u12c, u11b): a name after "new one:", "its" or an arrow further on; a
    # cash tag; "@" right after a CJK character; a Skype id
    pos("my discord got hacked so new one: velvetmoth_2", ["velvetmoth_2"], H),
    pos("my kik is old school i know but its tyler.the.quiet", ["tyler.the.quiet"], H),
    pos("ok heres my snap before it closes -> n.0.e.l.l.e", ["n.0.e.l.l.e"], H),
    pos("my instagram is like lilmissthunder with two underscores after", ["lilmissthunder"], H),
    pos("broke college kid. cashapp $dreamyjay", ["$dreamyjay"], H),
    pos("20歳／メンタル弱め／夜型／Xは@yoru_no_neko", ["@yoru_no_neko"], H, Surface.PROFILE),
    pos("skype is still a thing right? live:.cid.8f3a2b1c9e", ["live:.cid.8f3a2b1c9e"], H),
    pos("my tumblr url is starlit-static, ask box is open", ["starlit-static"], H),
    pos("my skype is still live:drew_okon_90, old school i know", ["live:drew_okon_90"], H),
    pos("we could just play chess and talk in the game chat lol. lichess: knightowl_1987", ["knightowl_1987"], H),
    # eleventh session (u11a): a remark in brackets before the name; "@/" so the name is no
    # link; a nickname in Chinese after a Chinese platform name; a QQ group number; Hinglish
    pos("ig (the app w the camera lol) = sunflower.kid_", ["sunflower.kid_"], H),
    pos("hmu on snapp (double p lol) ▶ ryy.ann", ["ryy.ann"], H),
    pos("ig: @/elenanotelena (the slash is so it doesn't link lol) | 18", ["@/elenanotelena"], H),
    pos("20岁 | 上海 | 失眠星人 | 小红书：夜猫子小林 | 可以找我倾诉", ["夜猫子小林"], H, Surface.PROFILE),
    pos("我的微信号：小林", ["小林"], H),
    pos("睡不着的朋友可以加我们的互助群，群号 555012888，进群请改备注", ["555012888"], H),
    pos("agar chaho toh discord pe aa jana, mera id hai kabir_404, raat ko online", ["kabir_404"], H),
    # tenth session (u10a): "s/c" names snapchat; Korean names of services read as words
    pos("[not allowed to say but: s/c = ember.fox.22]", ["ember.fox.22"], H),
    pos("카톡: minji_0412", ["minji_0412"], H),
    pos("17 лет, люблю аниме и котов 🐱 тгк: kotya_mur", ["kotya_mur"], H),
    pos("малюю і плачу 🎨 інст: sonya.malyuye", ["sonya.malyuye"], H),
    # ninth session (u9e, profiles): a name alone between a bio's separators; "»" and "~" after a platform
    pos("jay • 20 • gemini • jaythedreamer__", ["jaythedreamer__"], H, Surface.PROFILE),
    pos("aria | 18 | ♐ | aria.lux_", ["aria.lux_"], H, Surface.PROFILE),
    pos("🌙 ~ emo kid ~ 🌙\n~ hollowhearted.x ~", ["hollowhearted.x"], H, Surface.PROFILE),
    pos("𝐬𝐧𝐚𝐩 » 𝐣𝐚𝐜𝐤𝐬𝐨𝐧.𝐫𝐞𝐢𝐝", ["𝐣𝐚𝐜𝐤𝐬𝐨𝐧.𝐫𝐞𝐢𝐝"], H),
    pos("𝕚𝕘 ~ 𝕠𝕔𝕖𝕒𝕟𝕖𝕪𝕖𝕤.𝕗𝕠𝕣𝕖𝕧𝕖𝕣", ["𝕠𝕔𝕖𝕒𝕟𝕖𝕪𝕖𝕤.𝕗𝕠𝕣𝕖𝕧𝕖𝕣"], H),
    pos("instam: ece.yildiz.07 takip et", ["ece.yildiz.07"], H),
    # ninth session (u9b): one same symbol between single characters; fillers before the name
    pos("snap = s/a/l/t/w/a/t/e/r/_/j/o", ["s/a/l/t/w/a/t/e/r/_/j/o"], H),
    pos("snap 👻 h🌸a🌸z🌸e🌸l🌸b🌸u🌸d", ["h🌸a🌸z🌸e🌸l🌸b🌸u🌸d"], H),
    pos("my kik is literally just fernbrook lol", ["fernbrook"], H),
    pos("o app do fantasminha: th4yn4r4_s", ["th4yn4r4_s"], H),
    pos("the app with the camera icon, lowtide.lou", ["lowtide.lou"], H),
    # ninth session (u8e): a name spelled letter by letter before the platform; "i g" spaced
    pos("look up m.a.y.a.s.k.y on tiktok thats me", ["m.a.y.a.s.k.y"], H),
    pos("i g : b e l l a . r o s e . 0 9", ["b e l l a . r o s e . 0 9"], H),
    # eighth session: first seen in the u8b set
    pos("kik me: emo(dot)prince(dot)x", ["emo(dot)prince(dot)x"], H),
    pos("insta: jane[dot]doe", ["jane[dot]doe"], H),
    pos("my letterboxd is quietmarlowe lol", ["quietmarlowe"], H),
    pos("kwai: mari.lindinha2009", ["mari.lindinha2009"], H),
    pos("apex: l0st.in.sp4ce (origin) lmk when ur on", ["l0st.in.sp4ce"], H),
    pos("battle tag: Pudding#11902", ["Pudding#11902"], H),
    pos("yo i make beats, bandlab is crybaby_808 if u wanna collab", ["crybaby_808"], H),
    pos("sc — k.a.t.i.e.m", ["k.a.t.i.e.m"], H),  # a name spelled out letter by letter
    pos("minecraft ign is PebbleWizard, i have a little server", ["PebbleWizard"], H),
    pos("xbox gamertag: NightOwl77", ["NightOwl77"], H),
    pos("cashapp $tyreek22", ["$tyreek22"], H),
    pos("add me on snap: jane.d", ["jane.d"], H),
    pos("my insta is jane_d", ["jane_d"], H),
    pos("ig: jane_d", ["jane_d"], H),
    pos("insta - jane_d", ["jane_d"], H),
    pos("my ig is @jane_d", ["@jane_d"], H),
    pos("@jane_d on insta", ["@jane_d"], H),
    pos("i'm jane_d on tiktok", ["jane_d"], H),
    pos("i'm @jane_d on twitter", ["@jane_d"], H),
    pos("u/jane_d", ["u/jane_d"], H),
    pos("discord: jane#1234", ["jane#1234"], H),
    pos("add me jane#1234", ["jane#1234"], H),
    pos("tele: @jane_d", ["@jane_d"], H),
    pos("sc: jane.d22", ["jane.d22"], H),
    pos("my snap is jane.d.22 add me", ["jane.d.22"], H),
    pos("hmu on kik jane_d", ["jane_d"], H),
    pos("hmu on wa: jane_d", ["jane_d"], H),
    pos("steam id: janegamer", ["janegamer"], H),
    pos("psn: jane_d_99", ["jane_d_99"], H),
    pos("my xbox gamertag is JaneD99", ["JaneD99"], H),
    pos("my wechat is jane_d_wx", ["jane_d_wx"], H),
    pos("my tt is jane.dances", ["jane.dances"], H),
    pos("add me on line, my id is jane_d_line", ["jane_d_line"], H),
    # the platform word disguised: spaced letters, leetspeak, homoglyphs, zero-width, styled
    pos("s n a p: jane.d", ["jane.d"], H),
    pos("i n s t a: jane_d", ["jane_d"], H),
    pos("d!scord: jane_d", ["jane_d"], H),
    pos("d1sc0rd jane_d", ["jane_d"], H),
    pos("sn4pch4t: jane.d", ["jane.d"], H),
    pos("my snаp is jane.d", ["jane.d"], H),  # Cyrillic а
    pos("i\u200bn\u200bs\u200bt\u200ba: jane_d", ["jane_d"], H),
    pos("𝓲𝓷𝓼𝓽𝓪: jane_d", ["jane_d"], H),
    pos("ⓘⓝⓢⓣⓐ: jane_d", ["jane_d"], H),
    pos("👻: jane.d", ["jane.d"], H),
    pos("find me on facebook as jane.doe.77", ["jane.doe.77"], H),
    # a standalone @name where it can only be an off-site account
    pos("@jane_d", ["@jane_d"], H, Surface.PROFILE),
    pos("find me @jane.d.art", ["@jane.d.art"], H, Surface.PROFILE),
    # separators spelled out, platform lists, look-alike letters in the name
    pos("my insta is jane underscore doe", ["jane underscore doe"], H),
    pos("snap: moon dot child", ["moon dot child"], H),
    pos("snap or ig both moon.child", ["moon.child"], H),
    pos("snapchat - 🅻🅸🅻🅱🅴🅰🅽", ["🅻🅸🅻🅱🅴🅰🅽"], H),
    pos("snap: ｊａｎｅｄｏｅ", ["ｊａｎｅｄｏｅ"], H),
    pos("find me as quietfox on insta", ["quietfox"], H),
    pos("i go by quietfox on discord", ["quietfox"], H),
    pos("my @ is jane_d", ["jane_d"], H),
    pos("my gmail is janedoe22", ["janedoe22"], H),
    pos("my handle is jane.d22", ["jane.d22"], H),
    pos("sc ➡️ brokenwings", ["brokenwings"], H),
    pos("🅢🅝🅐🅟 ⋆ cxrly.sue", ["cxrly.sue"], H),
    pos("👾 nyx.exe", ["nyx.exe"], H),
    pos("meu zap é joaozinho", ["joaozinho"], H),
    pos("i'm always on valorant after 8, add me: GhostFern#NA1", ["GhostFern#NA1"], H),
    pos("my name on every app is aurelio dot v dot 99", ["aurelio dot v dot 99"], H),
    pos("i posted it on my wattpad, it's under starlingwrites if you wanna look", ["starlingwrites"], H),
    pos("theres this thing called the gram 😅 im on there as ph0ebe.in.bloom", ["ph0ebe.in.bloom"], H),
    pos("instaaaa: c.h.l.o.e.e.e._", ["c.h.l.o.e.e.e._"], H),
    pos("find me on the app with the ghost: kaii.rxse", ["kaii.rxse"], H),
    pos("i made a private server just for us, code is 7 x 9 k r 2", ["7 x 9 k r 2"], Kind.INVITE),
    pos("I'm on wickr as lst_amara", ["lst_amara"], H),
    pos("Discord ID: 904417223318929408", ["904417223318929408"], H),
    pos("my dms on insta are open, just search kay.unraveled", ["kay.unraveled"], H),
    pos("kik me im ghostgirl_2007", ["ghostgirl_2007"], H),
    pos("en discord soy nachito_uy", ["nachito_uy"], H),
    pos("my handle everywhere is nervousnoodle, find me", ["nervousnoodle"], H),
    pos("Everyone's welcome in r/softnightsclub, I mod it", ["r/softnightsclub"], Kind.INVITE),
]

NEGATIVES = [
    # (u17d, u17e) a flat's number read as letters; the domain of a public body's e-mail
    neg("apartment 5C upstairs has been screaming at each other since 10 and i cant sleep"),
    neg("the offer came from an @nyc.gov address and i read it like 40 times"),
    neg("my insta is private if you want to know"),
    # (u17a) laughter after a service's name; a topic's tag; "as" before ordinary words
    neg("my ex's new gf followed me on ig lmaooo what do i even do with that info"),
    neg("i saw it on insta, search for #mentalhealthawareness"),
    neg("i was on tiktok as a kid"),
    neg("on insta as usual"),
    # (u16d) a room member addressed after an interjection; topics searched on video sites; a hashtag
    neg("jaja @Mateo_22 yo tambi\u00e9n qued\u00e9 en platino 2 en valorant esta temporada", Surface.ROOM),
    neg("search 'grounding' on youtube, it helps"),
    neg("search 'anxiety' on tiktok and you get the worst advice"),
    neg("my tag is #blessed lol"),
    # fifteenth session (u15a): a room message speaks to the @names it opens with, whatever
    # service it then talks about
    neg("@SunnyBee omg the new instagram update is so bad, i cant find my drafts anymore", Surface.ROOM),
    neg("@Nina why does everyone at school have snapchat streaks with each other except me", Surface.ROOM),
    neg("@Theo whatsapp voice notes from my grandma are the only thing keeping me sane rn", Surface.ROOM),
    neg("hey @sam, @jo and @kit: my discord got hacked yesterday", Surface.ROOM),
    neg("i type @ everyone (no space) to ping lol", Surface.ROOM),
    # domains, file names and abbreviations share a user name's shape
    neg("i read about it on instagram, see nami.org for more"),
    neg("my discord bot is written in main.py lol"),
    neg("saw it on tiktok, e.g. the one about st.anne's"),
    neg("lobby full 8/8 in my minecraft bedwars game lmao i actually won one", Surface.ROOM),
    neg("find me: at the library"),
    neg("add me: 3 times a day"),
    neg("我的微信是我妈妈管的"),
    neg("인스타는 안 해요"),
    neg("the code for the wifi is abc123"),
    neg("our group project code is due friday"),
    # twelfth session: code quoted in a message, a noun after "my <platform>"
    neg("Java: @Override public String toString() — why do I need this"),
    neg("npm install @types/node fixed it, finally something went right today"),
    neg("SELECT * FROM users WHERE email LIKE '%@example.com'; — my first SQL query!"),
    neg("my youtube recommendations are all sad videos now lol the algorithm knows"),
    neg("my spotify wrapped was 90% sad songs. my friends laughed"),
    neg("my psn trophies are the only achievements i have this year lol"),
    # eleventh session: Arabizi and Hinglish words after a platform name, words in brackets
    neg("mas7t el snapchat 3ashan el ex kan yshof el stories taba3i"),
    neg("mama 2aret el whatsapp taba3i w sar mashakel kbar bel beit"),
    neg("i live in sc (south carolina) and it's so humid and lonely out here"),
    neg("i deleted snap (the app is toxic) and feel better"),
    neg("my insta (private now) is dead"),
    neg("微博：不用了"),
    # tenth session (u10a): an @name of this site, a few words before "on here" / "in the ... room"
    neg("@luna.tic is my bestie on here 💕 go say hi to her in the art room"),
    neg("видалила інстаграм, бо постійно порівнюю себе з іншими"),
    neg("she/her • 20 • ravenclaw • INFP", Surface.PROFILE),
    neg("v2.0 | node.js dev | coffee", Surface.PROFILE),
    neg("ph.d student | 27 | b.a. psychology", Surface.PROFILE),
    neg("crisis text line: https://www.crisistextline.org 💙", Surface.PROFILE),
    neg("veterans crisis line: dial 988 then press 1 🎖️", Surface.PROFILE),
    neg("overwatch: gold 3 support, pls be nice", Surface.PROFILE),
    neg("apex: plat 4 and that's my ceiling", Surface.PROFILE),
    neg("rank ko sa ML: legend 3, hirap umakyat", Surface.PROFILE),
    neg("tag @LuminousListener in the teen room if things get heavy", Surface.PROFILE),
    neg("my roblox avatar has a better life than me"),
    neg("non désolée je donne pas mon snap, c'est interdit ici"),
    neg("my insta is literally just memes"),
    neg("on 3/4/2024 at 5:30, 5-4-3-2-1 blast off"),
    neg("l o l on tiktok"),
    neg("cheguei no nível 70 no free fire e ninguém liga kkkk"),  # a level, not an id
    neg("samaritans also answer email: jo@samaritans.org, takes a day or so"),  # the email detector's
    neg("j'ai vu une vidéo tiktok là-dessus et je me suis reconnue"),  # a hyphenated word no service allows
    neg("i love minecraft, lo-fi, and my dog biscuit"),
    neg("my minecraft ign got banned lol"),
    neg("my snap streaks are the only thing keeping me going"),
    neg("i deleted snapchat"),
    neg("my mom read my whatsapp"),
    neg("someone asked for my snap and i reported them"),
    neg("my insta is private"),
    neg("my instagram got hacked"),
    neg("i saw a post on instagram yesterday"),
    neg("snapchat is bad for my mental health"),
    neg("i'm on discord a lot lol"),
    neg("i got into a discord with my brother"),
    neg("i watched tele all night"),
    neg("the signal is bad here"),
    neg("there was a long line at the store"),
    neg("i need to face my fears"),
    neg("oh snap that's wild"),
    neg("we played call of duty"),
    neg("please don't share your snap here"),
    neg("r/depression helped me"),
    neg("#1 thing i learned"),
    neg("my tiktok feed is sad"),
    neg("ig is toxic"),
    neg("@everyone please be kind", Surface.ROOM),
    neg("@here welcome to the room", Surface.ROOM),
    neg("@Mods can you help", Surface.ROOM),
    neg("thanks @maria_k for sharing", Surface.ROOM),
    # a dash or "both" after a platform word, accents, another script: not a name
    neg("tiktok - brainrot"),
    neg("facebook — grandma uses it"),
    neg("snap or ig both suck"),
    neg("ich hab snapchat gelöscht"),
    neg("instagram привет"),
    neg("im sober on reddit"),
    neg("this girl called karen on facebook"),
    neg("my handle is sunshine"),
    neg("my gmail is full"),
    neg("snapchat - lilbean"),  # a dash alone does not hand over a plain word
    neg("minha mãe leu meu zap e descobriu tudo"),
    neg("ibuku baca chat wa aku diem-diem"),
    neg("I N S T A G R A M ruined my self esteem tbh"),
    neg("the server code is broken lol"),
    neg("covid#19 sucks"),
    neg("i read a post on r/depression, mine was similar"),
    neg("snap im so tired"),
]


@pytest.mark.parametrize(("text", "spans", "kind", "surface"), POSITIVES)
def test_finds_handle(text: str, spans: tuple[str, ...], kind: Kind, surface: Surface) -> None:
    """Platform-bound user names are found, however the platform is written."""
    check_positive("handle", text, spans, kind, surface)


@pytest.mark.parametrize(("text", "surface"), NEGATIVES)
def test_ignores_platform_talk(text: str, surface: Surface) -> None:
    """Naming a service in passing, on-site mentions and rule talk are not contact."""
    check_negative("handle", text, surface)


@pytest.mark.parametrize(
    ("text", "platform", "value"),
    [
        ("ig: jane_d", "instagram", "instagram:jane_d"),
        ("s n a p: jane.d", "snapchat", "snapchat:jane.d"),
        ("d!scord: jane_d", "discord", "discord:jane_d"),
        ("u/jane_d", "reddit", "reddit:jane_d"),
        ("discord: jane#1234", "discord", "discord:jane#1234"),
    ],
)
def test_platform_and_value(text: str, platform: str, value: str) -> None:
    """A handle names its platform and reads as ``platform:name``."""
    found = [f for f in guard().detect(text).findings if f.kind == Kind.HANDLE]
    assert [(f.platform, f.value) for f in found] == [(platform, value)]


def test_known_username_is_an_on_site_mention() -> None:
    """``@name`` of someone on the site is not contact, even in a one-on-one chat."""
    text = "@maria_k thanks for listening"
    assert guard().detect(text, Context(surface=Surface.CHAT)).findings, "precondition"
    context = Context(surface=Surface.CHAT, known_usernames=frozenset({"maria_k"}))
    assert guard().detect(text, context).findings == ()
