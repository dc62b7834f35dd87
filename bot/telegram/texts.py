"""The Telegram bot's own words, beyond the engine's (answers/messages.py).

Texts here are Telegram HTML written by us. Values put into them (names, questions, numbers)
go through `bot.telegram.render.fill`, which escapes them, so user text can never become markup.
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
    "<b>What I store, and for how long</b>\n"
    "• The last topic of our chat, for follow-up questions: about {conversations}.\n"
    "• What the buttons under my replies need (your question): {buttons}.\n"
    "• Your questions and what I answered, to improve answers: {questions}. After that only "
    "daily counts are kept, with no words.\n"
    "• Your 👍 / 👎 and the question it was about: {feedback}.\n"
    "• Copies of the messages I sent, to retry them if Telegram fails: {sent}. Of a message in the "
    "specialists' chat about your question, only its number is kept after that, so /forget can "
    "withdraw it.\n"
    "• When you last wrote, for the rate limit: {rate}.\n"
    "• A question you send to a specialist, with your Telegram name and username, until you "
    "use /forget. Specialists see your first name and the question; the rest of your name is "
    "kept only to leave it out of a published answer.\n\n"
    "These are linked by your Telegram user id (a number). I don't store your phone number, and "
    "nothing is shared outside GARD.\n\n"
    "<b>Published answers.</b> Staff may publish their answer to your question for others who "
    "ask the same. It is reworded first so that it identifies nobody (names, places, dates, "
    "ages and contact details are left out), and staff check it before it goes live. /forget "
    "withdraws it: it is deleted and no longer given to anyone.\n\n"
    "/forget deletes all of this at once and replaces the staff chat's copies of your questions "
    "with “[withdrawn by the asker]”. It cannot delete messages in this chat: Telegram keeps "
    "those until you delete them."
)
FORGOTTEN = (
    "Done: I deleted your questions, feedback and chat context, removed your name and question "
    "from any ticket, replaced the staff chat's copies with “[withdrawn by the asker]”, and "
    "withdrew any answer published from your question. Messages in this chat stay until you "
    "delete them in Telegram."
)
WITHDRAWN = "[withdrawn by the asker]"

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
TOO_MANY_OPEN = (
    "You already have {count} questions waiting for a {role}, so I did not send this one. Please "
    "wait for their answers first; if it is urgent, use GARD's contact page: {submission_url}"
)
HELD_BACK = (
    "✋ {count} more {questions} from {first_name} {were} held back: they already have "
    "{open} open ({numbers}). They were asked to wait for those answers."
)
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
TICKET_ASK = "Asks: {ask}"
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
    "<i>Publish it, and I give this answer to anyone who asks something similar. The button "
    "below, or</i> <code>/publish {n}</code><i>, first shows you the exact wording, with "
    "anything that identifies a person left out; it goes live only when you confirm.</i>"
)
BUTTON_PUBLISH = "📢 Publish"
BUTTON_CONFIRM_PUBLISH = "✅ Publish this"
NOT_ANSWERED_YET = "#{n} has no answer yet. Answer it first, then publish it."
PREVIEW = (
    "👀 <b>Preview of #{n}: not published yet.</b> Users asking something similar would get "
    "this answer, credited to a {role}:\n\n<i>Question:</i>\n<blockquote>{question}</blockquote>\n"
    "<i>Answer:</i>\n<blockquote>{answer}</blockquote>"
)
PREVIEW_HOW = (
    "Press <b>✅ Publish this</b> or send <code>/publish {n}</code> to make it live. "
    "<code>/edit {n} question new wording</code> or <code>/edit {n} answer new wording</code> "
    "rewords it first; <code>/publish {n} condition name</code> files it under another condition "
    "(<code>/publish {n} none</code>: under none)."
)
NO_PREVIEW = (
    "There is no preview of #{n} to confirm. Press 📢 Publish or send <code>/publish {n}</code> first."
)
TOPIC_OFFERED = (
    "The question seems to be about “{topic}”, which my sources have no page on. To file the "
    "answer under that name, so questions naming it find it, send <code>/publish {n} {topic}</code>."
)
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
DEIDENTIFIED = "I left out what could identify someone ({removed}). Please check the wording."
REMOVED_KINDS = {
    "name": ("a name", "names"),
    "place": ("a place", "places"),
    "date": ("a date", "dates"),
    "age": ("an age", "ages"),
    "email": ("an e-mail address", "e-mail addresses"),
    "phone": ("a phone number", "phone numbers"),
    "link": ("a link", "links"),
    "number": ("a number", "numbers"),
    "id": ("an id", "ids"),
}
PUBLISH_HOW = (
    "<code>/edit {n} question new wording</code> or <code>/edit {n} answer new wording</code> "
    "rewords it; <code>/publish {n} condition name</code> previews it under another condition "
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
LATE_TICKETS = (
    "⚠️ {count} {questions} could not be delivered to this chat earlier: {numbers}. They were "
    "sent again just now, above."
)
TICKET_NOT_DELIVERED = (
    "Your question #{n} has not reached a {role} yet: I could not deliver it to them. It is kept "
    "and sent as soon as I can. If it is urgent, please use GARD's contact page: {submission_url}"
)
UNDELIVERABLE = "⚠️ The answer to #{n} could not be delivered ({error}). The user may have blocked the bot."
