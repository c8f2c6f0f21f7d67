"""Speech verbs, by lemma, and the few classes of them that the rules treat differently.

Only a verb listed here can attribute a quotation: the subject of any other verb ("Dahl left
the room") is never taken as a speaker from its own clause. Data only: no model, no I/O.
"""

from __future__ import annotations

SPEECH = frozenset(
    """say tell add write ask state declare insist warn explain note argue reply respond
    conclude acknowledge admit stress remark recall counter concede predict caution announce
    tweet urge vow complain suggest maintain observe confirm reiterate emphasise emphasize
    joke quip describe call dub term brand label characterise characterize shout whisper
    mutter scoff grumble boast exclaim proclaim pledge assert contend protest retort snap
    comment recount testify repeat lament deny muse wonder quote cite inform assure remind
    allege plead interject underline underscore concur chant yell scream holler""".split()
)

# Verbs that are speech only in some uses ("posted a loss", "the talks continue", "put the
# issue on the agenda"): they count when the quotation hangs from them or right after a
# quote (“…,” she continued), never as the nearest verb in a sentence.
WEAK = frozenset(
    """continue post promise claim answer object speak reflect reason estimate forecast
    recommend propose demand laugh chuckle sigh rage fume thunder bristle text email message
    blog agree report put read find rule sing cry""".split()
)

# Verbs that name rather than speak: they attribute only with a subject, and only when the
# quotation is what something is called ("what she called “a gift”", but not "a plant
# called “Nova”", nor "called for “urgent action”").
NAMING = frozenset("call dub term brand label describe characterise characterize".split())

# Verbs whose object is a listener, not a speaker: "told Dahl", "asked Kovalenko".
LISTENER = frozenset("tell ask inform assure remind brief warn urge".split())

# Verbs that may come before their speaker: “…,” said Kovalenko. Never "told X" (a listener).
INVERTED = frozenset(
    """say add continue write explain insist warn note argue reply recall conclude stress
    counter caution declare ask answer respond observe admit concede agree remark retort
    quip joke shout whisper exclaim comment announce confirm recount muse wonder sigh laugh
    chuckle scoff snap thunder""".split()
)

# Speech verbs with common other senses ("would add millions to costs", "noted for its
# wine"): when their subject is a plain noun that is no kind of source, the quote belongs to
# a speech verb further up ("Dahl said the plan would add “years of delay”").
AMBIGUOUS = frozenset("add note continue post report claim promise put read answer".split())

# Passive verbs whose subject is the speaker: "Dahl was quoted as saying …".
PASSIVE_SPEAKER = frozenset("quote cite".split())

# Reading verbs: a quotation after "a banner reading" is a sign, not speech.
READING = frozenset("read".split())

# Inflected forms the lemmatiser sometimes leaves alone (tagged as nouns or adjectives in
# headlines and odd sentences); only ever checked together with the parse.
FORMS = frozenset(
    """said says told tells added adds wrote writes asked asks declared insisted warned
    explained noted argued replied responded stated admitted stressed recalled conceded
    cautioned announced urged vowed promised complained suggested claimed confirmed
    emphasised emphasized joked quipped described called dubbed termed shouted whispered
    quoted according""".split()
)
