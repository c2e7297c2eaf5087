start-greeting =
    Hello, { $name }! I am <b>Nastavnik</b>, the bot of your school's mentoring programme.

    I help mentors and mentees agree on meetings and log them, answer questionnaires at the start and the end of the programme, and help curators see how things go and prepare reports without Word and Excel.

    To join a programme, open the invitation link from your school's curator.
help-common =
    <b>What I can do</b>
    /start — main menu
    /language — the bot's language (Russian or English)
    /cancel — leave the current action
    /help — this help
help-admin = <b>Administrator</b>: creates municipalities and schools and invites coordinators and curators.
help-coordinator = <b>Coordinator</b>: sees the summary of the schools in their municipality.
help-curator = <b>Curator</b>: creates programmes, invites participants, uploads lists and marks paper consents.
help-mentor = <b>Mentor</b>: holds meetings with mentees and keeps the development plan.
help-mentee = <b>Mentee</b>: answers questionnaires and confirms meetings.
cancelled = OK, the action is cancelled.
menu-title = <b>Main menu</b>
menu-no-role = You are not in any programme yet. Ask your school's curator for an invitation link.
menu-language = 🌐 Language
language-choose = Choose the language:
language-name-ru = Русский
language-name-en = English
language-saved = Language saved
button-back = ◀️ Back
hint-use-buttons = Please choose an option with a button under the message.
fallback-not-understood = I did not understand that message. Here is the main menu:
stale-button = This button is out of date. Opening the main menu.
error-unexpected = Something went wrong. Please try again a little later — your data is not lost.
error-generic = This action is not available right now.
error-access-denied = You do not have access to this action.
error-not-found = I could not find this item: perhaps it was deleted.
error-invalid-input = Please check what you entered.
command-start = Main menu
command-help = Help
command-language = Bot language
command-cancel = Cancel the current action
command-organisations = Organisations (administrator)
command-programmes = School programmes
command-participants = Participants and consents
error-unknown-command = There is no such command here — the list of commands: /help. You can go on from the same place on this screen.
