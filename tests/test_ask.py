"""The ask (retrieval/ask.py): what a question asks beyond a section, and which sentence carries
it. General phrasing, written here; none of these is a question of an evaluation file."""

from __future__ import annotations

import pytest

from retrieval.ask import (
    MENTIONS,
    Ask,
    asking_sentence,
    carries,
    lead_ask,
    leftover_terms,
    read_ask,
    states_verdict,
    topic_ask,
)


@pytest.mark.parametrize(
    ("question", "name", "attribute"),
    [
        ("Is Orlen syndrome contagious?", "Orlen syndrome", "contagious"),
        ("can my kids catch it from me?", "", "contagious"),
        ("Can Orlen syndrome be passed on through blood transfusions?", "Orlen syndrome", "contagious"),
        ("How does a person contract Orlen syndrome?", "Orlen syndrome", "contagious"),
        ("I am looking for recent information on Orlen syndrome.", "Orlen syndrome", "research"),
        ("Where are the treatment centers for Orlen syndrome?", "Orlen syndrome", "specialist"),
        ("Will my hearing come back with Orlen syndrome?", "Orlen syndrome", "recovery"),
        ("How long do people with Orlen syndrome live?", "Orlen syndrome", "life expectancy"),
        ("what's the lifespan with orlen syndrome", "orlen syndrome", "life expectancy"),
        ("Is Orlen syndrome fatal?", "Orlen syndrome", "life expectancy"),
        (
            "He was just diagnosed with Orlen syndrome and I want to know how long he has",
            "Orlen syndrome",
            "life expectancy",
        ),
        ("Do people with Orlen syndrome have shorter lives?", "Orlen syndrome", "life expectancy"),
        ("What specialist should my daughter see for Orlen syndrome?", "Orlen syndrome", "specialist"),
        (
            "How can I find a doctor who is knowledgeable about Orlen syndrome?",
            "Orlen syndrome",
            "specialist",
        ),
        ("Are there support groups for Orlen syndrome?", "Orlen syndrome", "support"),
        ("My daughter has Orlen syndrome. Will she ever walk again?", "Orlen syndrome", "recovery"),
        ("How can I find other families with kids with Orlen syndrome?", "Orlen syndrome", "support"),
        ("Can a woman with Orlen syndrome get pregnant?", "Orlen syndrome", "pregnancy"),
        ("Could my son with Orlen syndrome play soccer?", "Orlen syndrome", "sports"),
        ("Are there clinical trials for Orlen syndrome?", "Orlen syndrome", "research"),
        ("Is there a genetic test for Orlen syndrome?", "Orlen syndrome", "genetic test"),
        ("Which blood tests show Orlen syndrome?", "Orlen syndrome", "blood test"),
        ("Which tests show Orlen syndrome?", "Orlen syndrome", "test"),
        ("How common is Orlen syndrome?", "Orlen syndrome", "frequency"),
        ("Does methotrexate help Orlen syndrome?", "Orlen syndrome", "drug"),
        ("Is physical therapy of any use in Orlen syndrome?", "Orlen syndrome", "drug"),
        ("Can Orlen syndrome be diagnosed before birth?", "Orlen syndrome", "prenatal"),
        ("How many individuals in Ohio have Orlen syndrome?", "Orlen syndrome", "frequency"),
        ("Is Orlen syndrome a rare disease?", "Orlen syndrome", "frequency"),
        ("Are steroids used for Orlen syndrome?", "Orlen syndrome", "drug"),
        ("Are there any medical breakthroughs for Orlen syndrome?", "Orlen syndrome", "research"),
        ("Is Orlen syndrome serious?", "Orlen syndrome", "life expectancy"),  # its outlook
        ("How dangerous is Orlen syndrome?", "Orlen syndrome", "life expectancy"),
        ("Please provide me with supportive resources for Orlen syndrome.", "Orlen syndrome", "support"),
        ("Will Orlen syndrome go into remission?", "Orlen syndrome", "remission"),
        # "medication" inside the cue of an attribute listed before it: stopping it is asked
        ("Can she stop taking the medication for Orlen syndrome?", "Orlen syndrome", "remission"),
        ("Can people with Orlen syndrome ever be medication free?", "Orlen syndrome", "remission"),
        # one listed after the attribute whose cue holds it keeps the earlier one
        ("Could Orlen syndrome worsen during pregnancy?", "Orlen syndrome", "pregnancy"),
    ],
)
def test_reads_the_attribute(question, name, attribute):
    assert read_ask(question, [name]).attribute == attribute


@pytest.mark.parametrize(
    ("question", "relation", "target"),
    [
        ("Can Orlen syndrome cause hair loss?", "causes", "hair loss"),
        ("Does Orlen syndrome affect a child's ability to speak?", "causes", "ability to speak"),
        ("Is Orlen syndrome linked to kidney stones?", "linked", "kidney stones"),
        ("Is epilepsy related to Orlen syndrome?", "linked", "epilepsy"),  # the object comes first
        ("Is there an association between Orlen syndrome and glaucoma?", "linked", "glaucoma"),
        ("Would Orlen syndrome increase my risk for cataracts?", "causes", "cataracts"),
        ("Can Orlen ataxia affect the eyes?", "causes", "eyes"),  # "...a affect" is no "a" before a noun
        # whether a feature comes with it, asked of the people who have it
        (
            "Are all people diagnosed with Orlen syndrome intellectually delayed?",
            "linked",
            "intellectually delayed",
        ),
        ("Do people with Orlen syndrome have heart problems?", "linked", "heart problems"),
    ],
)
def test_reads_a_relation_and_its_object_without_the_disease(question, relation, target):
    ask = read_ask(question, ["Orlen syndrome", "Orlen ataxia"])
    assert (ask.relation, ask.target) == (relation, target)
    assert ask.specific and ask.yes_no  # each asks for a yes or a no


@pytest.mark.parametrize(
    "question",
    [
        "What is Orlen syndrome?",
        "Tell me about Orlen syndrome",
        "What causes Orlen syndrome?",  # the causes section, not a relation
        "What might cause Orlen syndrome?",
        "How is Orlen syndrome treated?",
        "Is Orlen syndrome inherited?",
        "Is Orlen syndrome related to Orlen disease?",  # only the disease's names: no object
        "What are the symptoms of Orlen syndrome?",  # its own signs: the symptoms section
        "What are the early signs of Orlen syndrome in adults?",
        "At what age do symptoms of the condition start in Orlen syndrome?",  # "the condition" is it
        "How do people get Orlen syndrome?",  # its causes, not catching it
        "Can muscle contractures in Orlen syndrome be treated?",  # no contracting it
    ],
)
def test_no_specific_ask(question):
    assert not read_ask(question, ["Orlen syndrome", "Orlen disease"]).specific


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("What are the early signs of skin cancer if my sister has Orlen syndrome?", "skin cancer"),
        ("What are the warning signs of heart failure in Orlen syndrome?", "heart failure"),
    ],
)
def test_the_signs_of_another_condition_are_an_ask(question, target):
    """The signs of a condition other than the page's ask about it: a sentence must name all of
    it, and a sentence that names one of its words ("cancer" alone) doesn't carry it."""
    ask = read_ask(question, ["Orlen syndrome"])
    assert (ask.relation, ask.target) == ("signs of", target)
    if target == "skin cancer":  # "cancer" weighs most, yet alone it names another cancer
        idf = {"skin": 1.0, "cancer": 5.0}
        assert carries(ask, "Skin cancer may develop in adults with Orlen syndrome.", idf)
        assert not carries(ask, "Early signs of cancer may not be apparent.", idf)
        assert not carries(ask, "The skin is dry.", idf)


def test_a_story_before_the_question_asks_nothing():
    """Only the asking sentence is read: what happened before it is no ask."""
    ask = read_ask(
        "My daughter was pregnant last year. What are the symptoms of Orlen syndrome?", ["Orlen syndrome"]
    )
    assert not ask.specific


def test_a_carrier_names_the_thing_not_a_neighbouring_topic():
    frequency = Ask(attribute="frequency")
    assert carries(frequency, "Orlen syndrome is very rare.", {})
    assert not carries(frequency, "Other signs and symptoms are rare.", {})  # rare signs, no rare disease
    contagious = Ask(attribute="contagious")
    assert carries(contagious, "Orlen syndrome is not contagious.", {})
    assert not carries(contagious, "Some cases follow an infection of the throat.", {})
    research = Ask(attribute="research")
    assert carries(research, "Researchers are studying a new drug for Orlen syndrome.", {})
    assert not carries(research, "Imaging studies such as an MRI scan show the lesions.", {})
    diet = read_ask("Does a special diet help with Orlen syndrome?", ["Orlen syndrome"])
    assert carries(diet, "A low-fat diet is recommended.", {}) and not carries(
        diet, "Special equipment helps.", {}
    )
    assert not carries(research, "Information on other studies is available as a summary abstract.", {})
    assert not carries(frequency, "It is estimated that 5 percent of people with it have no mutation.", {})
    assert carries(frequency, "It is estimated that about 1% of the population has Orlen syndrome.", {})
    assert carries(frequency, "Orlen syndrome affects 1 in 25,000 newborns.", {})
    assert not carries(frequency, "Each child has a 25% (1 in 4) risk to have the condition.", {})  # a risk
    assert not carries(frequency, "Seizures are common in people with Orlen syndrome.", {})  # a symptom
    life = Ask(attribute="life expectancy")
    assert not carries(life, "Many features develop with age.", {})  # the course is no outlook
    assert carries(life, "Most affected people have a normal life expectancy.", {})
    assert carries(life, "Death often results from respiratory failure within 2 to 10 years.", {})
    # a life's course is its outlook: what "how does it affect their lives when older?" asks
    assert carries(life, "Most people with Orlen syndrome need supervision throughout their lives.", {})
    assert carries(life, "It is considered a lifelong condition.", {})
    assert not carries(life, "Early and lifelong treatment with biotin may improve the symptoms.", {})
    specialist = Ask(attribute="specialist")
    assert carries(specialist, "You should see an ophthalmologist (eye specialist) every year.", {})
    assert not carries(specialist, "Orlen syndrome affects the eyes.", {})
    support = Ask(attribute="support")
    assert carries(support, "Support groups can help families cope.", {})
    assert not carries(support, "Foundation for Orlen Research - Diagnosis & Treatment GeneReviews", {})
    assert not carries(life, "Orlen syndrome affects the hair and nails.", {})


@pytest.mark.parametrize(
    ("question", "sentence", "carried"),
    [
        # a part of the body named otherwise (AnswerPolicy.body_part_words)
        ("What lung conditions are linked to Orlen syndrome?", "Abnormality of the bronchi", True),
        ("What lung conditions are linked to Orlen syndrome?", "Recurrent respiratory infections", True),
        ("Is Orlen syndrome linked to pulmonary problems?", "Some develop lung cysts.", True),
        ("Can Orlen syndrome cause kidney problems?", "Renal failure may occur.", True),
        ("Can Orlen syndrome cause heart problems?", "Cardiomyopathy is common.", True),
        # another part is no match, nor is the group's word inside an unrelated one
        ("Can Orlen syndrome cause kidney problems?", "Cardiomyopathy is common.", False),
        ("What lung conditions are linked to Orlen syndrome?", "Abnormality of the nails", False),
        # a function named otherwise (AnswerPolicy.function_words), one way only
        ("Does Orlen syndrome affect a person's ability to move?", "It causes ataxia.", True),
        ("Does Orlen syndrome affect a person's ability to move?", "Abnormal eye movements", False),
        ("Can Orlen syndrome affect hearing?", "Some children are deaf.", True),
        ("Can Orlen syndrome affect the heart?", "Some children are deaf.", False),
    ],
)
def test_a_part_or_function_of_the_body_is_carried_by_its_other_names(question, sentence, carried):
    ask = read_ask(question, ["Orlen syndrome"])
    assert ask.relation, ask
    assert carries(ask, sentence, {}) is carried


def test_a_relation_is_carried_by_enough_of_its_object_by_weight():
    ask = read_ask("Can Orlen syndrome cause abnormal amino acid levels?", ["Orlen syndrome"])
    idf = {"abnorm": 1.0, "amino": 6.0, "acid": 4.0, "level": 1.0}
    assert carries(ask, "Blood tests show high amino acid levels.", idf)
    assert not carries(ask, "Abnormal levels of sugar are found.", idf)


def test_an_object_is_carried_by_its_longer_forms_and_not_by_its_frame():
    """ "ability to form tumors": a sentence on tumorigenesis carries it; "ability" alone is only
    shown; a short stem ("move") is no prefix of another word ("movements" of the eyes)."""
    ask = read_ask("Does Orlen syndrome affect the ability to form tumors?", ["Orlen syndrome"])
    assert ask.target == "ability to form tumors" and "abil" not in ask.terms
    idf = {"form": 1.0, "tumor": 5.0}
    assert carries(ask, "Tumorigenesis is rare.", idf)
    assert not carries(ask, "Their ability to see is normal.", idf)
    move = read_ask("Does Orlen syndrome affect the ability to move?", ["Orlen syndrome"])
    assert not carries(move, "It causes abnormal eye movements.", {"move": 5.0})


def test_the_object_is_shown_as_typed_and_close_forms_carry_it():
    linked = read_ask("Is there a link between Orlen syndrome and Crohn's disease?", ["Orlen syndrome"])
    assert linked.target == "Crohn's"  # as typed, for the message that names it
    diet = read_ask("What are the dietary recommendations for Orlen syndrome?", ["Orlen syndrome"])
    assert diet.target == "dietary recommendations"
    assert carries(diet, "A low-salt diet may help.", {})  # "dietary" asked, "diet" on the page


@pytest.mark.parametrize(
    ("question", "attribute", "carrier", "neighbour"),
    [
        (
            "Can Orlen syndrome be cured?",
            "cure",
            "There is no cure for Orlen syndrome.",
            "Treatment aims to relieve the symptoms.",
        ),
        (
            "Are there medications for Orlen syndrome?",
            "medication",
            "Corticosteroids and other medications may ease the pain.",
            "A medical team follows the child.",  # "medical" is no medication
        ),
        (
            "How should people with Orlen syndrome be monitored?",
            "monitoring",
            "Regular eye exams are recommended every 2 years.",
            "The eyes are affected in childhood.",
        ),
        (
            "Once vision is lost in Orlen syndrome, can they get it back?",
            "recovery",
            "Vision may improve after surgery.",
            "Vision loss is common.",
        ),
        (  # diet in general: advice on eating carries it, food named in passing doesn't
            "What are the dietary recommendations for Orlen syndrome?",
            "drug",
            "Eliminating food and drinks that trigger heartburn may help.",
            "The esophagus carries food from the throat to the stomach.",
        ),
        (  # a named diet needs its every word
            "Is a ketogenic diet known to help in Orlen syndrome?",
            "drug",
            "A ketogenic diet reduced seizures in some children.",
            "Eliminating food and drinks that trigger heartburn may help.",
        ),
        (
            "What is the prognosis of Orlen syndrome?",
            "life expectancy",
            "The progression of hearing loss is generally slow and usually resolves after surgery.",
            "The rate of progression varies.",  # the course named, nothing said of it
        ),
        (
            "Which conditions have similar symptoms to Orlen syndrome?",
            "similar conditions",
            "Several disorders cause symptoms similar to those of Orlen syndrome.",
            "The rash is similar to a burn.",  # "similar to" in passing
        ),
        (
            "What is the name of the blood test for Orlen syndrome?",
            "blood test",
            "High levels of urate in the blood suggest it.",
            "Genetic testing of the ORL1 gene confirms it.",  # a test, but not of the blood
        ),
        (  # research: findings carry it, researchers named as a group don't
            "I am looking for recent information on Orlen syndrome.",
            "research",
            "Recent evidence suggests that ifosfamide may increase the effectiveness of treatment.",
            "A network of physicians and researchers who strive to improve care recommends surgery.",
        ),
        (  # the chance of passing it on: a figure carries it, the risk named without one doesn't;
            # "while pregnant" inside its clause is no pregnancy ask
            "What are the chances of passing Orlen syndrome on to a child while pregnant?",
            "passing it on",
            "Each child of an affected parent has a 50% (1 in 2) chance of inheriting the mutation.",
            "Prenatal testing is available for at-risk pregnancies.",
        ),
        (
            "What is the likelihood of having another child with Orlen syndrome?",
            "passing it on",
            "The recurrence risk is low, less than 1 percent.",
            "Genetic counseling can help families understand the risk of having another child.",
        ),
        (
            "Can people with Orlen syndrome eventually be medication free?",
            "remission",
            "Most people need lifelong treatment with corticosteroids.",
            "Corticosteroids may ease the pain.",  # a medication, not whether it can stop
        ),
    ],
)
def test_an_attribute_is_read_and_carried_in_its_own_words(question, attribute, carrier, neighbour):
    ask = read_ask(question, ["Orlen syndrome"])
    assert ask.attribute == attribute
    assert carries(ask, carrier, {}) and not carries(ask, neighbour, {})


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("I have Orlen syndrome and wonder if a pacemaker can be put in my heart.", "pacemaker"),
        ("Can surgery be done for Orlen syndrome?", "surgery"),
        ("Is it safe to take melatonin with Orlen syndrome?", "melatonin"),
    ],
)
def test_a_thing_asked_to_be_done_or_used_is_a_treatment_ask(question, target):
    """Not only a drug by its name: what the question asks may be put in, done or taken is what
    a sentence must name; the disease's own name is never it."""
    ask = read_ask(question, ["Orlen syndrome"])
    assert (ask.attribute, ask.target) == ("drug", target)
    assert not carries(ask, "Heart defects are treated as in other children.", {})


def test_the_asking_sentence_runs_past_an_abbreviation():
    """ "(i.e. for tumors)?" is the end of the question, not a sentence of its own."""
    question = "How should people with Orlen syndrome be monitored (i.e. for kidney tumors)?"
    assert asking_sentence(question).startswith("how should people")
    assert read_ask(question, ["Orlen syndrome"]).attribute == "monitoring"


def test_a_verdict_is_a_no_or_a_limit():
    assert states_verdict("Orlen syndrome is not contagious.")
    assert states_verdict("There is no cure.")
    assert not states_verdict("Treatment may include a cure by surgery.")


@pytest.mark.parametrize(
    ("question", "referent"),
    [
        ("Is this linked to Orlen syndrome?", "this"),
        ("Could this mean that my son has Orlen syndrome?", "this"),
        ("Is this a usual finding in adults with Orlen syndrome?", "this"),
        ("Can this drug help with Orlen syndrome?", "this drug"),
        ("Is this condition linked to Orlen syndrome?", ""),  # "this condition" is the disease
        ("Is Orlen syndrome linked to this?", ""),
        ("Is this linked to it?", ""),  # no disease named: "this" may be the chat's
    ],
)
def test_a_question_about_this_beside_the_disease_has_a_referent(question, referent):
    assert read_ask(question, ["Orlen syndrome"]).referent == referent


def test_a_named_treatment_makes_a_general_treatment_ask_specific():
    """ "Cured with enzyme replacement" asks about enzyme replacement, not any cure."""
    ask = read_ask("Can Orlen syndrome be cured with enzyme replacement?", ["Orlen syndrome"])
    assert (ask.attribute, ask.target) == ("drug", "enzyme replacement")
    assert read_ask("Can Orlen syndrome be cured?", ["Orlen syndrome"]).attribute == "cure"


def test_other_conditions_named_as_such_carry_similar_conditions():
    ask = Ask(attribute="similar conditions")
    assert carries(ask, "Its signs may also appear in other, distinct disorders such as Wilson disease.", {})
    assert not carries(ask, "Other features include seizures.", {})


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ("Does Orlen syndrome raise my cancer risk?", "cancer"),
        ("Would a stroke risk be higher with Orlen syndrome?", "stroke"),
        ("Does Orlen syndrome raise the heart disease risk?", "heart"),  # "disease" names nothing
        ("Is there a greater risk for Orlen syndrome in my family?", ""),  # a risk described, not of a thing
        ("What is the recurrence risk of Orlen syndrome?", ""),
    ],
)
def test_a_thing_named_before_risk_is_what_the_risk_is_of(question, target):
    assert read_ask(question, ["Orlen syndrome"]).target == target


@pytest.mark.parametrize(
    ("question", "own_risk"),
    [
        ("Does a father who develops ALS in his late forties have an increased risk for his son?", True),
        ("Would living in a malaria country pose a greater risk to me?", True),
        ("If a couple has a child with Krabbe disease, what is the likelihood of another?", True),
        ("What is the risk of passing Marfan syndrome to a child?", False),  # everyone's risk
        ("My son has Marfan syndrome. How is it treated?", False),  # his case, no risk asked
        ("My mom has ALS. Will I get it?", True),  # no word "risk": getting it, for me
        ("My husband has Marfan syndrome. Could our kids inherit it?", True),
        ("How do people get Marfan syndrome?", False),
        ("My brother has fragile X. Could my son have it too?", True),
        ("Can I have children if I have Orlen syndrome?", False),
        ("Once an individual with it loses vision, can they get it back?", False),  # recovery
        ("If you are diagnosed with Orlen syndrome, what are the chances of getting it again?", True),
    ],
)
def test_the_risk_for_one_person_or_family_is_read(question, own_risk):
    assert read_ask(question).own_risk is own_risk


@pytest.mark.parametrize(
    ("question", "own_case"),
    [
        ("I wonder if she might have Orlen syndrome.", True),
        ("Do you think my son has Orlen syndrome?", True),
        ("Could he still have Orlen syndrome?", True),
        ("My daughter was tested. Is it possible that she could also have it?", True),
        ("Is it possible that she could have children without Orlen syndrome?", False),  # children
        ("Does my mother have a higher chance of developing Orlen syndrome?", False),  # a risk
        ("How do people with Orlen syndrome have their diagnosis confirmed?", False),
        ("Can Orlen syndrome be treated?", False),
    ],
)
def test_whether_one_person_has_it_is_read(question, own_case):
    """Whether one person has the disease, named (or "it") right after the verb: a page can't
    tell (Ask.own_case); the reply says so first and offers a specialist."""
    assert read_ask(question, ["Orlen syndrome"]).own_case is own_case


def test_a_sections_topic_stands_in_for_it_with_the_questions_rare_words():
    """For a section the page lacks: its topic, and the rare words the question names besides
    the disease ("panniculitis"); a common word ("chances") is no object."""
    idf = {"chanc": 4.0, "pannicul": 6.4, "orlen": 8.0}
    ask = topic_ask(
        "inheritance",
        "What are the chances of having Orlen syndrome and panniculitis?",
        idf,
        ["Orlen syndrome"],
    )
    assert ask.attribute == "topic: inheritance" and ask.terms == ("pannicul",)
    assert carries(ask, "It is inherited in an autosomal dominant pattern.", idf)
    assert carries(ask, "Rarely, it causes a skin condition called panniculitis.", idf)
    assert not carries(ask, "The hair is sparse.", idf)
    assert not topic_ask("information", "What is Orlen syndrome?", idf).specific


def test_no_medication_eliminating_the_symptoms_carries_a_cure():
    ask = read_ask("Can Orlen syndrome be cured?", ["Orlen syndrome"])
    assert carries(ask, "No medication completely eliminates symptoms of Orlen syndrome.", {})


def test_distinguishing_carries_similar_conditions_only_from_another():
    ask = Ask(attribute="similar conditions")
    assert carries(ask, "Doctors distinguish it from psoriasis by a biopsy.", {})
    assert not carries(
        ask, "The HLA complex helps the immune system distinguish the body's own proteins.", {}
    )


def test_a_table_run_together_carries_no_sections_topic():
    """A symptom table names "Autosomal dominant inheritance" among its features; it is no
    sentence on inheritance to quote."""
    ask = topic_ask("inheritance", "Does Orlen syndrome run in families?", {})
    table = "- Abnormality of the abdomen - Autosomal dominant inheritance - Calcinosis - Telangiectasia"
    assert not carries(ask, table, {})
    assert carries(ask, "Orlen syndrome is inherited in an autosomal dominant manner.", {})


LEAD_IDF = {
    "mexiletin": 9.0,
    "pacemak": 7.0,
    "caucasian": 8.0,
    "center": 6.0,
    "locat": 6.0,
    "insert": 7.0,
    "forti": 8.0,
    "wilson": 7.0,
    "treatment": 1.0,
    "use": 0.5,
    "orlen": 9.0,
    "mopd": 9.0,
    "topic": 6.0,
}


@pytest.mark.parametrize(
    ("question", "target"),
    [
        # a rare word beside the disease's names is what a question with no cue asks about
        ("Have you heard about mexiletine being used for Orlen syndrome?", "mexiletine"),
        ("Has a pacemaker ever been placed in someone with Orlen syndrome?", "pacemaker"),
        # everyday words are rare on medical pages but no topic; nor is a participle
        ("I want to know the location of treatment centers for Orlen syndrome.", ""),
        ("How would it be inserted in a child with Orlen syndrome?", ""),
        # words typed with capitals are names or abbreviations, an age is no topic, and a word
        # the corpus never uses is left out (a misspelling, a person's name)
        ("My son Wilson has Orlen syndrome, what treatment is there?", ""),
        ("Does the M in MOPD stand for Orlen syndrome?", ""),
        ("Can a father in his forties pass on Orlen syndrome?", ""),
        ("Is Orlen syndrome treated with zyxoplatin?", ""),
        # the disease's own words are never the object
        ("Have you heard about Orlen syndrome?", ""),
    ],
)
def test_a_questions_rare_words_are_its_lead_when_no_cue_says(question, target):
    ask = lead_ask(question, LEAD_IDF, ["Orlen syndrome"])
    assert ask.target == target
    assert ask.relation == (MENTIONS if target else None)


HEDGE_IDF = {
    "gene": 1.0,
    "respons": 3.6,
    "locat": 3.9,
    "caucasian": 7.5,
    "men": 4.8,
    "treat": 1.0,
    "inform": 3.5,
    "provid": 3.5,
    "symptom": 1.0,
    "year": 4.0,
    "old": 4.0,
    "cycl": 5.3,
    "earlier": 6.3,
    "happen": 6.1,
}


@pytest.mark.parametrize(
    ("question", "left"),
    [
        # words nothing read explains
        ("Where is the gene responsible for Orlen syndrome located?", ["respons", "locat"]),
        ("Is Orlen syndrome found in Caucasian men?", ["caucasian", "men"]),
        # a section's cue to its word's end, an attribute's cue, and words of asking explain theirs
        ("How is Orlen syndrome treated?", []),
        ("Can you provide information on Orlen syndrome?", []),
        ("Does the menstrual cycle happen earlier in Orlen syndrome?", ["cycl", "happen", "earlier"]),
        ("What are the symptoms of Orlen syndrome in a 3 year old?", []),
    ],
)
def test_leftover_terms_are_what_nothing_read_explains(question, left):
    assert leftover_terms(question, ["Orlen syndrome"], HEDGE_IDF) == left
