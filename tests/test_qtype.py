"""Questions about who gets a disease, and whether relatives will, read as inheritance; questions
that only mention children or getting something else do not."""

from __future__ import annotations

import pytest

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
    ],
)
def test_reads_the_question_type(question, expected):
    assert main_type(question_types(question)) == expected
