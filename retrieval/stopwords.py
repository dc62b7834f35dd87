"""English stop words, shipped in code because NLTK's word lists are a download.

The usual function words only: numbers and single letters stay out of this list where they name
disease types ("type 1", "hepatitis b"), and words that carry medical meaning stay in the text.
"""

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are aren arent as at be because been
    before being below between both but by can cannot could couldn did didn didnt do does doesn
    doesnt doing don dont down during each few for from further had hadn hadnt has hasn hasnt have
    haven havent having he hed hell hes her here heres hers herself him himself his how hows i id
    ill im ive if in into is isn isnt it its itself just let lets ll me more most mustn my myself
    no nor not now of off on once only or other ought our ours ourselves out over own re s same
    shan she shed shell shes should shouldn so some such t than that thats the their theirs them
    themselves then there theres these they theyd theyll theyre theyve this those through to too
    under until up us ve very was wasn wasnt we wed well were weren werent weve what whats when
    whens where wheres which while who whos whom why whys will with won wont would wouldn wouldnt
    you youd youll youre youve your yours yourself yourselves also may might must shall would
    please hi hello hey thanks thank tell know want get got really anyone something anything
    """.split()
)
