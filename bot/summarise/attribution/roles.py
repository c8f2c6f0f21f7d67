"""Nouns for people, sources and things, as the rules need them to judge a subject.

A subject that is a role ("the minister") may stand for a person named earlier with that
title; an unnamed spokesperson is reported as its description; an anonymous source or a
document, an organisation or a news outlet is never a speaker. Data only: no model, no I/O.
"""

from __future__ import annotations

# Role nouns that carry a gender: a hint for pronouns.
GENDERED: dict[str, str] = {
    "spokeswoman": "f", "spokesman": "m", "chairwoman": "f", "chairman": "m",
    "congresswoman": "f", "congressman": "m", "businesswoman": "f", "businessman": "m",
    "policewoman": "f", "policeman": "m", "headmistress": "f", "headmaster": "m",
    "actress": "f", "actor": "m", "king": "m", "queen": "f", "prince": "m", "princess": "f",
    "duke": "m", "duchess": "f", "baron": "m", "baroness": "f", "countess": "f",
    "mother": "f", "father": "m", "wife": "f", "husband": "m", "widow": "f", "widower": "m",
    "grandmother": "f", "grandfather": "m", "daughter": "f", "son": "m", "sister": "f",
    "brother": "m", "nun": "f", "monk": "m", "sportswoman": "f", "sportsman": "m",
    "councilwoman": "f", "councilman": "m", "alderwoman": "f", "alderman": "m",
    "assemblywoman": "f", "assemblyman": "m", "anchorwoman": "f", "anchorman": "m",
    "frontwoman": "f", "frontman": "m", "forewoman": "f", "foreman": "m",
    "fisherman": "m", "fisherwoman": "f", "woman": "f", "man": "m", "girl": "f", "boy": "m",
    "lady": "f", "gentleman": "m", "mayoress": "f", "waitress": "f", "landlady": "f",
    "stewardess": "f", "chairlady": "f", "horsewoman": "f", "horseman": "m",
    "craftswoman": "f", "craftsman": "m", "tradeswoman": "f", "tradesman": "m",
    "servicewoman": "f", "serviceman": "m", "mr": "m", "mrs": "f", "ms": "f",
}  # fmt: skip

# Unnamed spokespeople: reported as their description ("a Ministry of Ports spokeswoman").
SPOKES = frozenset("""spokeswoman spokesman spokesperson representative""".split())

# Nouns for a person in a role: "the minister said" stands for the last person given it.
ROLES = (
    frozenset(
        """commissioner minister president representative secretary senator chancellor premier
    governor ambassador mayor chair chairperson director chief executive ceo cfo coo head
    leader negotiator envoy adviser advisor economist analyst strategist professor judge
    justice magistrate prosecutor lawyer barrister solicitor attorney coroner sheriff general
    colonel captain sergeant lieutenant commander admiral marshal officer inspector
    superintendent detective constable delegate deputy lawmaker legislator mp mep councillor
    councilor founder treasurer trustee manager coach goalkeeper striker defender midfielder
    forward winger keeper skipper referee umpire player doctor surgeon physician nurse midwife
    lecturer researcher scientist historian author writer editor journalist correspondent
    columnist presenter host farmer grower teacher owner boss regulator organiser organizer
    campaigner activist engineer pilot architect consultant banker trader investor
    entrepreneur shopkeeper baker chef priest bishop archbishop imam rabbi pastor vicar
    curator conductor composer artist singer musician novelist poet photographer designer
    master harbourmaster secretary-general director-general vice-president president-elect
    premier-elect principal dean provost rector vice-chancellor auditor ombudsman
    administrator controller comptroller registrar clerk planner official diplomat aide
    steward attorney-general solicitor-general librarian firefighter paramedic pharmacist vet
    veterinarian astronomer hydrologist geologist biologist physicist chemist epidemiologist
    virologist psychologist sociologist pollster playwright broadcaster commentator
    spokesperson-designate minister-designate commissioner-designate""".split()
    )
    | SPOKES
    | frozenset(GENDERED)
)

# Nouns for an unnamed source: "an official said", "diplomats said", "one source" → nobody.
ANONYMOUS = frozenset(
    """official source diplomat person people insider observer aide someone somebody one
    another other witness resident member worker employee staff protester demonstrator
    marcher critic supporter opponent analyst economist expert executive banker trader
    investor voter fan passenger skipper customer shopper parent student neighbour neighbor
    woman women man men local farmer grower participant attendee delegate negotiator lawmaker
    legislator politician colleague friend relative acquaintance official operator driver
    trucker haulier nurse doctor teacher manager engineer lawyer adviser advisor activist
    campaigner organiser organizer spokesperson representative victim survivor veteran
    volunteer user owner tenant landlord consumer investor commentator insider""".split()
)

# Subjects that are not people: documents, bodies, statements. "The report said" → nobody.
NOT_PEOPLE = frozenset(
    """report statement study survey document letter memo memorandum filing submission paper
    analysis review inquiry audit poll data figure figures note notice sign banner placard
    poster post tweet message email release communique website site page book article
    editorial column headline draft text proposal plan law bill resolution ruling verdict
    judgment judgement decision court committee commission council board panel government
    ministry department agency authority company firm group union association federation
    bank corporation organisation organization institute university party campaign
    coalition alliance team club office bureau parliament congress senate assembly cabinet
    administration regime state country nation city town region province county police
    army military navy force service services operator industry sector market index
    exchange fund charity foundation trust council newspaper programme program website
    schedule budget forecast model guidance summary transcript minutes record evidence
    testimony complaint lawsuit suit petition motion appeal order decree treaty agreement
    deal accord contract manifesto platform script speech interview""".split()
)

# News outlets and programmes: a listener or a source of record, never a speaker.
OUTLETS = frozenset(
    """radio television tv channel newspaper magazine broadcaster podcast programme program
    show station network paper times herald post gazette journal tribune news daily weekly
    outlet press wire agency bulletin""".split()
)

# Determiners that make a noun phrase indefinite: "an official", "one source", "two aides".
INDEFINITE = frozenset(
    """a an one another some several two three four five six seven eight nine ten many few
    various other more most numerous dozens hundreds thousands""".split()
)

# Capitalised words that make a run of names an institution, a place or a thing.
INSTITUTION_WORDS = frozenset(
    """union unions states commission ministry department council parliament association
    bank group inc ltd corp plc llc company partners times news daily ledger post agency
    office court congress senate house building street city university institute forum
    federation committee fund organisation organization bureau authority party capital trust
    foundation centre center club board service services holdings industries steel motors
    airlines energy ports press media herald journal tribune review government republic
    kingdom nations summit conference treaty airport station square avenue road
    hall palace tower bridge river valley island islands county province region north south
    east west saint san santa los las united national federal central global international
    royal works plant mill radio television tv channel securities capital foods rail power
    hospital school college academy museum church cathedral stadium park athletic united
    rovers city town village harbour harbor port bay lake mount mountain coast strait
    institute society network systems technologies labs laboratories insurance
    investments partners associates brothers sons markets exchange index
    monday tuesday wednesday thursday friday saturday sunday january february march
 july september october november december""".split()
)
