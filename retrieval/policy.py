"""Every threshold of reading a question, in one place: name matching, linking, choices.

As bm25s's `BM25.__init__` holds every tunable of its scoring, `ReadingPolicy` holds every
tunable of question reading, each with its unit and the range that makes sense. The components
(NameIndex, Linker, Searcher) take one and pass it along; nothing else keeps a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadingPolicy:
    """Thresholds of question reading, with units and sensible ranges.

    Name matching (retrieval/names.py):
    - fuzzy_cutoff (rapidfuzz ratio, 70..95): how alike a word must be to a name word to count
      as its misspelling at all.
    - min_coverage (share of a name's weight, 0.6..0.95): a question holding this much of a
      name mentions it.
    - family_coverage (share, 0.3..0.6): the least a name may share with a question to be a
      candidate ("Usher syndrome" for the pages "Usher syndrome, type 1B", ...).
    - same_stem (similarity, 0.9..1): what a word with a name word's stem counts ("tumors" for
      "tumor"): close, but an exact name wins.
    - common_word_fuzz (factor, 0.5..1): extra doubt when a misspelling is itself an everyday word.
    - everyday_english (English word count, 5k..50k): English uses "hardly" this often; such a
      word is no misspelt name.
    - max_match_words (words, 100..1000): words of a question looked at.
    - proximity_slack (words, 0..6): extra words allowed between the words of a name.
    - distinctive_share (share of the rarest weight, 0.3..0.7): a family needs a word this rare.
    - generic_weight (nats, 2..4): words in this many names (syndrome, disease) hardly identify one.
    - misspellings_kept (words, 10k..1M): how many words' typo look-ups are remembered.

    Choices (retrieval/search.py):
    - partial_coverage (share, 0.5..0.8): a partial name counts when BM25 agrees on its page.
    - ambiguity_margin (share, 0.01..0.1): names whose scores differ less than this tie.
    - max_choices (pages, 2..10): the most pages offered to choose from.

    Linking (retrieval/linking.py):
    - link_probability (0..1): the calibrated probability a page must reach to be answered from.
      Chosen on the precision/recall curve of `gardbot eval --linking` for a precision of 0.99
      on leave-one-page-out and the generated name sets.
    - coefficients: the logistic model over FEATURES, fitted by `gardbot eval --linking --fit`.
    - far_edits (letters, 2..3): a misspelt word this many edits (Damerau-Levenshtein) from the
      page's nearest spelling is "far" (the far_misspelling feature): typing slips one letter,
      and a word two off a name is more often another name ("Pearson", "Pierson").
    - long_slip (letters, 5..8): a word this long misspelt in a name typed whole, with the
      asker's words around it, is offered as "did you mean" (Linker.to_confirm); a shorter one or an
      abbreviation ("FRAXE" for "FRAXA") may be another name.
    - head_share (share of names, 0.001..0.01): a word that ends at least this share of all
      names (and two at the least) is a head word ("syndrome", "disease", "deficiency"); a
      mention ending in one is disease shaped, and a question may leave it out ("tourettes").
    - term_pages (pages, 2..10): unless other pages' names list the words before the head word
      as a condition of their own, this many pages at the least ("retinitis pigmentosa" in
      "Retinitis pigmentosa, deafness, ..." and four more): then "retinitis pigmentosa" is that
      condition, not "Retinitis pigmentosa syndrome" (Linker._term_of_its_own).
    - unknown_weight (nats, 4..10): the weight of a mention word no name uses and English rarely
      does ("scheuermann"): as strong as the rarest name word, since it names something.
    - capital_weight (nats, 1..5): an everyday word typed with a capital inside a mention
      ("Acquired", "Hunter").
    - number_weight (nats, 1..6): a number or type letter in a mention that the name lacks
      ("type 2" against "type 1A").
    - qualifier_english (English word count, 10k..200k) and qualifier_names (names, 2..20): an
      everyday word next to a name joins its mention when English uses it less than this
      ("severe", "childhood") or this many names use it ("like", "type"); "need" does neither.
    - qualifier_before_english (English word count, 5k..30k): before a name, only an everyday
      word English uses less than this joins it ("acquired hemophilia"; not "adult", "severe").
    - repeat_similarity (rapidfuzz ratio, 60..90): a mention word this close to a matched name
      word says the same thing ("bechets" for "behcet"), and is not unexplained.
    - glue_words (words, 0..3): the most everyday words that may stand between two runs of
      name-like words with nothing else between them for both to be one name ("Dwarfism tall
      vertebrae"); 0 glues only runs that touch ("Fukuyama type | muscular dystrophy").
    - trailing_words (words, 2..8): the longest qualifier a comma may join after a name
      (", vascular type"; ", hypoplastic/hypomaturation, X-linked 2" is five).
    - relative_unexplained (share, 0..0.3): at most this much of a mention may go unexplained
      for a choice of pages sharing its words to stand ("Usher syndrome": type 1 or 2?).
    - topic_words (words, 2..8) and topic_names (names, 0..20): after "with"/"and", a lower-case
      phrase of at most topic_words words, ending in an English word that at most topic_names
      names use, is the asker's topic, not more of a name ("with sentinel lymph node biopsy",
      "and pregnancy": 6 names; "and cancer" is 46).

    Ranking within a page (retrieval/search.py):
    - section_weight (BM25 shares, 1..4): how much the asked section type outweighs BM25 of the
      rest of the question within a page.
    - staff_similarity (idf-weighted Dice, 0.3..0.8): how much of its words a question must share
      with a published staff answer's question for that answer to go first on its page.
    - staff_similarity_alone (Dice, 0.4..0.9): the same when the question names no disease, and
      nothing else agrees.
    - broad_synonym_pages (pages, 10..50): a one-word synonym its own page's text never uses, while
      this many other pages name it, is a broader term ("Osteomyelitis" of Prosthetic joint
      infection, named on 30 others): the page is offered ("did you mean"), never quoted unasked.
      "Clubfoot" of Talipes equinovarus, a feature named on 11 others, stays another name.
    """

    fuzzy_cutoff: float = 80.0
    min_coverage: float = 0.78
    family_coverage: float = 0.4
    same_stem: float = 0.96
    common_word_fuzz: float = 0.85
    everyday_english: int = 10_000
    max_match_words: int = 300
    proximity_slack: int = 3
    distinctive_share: float = 0.5
    generic_weight: float = 3.0
    misspellings_kept: int = 200_000
    partial_coverage: float = 0.6
    ambiguity_margin: float = 0.03
    max_choices: int = 6
    link_probability: float = 0.9
    coefficients: tuple[float, ...] = (-3.244, 7.628, -41.61, 16.144, -9.049, 1.143, 2.167, -0.489, -31.817, -5.111)  # fmt: skip  # noqa: E501
    far_edits: int = 2
    long_slip: int = 6
    head_share: float = 0.002
    term_pages: int = 2
    qualifier_english: int = 50_000
    qualifier_before_english: int = 15_000
    qualifier_names: int = 5
    repeat_similarity: float = 75.0
    trailing_words: int = 5
    glue_words: int = 2
    unknown_weight: float = 8.0
    capital_weight: float = 3.0
    number_weight: float = 4.0
    relative_unexplained: float = 0.15
    topic_words: int = 5
    topic_names: int = 8
    section_weight: float = 2.0
    staff_similarity: float = 0.5
    staff_similarity_alone: float = 0.6
    broad_synonym_pages: int = 20


# --- what a question asks, and which sentence carries it (retrieval/ask.py, issue 17) ----------
#
# Each attribute has cues that find it in a question and "carrier" patterns that find a sentence
# saying something about it. A carrier must name the thing itself ("life expectancy", "contagious"),
# not a neighbouring topic: a causes paragraph that mentions infection is no answer to "is it
# contagious?". Patterns are applied to folded (lower-case, accent-free) text.
ATTRIBUTE_CUES: dict[str, str] = {
    "contagious": r"\b(contagious|communicable|infectious|transmissible|(transmitted|transferred|passed|spread) (\w+ )?(by|through|via) (blood|transfusions?|donations?|touch|contact|saliva|air|sex\w*)|catch (it|this|that) from|how (do|does|did|can|could|would|might) (\w+ ){1,2}(catch|contract)\b|contract(ed|ing)? (it|this|that)\b|spread (to|from|between) (other )?(people|person|others|family)|pass (it|this) (on )?to (others|other people))\b",
    "life expectancy": r"\b(life ?expectancy|life ?span|how long (will|would|do|does|can|could|might) (\w+ ){0,4}(live|survive)|how (long|much time) (\w+ ){0,2}(he|she|they|i|we|you) (has|have|got|has left|have left)|live (a )?(long|normal|full)|(shorten|shorter|reduce)\w* (\w+ )?li(fe|ves)|fatal|deadly|life[- ]threatening|die (of|from|young|early)|terminal|surviv(e|al)|mortality|prognosis|outlook|long[- ]term (outlook|effects?)|affects? ([\w']+ ){0,3}(li(fe|ves)|livelihood)|how (serious|dangerous) (is|are)|(is|are) (it|this|that|[\w'-]+( [\w'-]+){0,5}) (very |so |really |a )?(serious|dangerous)( (condition|disease|disorder|illness|problem))?(?=\s*[?.!]?\s*$))\b",
    # "the chances of passing X on to a child while pregnant": listed before pregnancy, and to the
    # clause's end, so the pregnancy it names inside is its own
    "passing it on": r"\b(chances?|odds|likelihood|probability|risks?)\b[^.?!;]{0,80}?\b(pass(ed|ing)? ([\w-]+ ){1,5}(on|down)\b|transmit\w*|inherit\w*|(have|having|has) (a |another |more )?(child|children|baby|babies|kids?|son|daughter)\b|(child|children|baby|kids?|offspring|grandchildren|son|daughter)( \w+){0,3} (will |would |could |may |might )?(have|has|get|inherit|be affected|develop)\b|pregnanc(y|ies) affected)[^.?!;]*",
    "pregnancy": r"\b(pregnan\w*|conceiv\w*|fertil\w*|infertil\w*|miscarr\w*|breast ?feed\w*|childbirth|menstrua\w*|menopaus\w*)\b",
    "sports": r"\b(sports?|athlet\w*|play (football|soccer|basketball|baseball|hockey|rugby|tennis)|football|soccer|basketball|gym|marathon|weight ?lift\w*|contact sports?|physical(ly)? activ\w*|exercis\w*)\b",
    "research": r"\b(clinical (trials?|stud(y|ies))|medical trials?|research (on|into|about|for|being|studies|in progress)|(any|current|ongoing|new) research|researchers? (working|studying|looking)|stud(y|ies) (on|of|for|investigating)|new (treatments?|drugs?|therap\w*|advances)|advances in|cure in the (near )?future|being developed|experimental|(medical |new |recent |any )?breakthroughs?|(recent|latest|new|updated|current) (information|news|updates?|developments?|findings|literature))\b",
    "prenatal": r"\b(before (birth|the baby is born)|prenatal(ly)?|during (the )?pregnancy|in the womb|amniocentesis)\b",
    "genetic test": r"\b(genetic(ally)? test\w*|gene test\w*|dna test\w*|carrier (test|screen)\w*|prenatal (test|diagnos|screen)\w*|tested for the (gene|mutation))\b",
    "blood test": r"\bblood (tests?|work|samples?|levels?|counts?)\b",
    "test": r"\b(is there an? (\w+ )?(test|scan|exam)|blood tests?|(what|which) (\w+ )?tests?|biops\w*|mri|x-?rays?|ultrasound|lab(oratory)? (tests?|results?)|(?<!genetic )test(s|ing)? (is |are )?available)\b",
    "frequency": r"\b(how (common|rare|many people|often does (it|this) (occur|happen))|prevalence|incidence|how many (cases|people|individuals|persons|patients|americans|children)|percentage of (people|individuals|persons|patients|the population)|an? (very |extremely )?rare (disease|condition|disorder))\b",
    "cure": r"\b(cur(e|ed|able|es)|curative)\b",
    "remission": r"\b(remission|(medication|medicine|drug|treatment|steroid)[- ]free|off (of )?(all |the |their |his |her |my |any )?(medications?|medicines?|drugs?|steroids?|treatment)|stop (taking )?(the |their |all |his |her |my )?(medications?|medicines?|drugs?|steroids?|treatment)|wean\w* off)\b",
    "medication": r"(?<!new )(?<!experimental )\b(medications?|medicines?|drugs?|prescriptions?|pills?)\b",
    "monitoring": r"\b(monitor\w*|surveillance|follow[- ]?up|check[- ]?ups?|how often should)\b",
    "recovery": r"\b((walk|talk|speak|see|hear|eat|move|stand|use (his|her|their|my) \w+) again|get (it|this|them|that|(his|her|their|my|the) \w+) back|(come|comes|coming) back|recover\w*|revers(e|ed|ible)|irreversible|permanent(ly)?|go(es)? away|outgrow\w*|get(s|ting)? better|improve (over time|with age))\b",
    "specialist": r"\b((what|which) (kind of |type of |sort of )?(doctors?|specialists?|physicians?|clinics?|hospitals?)|(see|find|consult) an? (\w+ )?(doctor|specialist|physician)|specialists? (in|for|who)|doctors? (who|that) (treat|specializ|know)\w*|who (treats|diagnoses)|treatment cent(er|re)s?|centers? of excellence|(specialty|specialized|specialist) (clinics?|centers?|centres?))\b",
    "support": r"\b(support groups?|patient (organi[sz]ations?|groups?|advocacy)|advocacy (groups?|organi[sz]ations?)|foundations?|other (families|parents|people) (with|who)|connect with (other )?(families|parents|people)|(support(ive)?|patient|family|parent) resources)\b",
    "similar conditions": r"\b(similar (symptoms|signs|conditions|diseases|disorders|features|to)|mimic\w*|(mis)?taken for|confused with|differ\w* (from|between)|distinguish\w*|tell (it|them) apart)\b",
}  # fmt: skip
CARRIER_CUES: dict[str, str] = {
    "contagious": r"\b(contagious|communicable|transmissible|transmitted (by|through|via|from)|person[- ]to[- ]person|spread (from|between) (one )?(person|people|individuals)|not (an )?infectio\w*|(is|are) (not )?(caused by )?an? (viral |bacterial )?infection)\b",
    "life expectancy": r"\b(life ?expectancy|life ?span|survival|surviv(e|es|ed|ing)|die(s|d)? (in|by|before|within|during|from|of)|(cause|causes|lead to|leads to|result in|early|sudden|premature|risk of) death|death (in|during|before|by|from)|death (\w+ )?(results?|occurs?)|fatal|mortality|prognosis|outlook|life[- ]threatening|live (into|to|beyond|a normal|normal|well)|normal li(fe|ves)|throughout (their |his |her |one's |a person's |the )?(li(fe|ves)|lifetimes?)|(a|is|considered) (a )?(lifelong|life-long) (condition|disorder|disease|illness)|(progression|progresses)\b[^.;]{0,40}\b(slow|slowly|rapid|rapidly|gradual|gradually)|(usually|generally|typically|eventually) resolves)\b",
    # a figure of the chance, or the chance each child has: "a 50% chance", "1 in 4", "each child
    # of an affected person has a 50 percent chance"; "the risk of having a child with it" is none
    "passing it on": r"(\b\d+ ?(%|percent)|\b(one|1) in (two|four|\d+)\b|\bhalf\b)[^.;]{0,40}\b(chance|risk|likelihood|probability)|\b(chance|risk|likelihood|probability)\b[^.;]{0,60}\b(is|of|be) (about |approximately |roughly |around |less than |up to )?(\d+ ?(%|percent)|(one|1) in \w+)|\b(recurrence risk|risk of recurrence) (is|of) (low|small|high|very \w+|\w+ than)",
    "pregnancy": r"\b(pregnan\w*|conceiv\w*|fertil\w*|infertil\w*|miscarr\w*|breast ?feed\w*|childbirth|menstrua\w*|menopaus\w*|delivery)\b",
    "sports": r"\b(sports?|athlet\w*|physical activit\w*|exercis\w*|strenuous|contact (sports?|activit\w*))\b",
    "research": r"\b(clinical (trials?|stud(y|ies))|clinicaltrials\.gov|researchers? (are|is|have|has|had|found|find|believe|suggest\w*|report\w*|stud\w*|work\w*|identif\w*|discover\w*|hope|continue|investigat\w*|think|recently|now)|((recent|some|growing|limited|new|emerging|preliminary) )?evidence (suggests|indicates|shows)|research (is|are|has|have|on|into|stud\w*)|(recent|ongoing|current|several|some|few|small|large|animal|further|more) stud(y|ies)|stud(y|ies) (have|has) (shown|found|suggested|reported)|stud(y|ies) (suggest|show|found|report|indicate)\w*|investigational|experimental|being (studied|investigated|developed|tested))\b",
    "prenatal": r"\b(prenatal\w*|before birth|during pregnancy|amniocentesis|chorionic villus|fetal|fetus|ultrasound)\b",
    "genetic test": r"\b(genetic test\w*|molecular (genetic )?test\w*|gene test\w*|sequencing|carrier test\w*|prenatal (test|diagnos|screen)\w*|testing (for|of) the)\b",
    "test": r"\b(tests?|testing|diagnos\w*|biops\w*|imaging|mri|x-?rays?|ultrasound|scans?|examination|laboratory|blood (tests?|work|samples?|levels?))\b",
    "frequency": r"\b(prevalen\w*|inciden\w*|(1|one) in \d[\d,]{2,}|\d[\d,]* (people|individuals|persons|births|newborns|cases|families|males|females|men|women)|(cases|families|individuals|people|patients) (have|has) been (reported|described|identified)|estimated to (affect|occur)|(?<!symptoms )(?<!signs )(?<!features )(?<!findings )(?<!complications )(?<!problems )(?<!effects )(is|are) (a |an )?(very |extremely |relatively )?(rare|common|uncommon)\b(?! (in|among|to|for|symptoms?|signs?|features?|findings?)\b)|occurs? (in )?(about|approximately|an estimated|fewer than|less than)|\d+(\.\d+)?(%| percent) of (the (general )?population|(all )?(live )?(births|newborns)))",
    "cure": r"\b(cur(e|ed|able|es|ing)|curative|incurable|remission|resolv\w*|go(es)? away|(completely |fully )?eliminat\w* (all |the )?symptoms)\b",
    "remission": r"\b(remission|relaps\w*|discontinu\w*|(stop|stopped|stopping|withdraw\w*|taper\w*|wean\w*) (\w+ ){0,2}(medications?|treatment|therapy|drugs?|steroids?|corticosteroids?)|(medication|drug|treatment)[- ]free|lifelong (treatment|therapy|medication)|(treatment|therapy|medication) (is |may be )?(usually |often |generally )?(lifelong|life-long|for life|indefinite\w*))\b",
    "medication": r"\b(medications?|medicines?|drugs?|pharmacolog\w*|prescri\w*|[a-z]+(mab|nib|pril|sartan|olol|statin|cillin|mycin|cycline|azole|prazole|sone|olone|dronate|parin|tidine|triptan|pam|lam|oxacin|vir|tinib|trexate|platin|rubicin|xaban|lukast|setron|phylline|profen|fenac|codone|dipine|gliptin|glitazone|amine|idine|azepine|barbital|toin|mide)|steroids?|corticosteroids?|antibiotics?|antiepileptic\w*|anticonvulsant\w*|analgesic\w*|antihistamine\w*|immunosuppress\w*|insulin|aspirin|ibuprofen|acetaminophen|interferon\w*|vitamins?|supplements?)\b",
    "monitoring": r"\b(monitor\w*|surveillance|screen(ed|ing)?|follow[- ]?up|check[- ]?ups?|regular (\w+ ){0,2}(exam|check|visit|evaluation|imaging|test|assessment)\w*|every \d+|annual(ly)?|periodic\w*)\b",
    "recovery": r"\b(recover\w*|revers\w*|irreversible|permanent\w*|go(es)? away|resolv\w*|disappear\w*|improv\w*|restor\w*|regain\w*|outgrow\w*|remission)\b",
    "similar conditions": r"\b(similar (symptoms|signs|features|conditions|disorders|diseases)|(symptoms|signs|features|conditions|disorders|diseases) similar|(other|distinct|related|different)(, (\w+ ){1,2}| (\w+ ){0,2})(disorders|conditions|diseases) (such as|including|like)|mimic\w*|resembl\w*|distinguish\w* (it |them |this |these )?(\w+ )?(from|between)|differential|confused with|mistaken for|(differs?|different) from|overlap\w*)\b",
    "blood test": r"\b(blood (tests?|work|samples?|levels?|counts?|analys\w*|screen\w*)|(in|of) the blood|serum|plasma)\b",
    "specialist": r"\b(specialists?|[a-z]+ologists?|(team|group) of (doctors|specialists|physicians)|multidisciplinary|referr(al|ed) to)\b",
    "support": r"\b(support groups?|patient (organi[sz]ations?|groups?|advocacy)|advocacy (groups?|organi[sz]ations?))\b",
}  # a foundation's name alone is a link in a resource list, no word about support  # fmt: skip
# A section's topic, for a question asking for a section the page lacks ("How is yellow nail
# syndrome treated?" on a page with no treatment section): a sentence of another section that
# names the topic itself stands in for it ("there is no cure ..., but there are therapies"). Keyed
# by section type; never read from a question, so no attribute cue has these names.
TOPIC_CUES: dict[str, str] = {
    "treatment": r"\b(treat(ed|ing|ment|ments|s)?|therap(y|ies)|cur(e|ed|able)|incurable|manag(ed|ement)|medications?|drugs?|supplements?|transplant\w*|surg(ery|ical)|(is|are) (often |usually |commonly |sometimes |also )?(used|given|prescribed|recommended))\b",
    "inheritance": r"\b(inherit\w*|autosomal|x-linked (dominant|recessive|inheritance|manner|pattern)|passed (down|on)|runs? in (the )?famil\w*|de novo|sporadic|new (mutation|variant)s?)\b",
    "causes": r"\b(caused by|cause of|causes? (is|are)|due to|result(s|ed)? from|mutations? in|triggered by)\b",
    "symptoms": r"\b(symptoms?|signs?|characterized by|features?|manifest\w*)\b",
    "exams and tests": r"\b(diagnos\w*|tests?|testing|biops\w*|imaging|examination|confirm\w*)\b",
}  # fmt: skip
# "Can X cause Y?", "is X linked to Y?": the relation and where its object Y starts. Y runs to the
# end of the clause. "cause" is the relation "causes"; the rest are "linked".
RELATION_CUES: tuple[tuple[str, str], ...] = (
    ("causes", r"(?<!\ba )(?<!\bthe )(?<!\bits )(?<!\bgenetic )(?<!\bunderlying )(?<!\bmain )\b(cause|causes|lead to|leads to|result in|results in|bring on|brings on|trigger|triggers|give (you|people|someone|me|him|her|them)|increase (my |the |his |her |their )?(risk|chances?) (of|for)|at risk (of|for|to develop)|as a result of|affect (my |the |his |her |their |a person's |an individual's )?|affects (the |a person's |an individual's )?)\s*"),
    ("linked", r"\b(linked (to|with)|links? (\w+ ){0,2}(to|with|between)|associated with|association (between|with)|(?<!information )related to|relationship (between|with|to)|connected (to|with)|connection (between|with|to)|anything to do with|correlat\w* (with|between)|a symptom of|part of|common in|occur together with)\s*"),
    # "the early signs of cancer of the vulva (with leukoplakia)": signs of another condition than
    # the page's, which a sentence must name whole; the page's own signs are its section
    ("signs of", r"\b((early|first|warning) )?(signs?|symptoms?) of\s*"),
    # "Are all people diagnosed with X intellectually delayed?", "Do people with X have heart
    # problems?": whether a feature comes with it; the object follows the disease's name
    ("linked", r"^(are|is|do|does|will|would) (all |most |many |some )?(of )?(the )?(people|patients|persons|individuals|children|kids|adults|babies|infants|men|women|those|everyone|anyone) (who (have|has|are diagnosed with|were diagnosed with)|diagnosed with|with|affected (by|with))\s+"),
)  # fmt: skip
# A drug named by its class or its ending: "-mab" antibodies, "-statin"s, and so on.
DRUG_CUE = (
    r"\b([a-z]+(mab|nib|pril|sartan|olol|statin|cillin|mycin|cycline|azole|prazole|sone|olone|dronate|parin|tidine|triptan|pam|lam|oxacin|vir|tinib|zumab|ximab|trexate|platin|rubicin|xaban|lukast|setron|phylline|profen|fenac|codone|dipine|gliptin|glitazone)"
    r"|steroids?|corticosteroids?|antibiotics?|chemotherapy|radiation|immunoglobulin|ivig|insulin|vitamin [a-z0-9]+|hormones?|growth hormone|aspirin|ibuprofen|acetaminophen|tylenol|botox|cannabis|marijuana|opioids?|antidepressants?|vaccines?|vaccinations?|transplant\w*|enzyme replacement|(special |ketogenic |gluten[- ]free |low[- ]\w+ )?diets?|dietary( (recommendations?|changes?|restrictions?|management|needs|supplements?))?|supplements?|foods?|(gene|physical|occupational|speech|growth hormone|hormone|laser|light|stem cell|mohs) (therapy|surgery|treatment)|mohs surgery)\b"
)  # fmt: skip
# "Can a pacemaker be put in?", "if surgery could be done", "is it safe to take melatonin?": a
# thing done or used, named before the verb or after "safe to"; a carrier names it.
USED_CUE = (
    r"\b(can|could|should|may|might|would|will) (a |an |the )?(?P<object>([\w-]+ ){0,2}[\w-]+) be "
    r"(put|placed|implanted|inserted|used|done|performed|given|taken|prescribed|tried|transplanted)\b"
    r"|\b(a |an |the )?(?P<subject>([\w-]+ ){0,2}[\w-]+) (can|could|should|may|might|would|will) be "
    r"(put|placed|implanted|inserted|used|done|performed|given|taken|prescribed|tried|transplanted)\b"
    r"|\bsafe (for \w+ )?to (take|use|have|get|receive|undergo) (a |an |the )?(?P<safe>([\w-]+ ){0,2}[\w-]+)"
)
# "Is this related to X?", "Could this indicate ...", "Can this medication help X?": the question
# is about something it calls "this", not about the disease it names ("this condition" is it).
REFERENT_CUE = (
    r"^(how |why |what |when )?(is|are|was|were|can|could|does|do|did|would|will|might|may|should|has|have)"
    r" (?P<ref>(this|that|these|those)( (?!(condition|disease|disorder|syndrome|illness)s?\b)[a-z]+)??)"
    r"(?= (a|an|the|related|linked|associated|connected|common|normal|indicate|mean|cause|caused|help|"
    r"successfully|happen|part|due|something|typical|usual|possible|treat|work|affect|be)\b)"
)
# "a malaria risk", "his cancer risk": the risk of a thing named before the word, not a risk
# described ("a greater risk", "the recurrence risk").
NOUN_RISK_CUE = (
    r"\b(?!(high|higher|low|lower|greater|increased|elevated|small|any|the|a|an|my|his|her|their|our|your|"
    r"what|which|this|that|recurrence|genetic|overall|lifetime|relative|absolute|same|real|serious|"
    r"potential|major|minor|at|of|no|some|more|less|much|such|its)\b)(?P<object>[a-z][a-z-]+( [a-z][a-z-]+)?) risks?\b"
)
# A question about the risk for one person or family ("would it pose a greater risk to me?",
# "an increased risk for his son?", "our chances of another child with it"): a page gives
# figures for everyone, and can't answer for one case. Both cues must be in the asking sentence.
OWN_CUE = r"\b(i|me|my|we|us|our|his|her|their|an individual|a couple|if you)\b"
RISK_CUE = (
    r"\b(risks?|chances?|likelihood|odds|likely)\b"
    r"|\b(will|would|could|can|might|may)\b[^?.!]{0,30}\b(get|inherit|develop|have)\s+(it|this|that)\b(?! back)"  # "Will I get it?", "could my son have it?"
    r"|\bpass (it|this|that) (on|down)\b"
)
# A question whether one person has the disease ("I wonder if she might have X", "Do you think
# my son has X?", "Could he still have X?"): a page describes the disease, and can't tell whether
# someone has it. The disease (or "it") must follow the verb: "could she have children" is no such ask.
OWN_CASE_CUE = (
    r"\b(i wonder if|wondering (if|whether)|do you think|is it possible( that)?|could|might|may|can|does|did)"
    r"\s+([\w']+\s+){0,2}?(she|he|i|my (son|daughter|child|baby|husband|wife|mother|father|sister|brother)"
    r"|our (son|daughter|child|baby))(\s+(might|may|could|also|still|possibly|really|actually|already))*"
    r"\s+(have|has|had|suffer from|be suffering from)\s+"
)
# Ways a page names a part of the body besides its plain word, as analyzed-word prefixes: a
# question on "lung conditions" is answered by "Abnormality of the bronchi", "Recurrent
# respiratory infections" and "pleural effusions". One group per part; the plain word first.
BODY_PART_WORDS: tuple[tuple[str, ...], ...] = (
    ("lung", "pulmon", "respirat", "bronch", "pleur", "pneum"),
    ("kidney", "renal", "nephr"),
    ("heart", "cardi"),
    ("liver", "hepat"),
    ("skin", "cutan", "dermat"),
    ("brain", "cerebr", "encephal"),
    ("eye", "ocular", "ophthalm", "vision", "visual"),
    ("bone", "skelet", "osteo"),
    ("stomach", "gastric"),
    ("bowel", "intestin", "colon", "colit"),
    ("joint", "arthr"),
    ("vessel", "vascular", "arteri", "vein"),
)
# What an everyday word for a body's function is called on a page, as analyzed-word prefixes,
# keyed by the question's analyzed word itself (never a prefix: "hear" is no "heart", "move" no
# "movement", as "eye movements" say nothing of moving about).
FUNCTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("move", ("mobil", "walk", "gait", "ataxi", "coordin", "paraly", "motor")),
    ("walk", ("mobil", "gait", "ataxi", "paraly", "wheelchair")),
    ("breath", ("respirat", "lung", "pulmon", "ventilat")),
    ("hear", ("deaf", "auditor")),
    ("speak", ("speech", "dysarthri", "talk")),
    ("talk", ("speech", "dysarthri", "speak")),
    ("swallow", ("dysphag", "feed")),
    ("learn", ("intellect", "cognit", "learn")),
    ("think", ("intellect", "cognit", "memor", "confus")),
)
# A number, in digits or words: what a sentence must hold to say how common a disease is; one
# that only calls it rare answers "how common?" from aside.
COUNT_SAID = (
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundreds?|thousands?|millions?|dozens?|percent)\b"
)
# A question asking how long people live, not whether it is serious ...
LIFESPAN_ASKED = r"\b(life ?expectancy|life ?span|how long (will|would|do|does|can|could|might) (\w+ ){0,4}(live|survive))\b"
# ... is answered directly by a sentence on lifespan or survival, not by one that only calls
# complications life-threatening.
LIFESPAN_SAID = (
    r"\b(life ?expectancy|life ?span|surviv\w*|live (into|to|beyond|a normal|normal|well)|normal li(fe|ves)|"
    r"prognosis|outlook|\d+ (years|months))\b|\b(die|dies|died|death)\b[^.;]{0,60}\b(infancy|childhood|"
    r"adolescence|adulthood|age|years?|months?|decades?|teens|twenties|thirties)\b"
)
# A treatment ask about diet in general, by its words (analyzed): "dietary recommendations",
# "certain foods", "diet changes", "a special diet"; and how a sentence on eating reads.
DIET_WORDS = frozenset(
    "diet dietari food nutrit nutrition eat recommend chang special guid plan restrict avoid certain "
    "healthi good best".split()
)
DIET_CARRIER = (  # advice on eating, not a word in passing ("the tube that carries food", "the Food and Drug ...")
    r"\b(avoid\w*|eliminat\w*|limit\w*|restrict\w*|recommend\w*|follow\w*|"
    r"low[- ]\w+|high[- ]\w+|special|balanced|healthy)\b[^.;:]{0,40}\b(diets?|foods?|drinks?|"
    r"beverages?|meals?|snack\w*|caffeine|alcohol|eating|intake)\b"
    r"|\b(diets?|dietary|nutrition(al)?) (changes?|modifications?|management|therapy|restrictions?|"
    r"supplements?|counsel\w*|advice|recommendations?)\b|\bdietitians?\b"
)
# A sentence that says no, or a limit, to what it names: "is not contagious", "there is no cure",
# "has not been associated", "cannot be", "rarely".
VERDICT_CUE = r"\b(not|no|never|cannot|can't|none|neither|nor|unlikely|rarely|only)\b"
YES_NO = r"^\s*(is|are|was|were|can|could|does|do|did|will|would|should|has|have|had|may|might|am)\b"
NO_ASK = r"\b(what (is|are|'s)|whats|tell me (about|more)|information (on|about)|explain|overview)\b"


# A sentence that can't be read without the one before it: it opens by pointing back.
NEEDS_PREVIOUS = (
    r"^\W*(((although|though|while|because|since|if|when|as|but|and|so|in) )?(this|these|those|such)|"
    r"however|therefore|thus|hence|in addition|additionally|furthermore|moreover|as a result)\b"
    r"|^[^.;:]{0,60}\b(these|those) (?!are\b|include\b|with\b|who\b)\w+"  # "... how these mutations ..."
    # an item of a classification the sentence before announces: "Two classifications of CRPS
    # have been recognized ... Type I (also known as ...), in which ..."
    r"|^\W*type (i{1,3}|iv|[1-4]|[a-d])\b[^.;:]{0,80}\b(in which|where|which)\b"
)

# A sentence that says only that something varies, which the next sentence spells out.
NEEDS_NEXT = r"\b(var(y|ies|iable)|differs?( (widely|greatly|a lot))?|depends? on (many|several|a number of) factors)\W*$"


@dataclass(frozen=True)
class AnswerPolicy:
    """Tunables of reading the ask and choosing sentences that carry it (answers/, issue 17).

    - attribute_cues / carrier_cues (regex per attribute): how an attribute is asked, and how a
      sentence that says something about it reads. General phrasing only, never a question of
      an evaluation file.
    - relation_cues (relation, regex): "X causes Y" / "X linked to Y"; the object Y follows.
    - used_cue (regex): a thing done or used ("can a pacemaker be put in?"), read as a drug ask.
    - referent_cue (regex): "is this related to X?": an ask about "this", which it doesn't name.
    - noun_risk_cue (regex): "a malaria risk": the object of a "causes" ask, before "risk".
    - verdict_cue (regex): a sentence stating a no or a limit, which a yes/no ask prefers.
    - own_cue, risk_cue (regex): an ask about the risk for one person or family, which a page
      can't answer; the reply says so and offers a specialist.
    - own_case_cue (regex): an ask whether one person has the disease, the disease named after it;
      the same.
    - defers_to_a_drug (attributes): general treatment asks a named treatment makes specific.
    - drug_cue (regex): a named drug, by a USAN stem ending (-mab, -statin, -trexate, ...) or a
      class of treatment (steroids, chemotherapy); a carrier names it.
    - diet_words (analyzed words) and diet_carrier (regex): a treatment ask about diet in general
      ("dietary recommendations", "foods to avoid", "diet changes") is carried by a sentence on
      eating ("eliminating food and drinks that trigger heartburn"); a named diet ("ketogenic
      diet") still needs its every word.
    - body_part_words (groups of analyzed-word prefixes): a part of the body named otherwise
      ("lung" by "pulmonary", "bronchi", "pleura"); a relation's object word in a group is
      carried by any word of its group.
    - count_said (regex, any case): a number, which a sentence must hold to answer "how common
      is it?" directly; one that only calls the disease rare touches it from aside.
    - lifespan_asked, lifespan_said (regex): a question on how long people live ("What is the
      life expectancy ...?") is answered directly only by a sentence on lifespan or survival; one
      that only calls complications life-threatening touches it from aside (Carried.direct).
    - function_words ((analyzed word, prefixes)): an everyday word for what the body does, and
      how pages name it ("move": ataxia, coordination, gait); a relation's object word that is
      one is carried by those, one way only.
    - min_target_share (share of the object's idf weight, 0.5..1): how much of Y a sentence
      must name to carry the relation ("abnormal amino acid": both "amino" and "acid" weigh most).
    - max_target_words (words, 3..10): the most words of Y read; Y is a noun phrase, not a story.
    - section_prior (score units, 0..2): how much a sentence of the section the question type
      prefers gains, times that preference (0..1).
    - position_prior (score units, 0..1): what being first in its passage adds, decaying with
      the sentence's place (1 / (1 + place)).
    - redundancy (Jaccard of terms, 0.5..0.9): a sentence this alike a chosen one is a repeat
      (pages repeat sections); MMR leaves it out.
    - max_sentences (sentences, 1..6): the most carrying sentences quoted.
    - needs_previous (regex, on a sentence's start): a carrier that points back ("This surgery
      ...", "However, ...", "Researchers are trying to find out how these mutations ...") is
      quoted with the sentence before it, which it needs for sense.
    - needs_next (regex, on a sentence's end): a carrier that only states its topic varies
      ("The prognosis for polymyositis varies.") is quoted with the sentence after it, which says
      how.
    - min_relative (share of the best sentence's score, 0..1): for a relation, a carrying
      sentence scoring less is left out (it names the object in passing).
    - verdict_prior (score units, 0..1): what a sentence stating a no or a limit ("is not
      contagious", "there is no cure") adds for a yes/no ask.
    - topic_cues (regex per section type): a sentence naming a section's topic, quoted in place
      of a section the page lacks.
    - lead_idf (nats, 4..8): a question's word this rare (idf; 5.0 is about 1 passage in 85),
      beside the disease's names, is its object even with no relation cue ("the chances of
      having X and panniculitis"); in place of a missing section, a sentence naming it is quoted.
    - lead_english (English word count, 500..5k): a question's rare word this common in English
      is an everyday word ("centers", "assessment"), not what it asks about (ask.lead_ask);
      participles ("-ed") never are.
    - hedge_idf (nats, 2..5): a question's word this rare that nothing read explains and no
      quoted sentence names (ask.leftover_terms) makes a section's quote a maybe: the reply says
      the page may not answer exactly, and offers a specialist.
    - same_name_ratio (rapidfuzz ratio, 85..97): a name the question used this alike the page's
      title is the title spelt otherwise ("Lederhose"/"Ledderhose"), not another name to tell.
    """

    attribute_cues: tuple[tuple[str, str], ...] = tuple(ATTRIBUTE_CUES.items())  # tuples: hashable
    carrier_cues: tuple[tuple[str, str], ...] = tuple(CARRIER_CUES.items())
    topic_cues: tuple[tuple[str, str], ...] = tuple(TOPIC_CUES.items())
    relation_cues: tuple[tuple[str, str], ...] = RELATION_CUES
    drug_cue: str = DRUG_CUE
    used_cue: str = USED_CUE
    referent_cue: str = REFERENT_CUE
    noun_risk_cue: str = NOUN_RISK_CUE
    verdict_cue: str = VERDICT_CUE
    diet_words: frozenset[str] = DIET_WORDS
    diet_carrier: str = DIET_CARRIER
    own_cue: str = OWN_CUE
    risk_cue: str = RISK_CUE
    own_case_cue: str = OWN_CASE_CUE
    # asks about treatment in general, which a treatment the question names makes specific
    # ("Can X be cured with enzyme replacement?" asks about enzyme replacement)
    defers_to_a_drug: tuple[str, ...] = ("cure", "medication")
    yes_no: str = YES_NO
    no_ask: str = NO_ASK
    body_part_words: tuple[tuple[str, ...], ...] = BODY_PART_WORDS
    count_said: str = COUNT_SAID
    lifespan_asked: str = LIFESPAN_ASKED
    lifespan_said: str = LIFESPAN_SAID
    function_words: tuple[tuple[str, tuple[str, ...]], ...] = FUNCTION_WORDS
    min_target_share: float = 0.6
    max_target_words: int = 6
    section_prior: float = 0.5
    position_prior: float = 0.3
    redundancy: float = 0.7
    max_sentences: int = 4
    needs_previous: str = NEEDS_PREVIOUS
    needs_next: str = NEEDS_NEXT
    same_name_ratio: float = 90.0
    min_relative: float = 0.5
    verdict_prior: float = 0.3
    lead_idf: float = 5.0
    lead_english: int = 1500
    hedge_idf: float = 3.0
