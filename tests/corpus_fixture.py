"""A small MedQuAD-shaped corpus that tests write themselves (no shared data needed)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

PAGES = [
    {
        "id": "0003208",
        "url": "https://rarediseases.info.nih.gov/gard/7146/inflammatory-myofibroblastic-tumor",
        "focus": "Inflammatory myofibroblastic tumor",
        "synonyms": ["Inflammatory pseudotumor", "Inflammatory fibrosarcoma"],
        "sections": [
            ("information", "What is (are) Inflammatory myofibroblastic tumor ?",
             "An inflammatory myofibroblastic tumor (IMT) is an uncommon, presumably benign tumor made up of myofibroblastic spindle cells. It usually develops in children or young adults. Treatment involves surgical removal when possible."),
            ("causes", "What causes Inflammatory myofibroblastic tumor ?",
             "What causes inflammatory myofibroblastic tumors? The underlying cause of inflammatory myofibroblastic tumors (IMTs) remains unknown. Some cases have been linked to translocations involving the ALK gene."),
        ],
    },
    {
        "id": "0006123",
        "url": "https://rarediseases.info.nih.gov/gard/7777/tietze-syndrome",
        "focus": "Tietze syndrome",
        "synonyms": ["Costochondral junction syndrome"],
        "sections": [
            ("information", "What is (are) Tietze syndrome ?",
             "Tietze syndrome is a rare inflammatory condition characterized by chest pain and swelling of the cartilage of the upper ribs. The pain usually improves over weeks to months."),
            ("treatment", "What are the treatments for Tietze syndrome ?",
             "How might Tietze syndrome be treated? Treatment usually focuses on pain management. Rest, avoiding strenuous activity and pain relievers such as ibuprofen may help."),
        ],
    },
    {
        "id": "0006124",
        "url": "https://rarediseases.info.nih.gov/gard/7778/tietz-syndrome",
        "focus": "Tietz syndrome",
        "synonyms": ["Albinism-deafness of Tietz"],
        "sections": [
            ("information", "What is (are) Tietz syndrome ?",
             "Tietz syndrome is a genetic disorder characterized by profound hearing loss from birth, fair skin and light-colored hair. It is caused by mutations in the MITF gene."),
            ("inheritance", "Is Tietz syndrome inherited ?",
             "Tietz syndrome is inherited in an autosomal dominant pattern, which means one copy of the altered gene in each cell is sufficient to cause the disorder."),
        ],
    },
    {
        "id": "0004451",
        "url": "https://rarediseases.info.nih.gov/gard/4451/usher-syndrome-type-1",
        "focus": "Usher syndrome type 1",
        "synonyms": ["USH1"],
        "sections": [
            ("symptoms", "What are the signs and symptoms of Usher syndrome type 1 ?",
             "People with Usher syndrome type 1 are born with profound hearing loss and have problems with balance. Vision loss caused by retinitis pigmentosa begins in childhood."),
        ],
    },
    {
        "id": "0004452",
        "url": "https://rarediseases.info.nih.gov/gard/4452/usher-syndrome-type-2",
        "focus": "Usher syndrome type 2",
        "synonyms": ["USH2"],
        "sections": [
            ("symptoms", "What are the signs and symptoms of Usher syndrome type 2 ?",
             "People with Usher syndrome type 2 are born with moderate to severe hearing loss and normal balance. Vision loss begins in adolescence."),
        ],
    },
    {
        "id": "0000999",
        "url": "https://rarediseases.info.nih.gov/gard/999/fibrodysplasia-ossificans-progressiva",
        "focus": "Fibrodysplasia ossificans progressiva",
        "synonyms": ["Myositis ossificans progressiva"],
        "sections": [
            ("symptoms", "What are the signs and symptoms of Fibrodysplasia ossificans progressiva ?",
             "Fibrodysplasia ossificans progressiva (FOP) is a disorder in which muscle tissue and connective tissue are gradually replaced by bone. People with FOP are born with malformed big toes. Episodes of painful swelling called flare-ups often lead to new bone growth."),
            ("inheritance", "Is Fibrodysplasia ossificans progressiva inherited ?",
             "Most cases of FOP result from a new mutation in the ACVR1 gene and occur in people with no history of the disorder in their family. When inherited, FOP follows an autosomal dominant pattern."),
            ("treatment", "What are the treatments for Fibrodysplasia ossificans progressiva ?",
             ""),
        ],
    },
]  # fmt: skip


# The same diseases' pages in another NIH collection of MedQuAD (retrieval/siblings.py): NINDS's
# page on Tietze syndrome has the outlook GARD's lacks, and its page on FOP the treatment section
# GARD's has empty; a page under one synonym of GARD's Tietze page (one shared name) is no page on
# it, though it would be tried first and says something of the kind asked.
SIBLING_PAGES = [
    {
        "id": "0000501",
        "url": "https://www.ninds.nih.gov/disorders/tietze",
        "focus": "Tietze Syndrome",
        "synonyms": [],
        "sections": [
            ("information", "What is (are) Tietze Syndrome ?",
             "Tietze syndrome is an inflammation of the cartilage that joins the upper ribs to the breastbone."),
            ("outlook", "What is the outlook for Tietze Syndrome ?",
             "The prognosis for Tietze syndrome varies. Most people recover fully within a few months, while some have pain that comes back."),
            ("research", "what research (or clinical trials) is being done for Tietze Syndrome ?",
             "Researchers are studying how the cartilage of the chest heals after inflammation."),
        ],
    },
    {
        "id": "0000500",
        "url": "https://ghr.nlm.nih.gov/condition/costochondral-junction-syndrome",
        "focus": "Costochondral junction syndrome",
        "synonyms": ["Rib cartilage syndrome"],
        "sections": [
            ("information", "What is (are) costochondral junction syndrome ?",
             "The life expectancy of people with costochondral junction syndrome is short."),
        ],
    },
    {
        "id": "0000503",
        "url": "https://www.ninds.nih.gov/disorders/fop",
        "focus": "Fibrodysplasia Ossificans Progressiva",
        "synonyms": [],
        "sections": [
            ("treatment", "What are the treatments for Fibrodysplasia Ossificans Progressiva ?",
             "There is no cure for FOP. Short courses of steroids may ease the swelling of a flare-up."),
        ],
    },
]  # fmt: skip


def page_xml(page: dict, source: str = "GARD") -> str:
    synonyms = "".join(f"<Synonym>{escape(s)}</Synonym>" for s in page["synonyms"])
    pairs = "".join(
        f'<QAPair pid="{i}"><Question qid="{page["id"]}-{i}" qtype="{qtype}">{escape(q)}</Question>'
        f"<Answer>{escape(a)}</Answer></QAPair>"
        for i, (qtype, q, a) in enumerate(page["sections"], 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document id="{page["id"]}" source="{source}" url="{page["url"]}">'
        f"<Focus>{escape(page['focus'])}</Focus><FocusAnnotations><Synonyms>{synonyms}</Synonyms>"
        f"</FocusAnnotations><QAPairs>{pairs}</QAPairs></Document>"
    )


def write_corpus(
    root: Path, pages: list[dict] | None = None, collection: str = "2_GARD_QA", source: str = "GARD"
) -> Path:
    """Write the pages as MedQuAD XML under root/collection; returns root."""
    folder = root / collection
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages or PAGES:
        (folder / f"{page['id']}.xml").write_text(page_xml(page, source), encoding="utf-8")
    return root


def write_sibling_corpus(root: Path) -> Path:
    """The small corpus with a second collection beside GARD's: NINDS's pages (SIBLING_PAGES)."""
    write_corpus(root)
    return write_corpus(root, SIBLING_PAGES, collection="6_NINDS_QA", source="NINDS")


ORGANS = "skin bone heart lung liver kidney blood brain nerve muscle eye ear gut".split()
SECTION_TEXT = {
    "causes": "A change in one gene damages the {organ} over years.",
    "treatment": "Doctors treat the {organ} problems with surgery and medicine.",
}


def named_page(doc_id: str, title: str, synonyms: tuple[str, ...] = (), section: str = "treatment") -> dict:
    """A page that is mostly its names: an overview and one section, worded apart per page (a
    sentence every page shares would be boilerplate, which is never quoted)."""
    organ = ORGANS[int(doc_id) % len(ORGANS)]
    return {
        "id": doc_id,
        "url": f"https://rarediseases.info.nih.gov/gard/{int(doc_id)}/x",
        "focus": title,
        "synonyms": list(synonyms),
        "sections": [
            ("information", f"What is {title} ?", f"{title} mostly affects the {organ} of young adults."),
            (section, f"What about {section} of {title} ?", SECTION_TEXT[section].format(organ=organ)),
        ],
    }


def corpus_searcher(tmp_path_factory, pages: list[dict], name: str):
    """A Searcher on a small corpus of `pages`, built in the session's temporary folders (for a
    module-scoped fixture: `return corpus_searcher(tmp_path_factory, PAGES, "head")`)."""
    from retrieval.build import CorpusSelection, open_index
    from retrieval.search import Searcher

    root = write_corpus(tmp_path_factory.mktemp(f"{name}-corpus"), pages)
    return Searcher(
        open_index(CorpusSelection(root), tmp_path_factory.mktemp(f"{name}-index"), progress=False)
    )
