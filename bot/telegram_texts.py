"""The Telegram bot's own words, beyond the engine's (answers/messages.py).

Texts here are Telegram HTML written by us. Values put into them (names, questions, numbers)
go through `bot.render.fill`, which escapes them, so user text can never become markup.
"""

START = (
    "Hello! I'm <b>gardbot</b>. I answer questions about rare diseases by quoting pages of the "
    "NIH <b>Genetic and Rare Diseases Information Center (GARD)</b>, with a link to each page "
    "I quote. I don't write answers of my own, and I'm not a doctor.\n\n"
    "When my sources don't answer your question, I can pass it to a {role}, who replies here.\n\n"
    'Ask me, for example: <i>"What causes Tietze syndrome?"</i>\n\n'
    "Privacy: I keep your questions to answer them and to improve the bot; /privacy says what "
    "is stored, and /forget deletes it."
)
HELP = (
    "<b>How to use me</b>\n"
    "• Type a question about a rare disease, naming the condition.\n"
    '• <b>More</b> (or typing "more") shows further excerpts of the same page.\n'
    "• 👍 / 👎 tell us whether an answer helped.\n"
    "• <b>Ask a specialist</b>, or /ask followed by your question, sends it to a {role}.\n\n"
    "<b>Commands</b>\n"
    "/start – what this bot is\n"
    "/ask – send a question to a specialist\n"
    "/about – sources and licences\n"
    "/privacy – what is stored about you\n"
    "/forget – delete everything stored about you\n\n"
    "In a group, mention me (@{username}) or reply to one of my messages."
)
ABOUT = (
    "<b>Sources</b>\n"
    "• Answers quote pages of the Genetic and Rare Diseases Information Center (GARD) of the "
    'US National Institutes of Health: <a href="https://rarediseases.info.nih.gov/">'
    "rarediseases.info.nih.gov</a>. GARD content is provided by a US government agency; see "
    "GARD's website policies for terms of reuse.\n"
    "• The pages come from the MedQuAD collection (Ben Abacha &amp; Demner-Fushman, 2019), "
    'licensed <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>: '
    '<a href="https://github.com/abachaa/MedQuAD">github.com/abachaa/MedQuAD</a>.\n'
    "• Answers from specialists are written by GARD staff for your question.\n\n"
    "Pages may be out of date; each answer links to its page so you can check it. This is "
    "general information, not medical advice."
)
PRIVACY = (
    "<b>What I store</b>\n"
    "• Your questions and what I answered (to improve answers), and your 👍 / 👎.\n"
    "• The last topic of our chat, for follow-up questions (kept about {minutes} minutes).\n"
    "• Questions you send to a specialist, with your first name and the chat to reply to. "
    "Specialists see only your first name and the question.\n\n"
    "These are linked by your Telegram user id (a number). I don't store your phone number or "
    "username, and nothing is shared outside GARD.\n\n"
    "/forget deletes all of this at once. It cannot delete messages in this chat: Telegram "
    "keeps those until you delete them."
)
FORGOTTEN = (
    "Done: I deleted your questions, feedback and chat context, and removed your name and "
    "question from any ticket. Messages in this chat stay until you delete them in Telegram."
)

ASK_USAGE = (
    "Type /ask followed by your question, for example:\n"
    "<code>/ask Is there a support group for Tietze syndrome?</code>"
)
CONFIRM_ASK = (
    "I will send this to a {role}:\n\n"
    "<blockquote>{question}</blockquote>\n\n"
    "They will see your first name ({first_name}) and this question, nothing else, and "
    "answer here. Send it?\n\n"
    'If you prefer a web form, use <a href="{submission_url}">GARD\'s contact page</a>.'
)
TICKET_CREATED = (
    "Sent. Your question is number <b>#{n}</b>. A {role} will answer here; this can take a few "
    "working days.\n\n<blockquote>{question}</blockquote>"
)
ALREADY_SENT = "You already sent this question: it is number #{n}."
ASK_CANCELLED = "Not sent. You can ask me something else, or /ask a specialist at any time."
NOT_HELPFUL = "Sorry that didn't help. I can send your question to a {role}, who will reply here."
FEEDBACK_THANKS = "Thanks for your feedback."
BUTTON_EXPIRED = "This button has expired. Please ask your question again."

RATE_LIMITED = "You're sending messages faster than I can answer. Please wait a minute and try again."
TOO_LONG = (
    "That message is too long for me ({length} characters). Please ask in under {limit} "
    "characters, or use the web form: {submission_url}"
)
NOT_TEXT = "I can only read text. Please type your question."
EDITED = "I only read new messages, not edits. Please send your corrected message again as a new one."
ERROR = "Sorry, something went wrong on my side. Please try again in a moment."

# Buttons
BUTTON_MORE = "More ▸"
BUTTON_HELPFUL = "👍"
BUTTON_NOT_HELPFUL = "👎"
BUTTON_ASK = "Ask a specialist"
BUTTON_CONFIRM = "✅ Send"
BUTTON_CANCEL = "Cancel"

# What users receive from staff
STAFF_ANSWER = (
    "📬 <b>Answer to your question #{n}</b> from a {role}:\n\n{answer}\n\n"
    "<i>Your question:</i> {question}\n\n"
    "This is general information, not medical advice. Please talk to your doctor about your "
    "situation."
)

# --- staff side -------------------------------------------------------------------------------

STAFF_ONLY = "Sorry, that command is only for GARD staff."
TICKET = "📨 <b>Question #{n}</b> from {first_name}\n\n<blockquote>{question}</blockquote>"
TICKET_DISEASE = "Condition I detected: {disease}"
TICKET_CANDIDATES = "Best pages I found:"
TICKET_NO_CANDIDATES = "I found no page that matches."
TICKET_HOW = (
    "<i>Reply to this message to answer (your reply is sent as written), or use</i> "
    "<code>/answer {n} your text</code>. <code>/close {n}</code> <i>closes it without an "
    "answer.</i>"
)
ANSWER_QUEUED = (
    "✅ Answer to #{n} saved; sending it to {first_name}.\n\n"
    "<i>Publish it, and I give this answer to anyone who asks something similar (the asker's "
    "name is left out):</i> the button below, or <code>/publish {n}</code>."
)
BUTTON_PUBLISH = "📢 Publish"
NOT_ANSWERED_YET = "#{n} has no answer yet. Answer it first, then publish it."
PUBLISHED = (
    "📢 <b>#{n} is published.</b> Users asking something similar now get this answer, credited "
    "to a {role}:\n\n<i>Question:</i>\n<blockquote>{question}</blockquote>\n"
    "<i>Answer:</i>\n<blockquote>{answer}</blockquote>"
)
FILED_UNDER_PAGE = "Filed under the page on {page}."
FILED_UNDER_NAME = (
    "Filed under “{name}”: my sources have no page with that name, so questions naming it will "
    "find this answer."
)
FILED_UNDER_NOTHING = "Filed under no condition: questions worded like it will find it."
DEIDENTIFIED = (
    "I left out the asker's name and ids (shown as [name], [id]) and any greeting. Please check the wording."
)
PUBLISH_HOW = (
    "<code>/edit {n} question new wording</code> or <code>/edit {n} answer new wording</code> "
    "rewords it; <code>/publish {n} condition name</code> files it under another condition "
    "(<code>/publish {n} none</code>: under none); <code>/unpublish {n}</code> withdraws it."
)
EDIT_USAGE = (
    "Use: <code>/edit N question new wording</code> or <code>/edit N answer new wording</code> "
    "for a published answer."
)
EDIT_NOT_PUBLISHED = "#{n} is not published. Publish it first with <code>/publish {n}</code>."
TICKET_PUBLISHED = "📢 <b>Published</b> on {when}, under {disease}. <code>/unpublish {n}</code> withdraws it."
UNPUBLISHED = "#{n} is withdrawn: I no longer give this answer."
NOT_PUBLISHED = "#{n} is not published; nothing to withdraw."
ANSWER_USAGE = "Use: <code>/answer N your answer</code>, or reply to the question's message."
NUMBER_USAGE = "Use: <code>/{command} N</code> with a ticket number."
NO_TICKET = "There is no ticket #{n}."
NOT_A_TICKET = (
    "That message is not a question ticket. Reply to a ticket message, or use "
    "<code>/answer N your text</code>."
)
TICKET_FORGOTTEN = "The asker of #{n} asked us to delete their data; it can't be answered."
ALREADY_ANSWERED = "#{n} was already answered by {staff_name} on {when}; nothing was sent."
ALREADY_CLOSED = "#{n} is closed; nothing was sent."
CLOSED = "#{n} closed without an answer."
NO_PENDING = "No open questions. 🎉"
PENDING_HEADER = "<b>Open questions ({count})</b>"
UNDELIVERABLE = "⚠️ The answer to #{n} could not be delivered ({error}). The user may have blocked the bot."
