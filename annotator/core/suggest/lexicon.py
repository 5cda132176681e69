"""Words the recommenders look for, per language (English, German, French, Spanish, Russian, a
little Japanese). Lower case; multi-word entries are matched as a run of tokens."""

from __future__ import annotations

SPEECH_VERBS = frozenset(
    """
    say says said saying tell tells told add adds added state states stated declare declares declared
    ask asks asked reply replies replied explain explains explained note notes noted warn warns warned
    insist insists insisted argue argues argued write writes wrote claim claims claimed continue
    continues continued recall recalls recalled announce announces announced acknowledge acknowledged
    admit admits admitted stress stresses stressed comment commented remark remarked respond responds
    responded concede conceded conclude concluded tweet tweeted post posted urge urged predict predicted
    insisted shouted whispered joked vowed pledged promised complained
    sagt sagte sagten erklärt erklärte erklärten betont betonte fügte ergänzte meint meinte warnt warnte
    schreibt schrieb kritisiert kritisierte fordert forderte fragt fragte antwortet antwortete räumte
    so zufolge laut sagt
    dit déclare déclaré affirme affirmé ajoute ajouté explique expliqué estime estimé souligne souligné
    averti avertit lancé lance indique indiqué précise précisé assure assuré insiste insisté martelé
    répond répondu confié confie reconnaît reconnu prévient prévenu dénoncé dénonce
    dijo dice afirmó afirma declaró declara añadió añade explicó explica aseguró asegura señaló señala
    advirtió advierte sostuvo sostiene indicó indica agregó agrega manifestó subrayó subraya insistió
    respondió responde reconoció admitió criticó apuntó
    сказал сказала сказали заявил заявила заявили отметил отметила отметили добавил добавила добавили
    подчеркнул подчеркнула сообщил сообщила сообщили пояснил пояснила считает говорит рассказал
    рассказала признал признала предупредил предупредила написал написала ответил ответила заметил
    заметила уточнил уточнила
    """.split()
)

# "according to X" and its kin: the speaker follows (or, for "zufolge", precedes) the cue.
ATTRIBUTION_CUES = (
    ("according", "to"),
    ("selon",),
    ("après",),  # d'après (the elided d' is dropped by the tokenizer)
    ("según",),
    ("laut",),
    ("по", "словам"),
    ("как", "заявил"),
    ("как", "заявила"),
    ("как", "сказал"),
    ("как", "сказала"),
    ("как", "отметил"),
    ("как", "отметила"),
)
CUE_AFTER_NAME = frozenset({"zufolge"})

PRONOUNS = frozenset("he she they er sie il elle ils elles él ella ellos он она они".split())

# Japanese: 「…」と述べた; the speaker is the topic (X は) before the quote.
JA_VERBS = ("述べ", "語", "話", "批判", "強調", "明らかに", "説明", "訴え", "指摘", "発言", "答え", "言")
JA_TITLES = (
    "首相",
    "代表",
    "大統領",
    "外相",
    "氏",
    "議員",
    "長官",
    "知事",
    "社長",
    "会長",
    "幹事長",
    "官房長官",
)

# Capitalised words that start a name run but are not part of the name.
TITLES = frozenset(
    """
    mr mrs ms dr sir dame lord lady prof professor president vice prime foreign finance interior defence
    defense minister secretary chancellor senator governor mayor general chief executive director leader
    spokesman spokeswoman spokesperson judge king queen prince princess pope rep representative speaker
    ambassador commissioner chairman chairwoman chair ceo union opposition party labour labor senate
    herr frau bundeskanzler kanzler kanzlerin bundespräsident ministerin minister präsident chef sprecher
    sprecherin abgeordnete
    m mme mlle monsieur madame président présidente ministre première premier
    señor señora sr sra don doña presidente presidenta ministro ministra
    господин госпожа президент министр глава
    """.split()
)

# Capitalised words that begin sentences (or are days, months) rather than names: "Later" is not
# part of "Later Lavrov left".
STOP = frozenset(
    """
    the a an but and or in on at of for to from with by as if when while after before this that these those
    there here it its he she they we i you his her their our my your yes no not so then also asked
    however meanwhile still yet some many most all both each every one two three
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december
    der die das den dem des ein eine einer und oder aber doch in im am auf mit von zu für bei nach vor
    wir ich er sie es man niemand nichts auch noch nur schon dann heute gestern montag dienstag mittwoch
    donnerstag freitag samstag sonntag januar februar märz juni juli oktober dezember
    le la les un une des et ou mais en au aux du de dans sur pour par avec il elle ils elles nous on ce
    cette ces selon lundi mardi mercredi jeudi vendredi samedi dimanche
    el los las una unos y o pero en del al con por para según sin él ella ellos nosotros este esta esto
    ese esa lunes martes miércoles jueves viernes sábado domingo
    в во на по с со к ко о об и а но как что это этот эта он она они мы я вы не же также при для из от
    later earlier yesterday today tomorrow tonight now instead thus although though because since until
    despite during afterwards finally first next last recently currently what why how where who which
    nevertheless moreover furthermore indeed again already even just only
    später jetzt nun dennoch deshalb daher trotzdem zudem außerdem damals bereits
    hier demain ensuite puis depuis alors pourtant cependant
    ayer hoy luego después entonces además
    вчера сегодня завтра позже затем потом однако теперь
    """.split()
)

# Words that make a name an organisation: its last word alone is not a variant of it.
ORG_WORDS = frozenset(
    """
    party institute institution union commission council bank ministry department company corporation
    group association agency office court committee parliament government trains airlines news times
    post university foundation fund organisation organization league federation network services
    partido gobierno ministerio banco comisión instituto consejo
    parti gouvernement ministère conseil assemblée institut banque
    partei regierung ministerium bank rat gewerkschaft institut bund
    партия правительство министерство комиссия совет банк
    """.split()
)

# Words after which a capitalised word is a place, not a speaker ("told reporters in Ankara").
PLACE_PREPOSITIONS = frozenset("in at from to into near nach aus à en au aux desde hacia в во из под".split())

# Words before a quotation that make it a title or a name, not speech.
TITLE_CUES = frozenset(
    """
    titled entitled called named dubbed so-called film movie book novel song album report series show
    programme program play column headline slogan campaign operation feature
    titel namens sogenannte sogenannten sogenannter film buch roman bericht serie
    intitulé intitulée appelé appelée baptisé baptisée film livre roman rapport série émission
    titulado titulada llamado llamada película libro novela informe serie programa
    называемый называемая называемое называемого называемым назвав названием фильм книга книгу доклад
    доклада программа
    """.split()
)
