"""Questions about who gets a disease, and whether relatives will, read as inheritance; questions
that only mention children or getting something else do not."""

from __future__ import annotations

import re

import pytest

from retrieval import qtype
from retrieval.qtype import main_type, question_types


@pytest.mark.parametrize(
    "question",
    [
        # a relative who may get it (modal or chance ... kin ... get/have/be affected)
        pytest.param("Could my brother's kids get Marfan syndrome?", id="relative-could-get"),
        pytest.param("Will my sister's children be affected?", id="relative-be-affected"),
        pytest.param("What are the chances my other son has it?", id="chance-sibling-has-it"),
        pytest.param("Is it possible for my daughter to have it too?", id="possible-child-has-it"),
        pytest.param("If my husband has Tietz syndrome, will our baby have it?", id="parent-has-baby-have"),
        # passing it on
        pytest.param("Can I pass Marfan syndrome to my children?", id="pass-to-kin"),
        pytest.param("Is there a chance I'm passing it on?", id="passing-it-on"),
        # who can get it
        pytest.param("Who can get Huntington disease?", id="who-can-get"),
        pytest.param("Do girls get hemophilia too?", id="sex-gets-it"),
        pytest.param("Can men be carriers of Fabry disease?", id="sex-carriers"),
        pytest.param("Does Duchenne muscular dystrophy only affect boys?", id="affects-one-sex"),
        # a parent had it; from whom it comes
        pytest.param("My father had FOP, will I get it?", id="parent-had-will-i"),
        pytest.param("My mom has ALS. Will I get it?", id="will-i-get-it-alone"),
        pytest.param(
            "I was told I carry the gene for Tay-Sachs. What does that mean for my kids?", id="carrier-kids"
        ),
        pytest.param("Does it come from one of us parents?", id="come-from-parents"),
        pytest.param("Does Marfan syndrome skip generations?", id="skip-generation"),
    ],
)
def test_reads_as_inheritance(question):
    assert main_type(question_types(question)) == "inheritance"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # getting care, tests or better is not getting the condition
        pytest.param(
            "how do kids get diagnosed with Marfan syndrome", "exams and tests", id="kids-get-diagnosed"
        ),
        pytest.param("how do children get tested for it", "exams and tests", id="children-get-tested"),
        pytest.param("can my son have surgery for Marfan syndrome", "treatment", id="child-have-surgery"),
        pytest.param("My mother has it, can she get treatment?", "treatment", id="parent-get-treatment"),
        pytest.param("will my son get better?", "information", id="child-get-better"),
        pytest.param("will my baby have a normal life?", "information", id="baby-normal-life"),
        # "how" asks for the cause; children only say who is asked about
        pytest.param("how can kids get Marfan syndrome?", "causes", id="how-can-kids-get"),
        pytest.param("what causes Marfan syndrome", "causes", id="what-causes"),
        pytest.param("is Marfan syndrome treatable in children", "treatment", id="treatable-in-children"),
        pytest.param("what are the symptoms in children", "symptoms", id="symptoms-in-children"),
        pytest.param(
            "My daughter has Marfan syndrome, can it be treated?", "treatment", id="story-then-treatment"
        ),
        pytest.param("Who can diagnose Marfan syndrome?", "exams and tests", id="who-can-diagnose"),
        pytest.param("what are the chances of survival", "information", id="chances-no-kin"),
    ],
)
def test_does_not_read_as_inheritance(question, expected):
    assert main_type(question_types(question)) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # what the disease does to you is a symptom question, though it says "cause"
        pytest.param("Can Tietze syndrome cause chest pain?", "symptoms", id="can-x-cause-y"),
        pytest.param("Does Marfan syndrome give you headaches?", "symptoms", id="does-x-give-you-y"),
        pytest.param("Is hair loss part of alopecia areata?", "symptoms", id="is-y-part-of-x"),
        # ... but what causes the disease itself is still a causes question
        pytest.param("What causes Tietze syndrome?", "causes", id="what-causes-x"),
        pytest.param("Can stress cause Tietze syndrome?", "causes", id="can-y-cause-the-disease"),
        pytest.param("Could a virus cause it?", "causes", id="can-y-cause-it"),
        pytest.param("Can you tell me more about its cause?", "causes", id="its-cause-noun"),
        # who is likely to get it (Roberts et al.'s "susceptibility")
        pytest.param(
            "What is the probability of developing Huntington disease?",
            "inheritance",
            id="probability-of-developing",
        ),
        pytest.param(
            "Is my husband at increased risk for Fabry disease?", "inheritance", id="increased-risk"
        ),
        pytest.param(
            "Will future generations of our family have it?", "inheritance", id="future-generations"
        ),
        pytest.param("Is Alport syndrome dominant or recessive?", "inheritance", id="dominant-recessive"),
        pytest.param("Can Fabry disease be transmitted to a baby?", "inheritance", id="transmitted"),
        pytest.param("Does my mother carry the gene for it?", "inheritance", id="carries-the-gene"),
        pytest.param("If I have kids, will they be affected?", "inheritance", id="will-they-be-affected"),
        pytest.param("Is Tay-Sachs disease more common in some ethnic groups?", "inheritance", id="ethnic"),
        # what can be done about it
        pytest.param("Is Behcet's disease curable?", "treatment", id="curable"),
        pytest.param("Are there surgical options for Chiari malformation?", "treatment", id="surgical"),
        pytest.param("Is there a way to slow down Huntington disease?", "treatment", id="slow-down"),
        pytest.param("Are there foods people with PKU should avoid?", "treatment", id="foods-diet"),
        pytest.param(
            "How can I manage the symptoms of Tietze syndrome?", "treatment", id="manage-the-symptoms"
        ),
        pytest.param(
            "Is there anything that can be done for Sjogren syndrome?", "treatment", id="anything-be-done"
        ),
        pytest.param("Can a cleft palate be corrected?", "treatment", id="be-corrected"),
        pytest.param("How do I get rid of hiccups?", "treatment", id="get-rid-of"),
        # how it is told apart and found
        pytest.param("Should my sister get checked for it?", "exams and tests", id="get-checked"),
        pytest.param(
            "What is the difference between Tietz and Tietze syndrome?",
            "exams and tests",
            id="difference-between",
        ),
        pytest.param("Do you think my son has Marfan syndrome?", "exams and tests", id="think-my-son-has"),
        # "hereditary" as part of a name is no inheritance question; said of the disease, it is
        pytest.param(
            "Can hereditary hemorrhagic telangiectasia be treated?", "treatment", id="hereditary-in-a-name"
        ),
        pytest.param("Is mastocytosis hereditary or not?", "inheritance", id="is-it-hereditary-or-not"),
        pytest.param("Is this a hereditary disease?", "inheritance", id="a-hereditary-disease"),
        # help and information asked of the bot are no treatment or diagnosis question
        pytest.param(
            "Can you help me find information about Marfan syndrome?",
            "information",
            id="help-asked-of-the-bot",
        ),
        pytest.param("What helps with the pain of Tietze syndrome?", "treatment", id="what-helps"),
        pytest.param(
            "I would like to learn more about progressive supranuclear palsy.", "information", id="learn-more"
        ),
        pytest.param(  # "diagnosed with" says who they are, not how it is diagnosed
            "Are all of the people diagnosed with Alport syndrome deaf?",
            "information",
            id="people-diagnosed-with",
        ),
        pytest.param(
            "My son was diagnosed with Alport syndrome and I would like information on this condition.",
            "information",
            id="information-on-this-condition",
        ),
        # where it comes from
        pytest.param("Is there a link between Bell's palsy and the flu shot?", "causes", id="link-between"),
        pytest.param("Can the environment play a role in lupus?", "causes", id="environment"),
        pytest.param("How does it happen?", "causes", id="how-does-it-happen"),
        # follow-up care and drugs put to use are management; laboratory findings are tests
        pytest.param("How should patients with this syndrome be monitored?", "treatment", id="monitored"),
        pytest.param("Is kidney surveillance needed?", "treatment", id="surveillance"),
        pytest.param("Have you heard of mexiletine being used for it?", "treatment", id="being-used-for"),
        pytest.param(
            "What lab results would you expect during a crisis?", "exams and tests", id="lab-results"
        ),
    ],
)
def test_reads_the_question_type(question, expected):
    assert main_type(question_types(question)) == expected


@pytest.mark.parametrize(
    ("pattern", "hoisted"),
    [
        (r"\b(cause|causes)\b", True),  # a sequence opening with a word boundary
        (r"\btreat\w*|therapy", False),  # an alternation outside any group: "therapy" has none
        (r"\b(a|b)[|]c", True),  # "|" in a group or a class is no outer alternation
        (r"\b\(x|y\)", False),  # escaped parentheses open no group
        (r"(?<!how )\bwill\b", False),  # a lookbehind first: left as it is
    ],
)
def test_a_gate_shares_a_word_boundary_only_where_all_the_pattern_has_it(pattern, hoisted):
    """qtype._gates hoists "\\b" out of the cues that open with it, so the gate is tried only
    where a word starts; a pattern whose "\\b" holds for one branch only keeps it."""
    assert qtype._starts_at_a_word(pattern) is hoisted


def test_the_gates_find_a_cue_exactly_where_one_pass_over_all_cues_does():
    texts = ["can tietze syndrome cause chest pain?", "is it inherited", "how is it treated", "therapy?",
             "what tests diagnose it", "will my kids get it", "hello there", "symptoms of x", ""]  # fmt: skip
    for qtype_name, cues in qtype.CUES.items():
        one_pass = re.compile("|".join(f"(?:{p})" for p, _ in cues))
        for text in texts:
            assert bool(one_pass.search(text)) == any(g.search(text) for g in qtype.ANY_CUE[qtype_name])
