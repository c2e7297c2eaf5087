start-greeting = { $young ->
    [yes] Hi, { $name }! I am <b>Nastavnik</b>, the bot of your school's mentoring programme.
   *[other] Hello, { $name }! I am <b>Nastavnik</b>, the bot of your school's mentoring programme.
}
help-common =
    <b>What I can do</b>
    /start — main menu
    /mydata — my data and consent
    /language — the bot's language (Russian or English)
    /cancel — leave the current action
    /help — this help
help-admin =
    <b>Administrator</b>
    /organisations — municipalities and schools, invitations for coordinators and curators
    /report — files: the bases of mentors and mentees, the meetings log, questionnaire results
help-coordinator = <b>Coordinator</b>: the summary of your municipality's schools is in the main menu (/start). Files across the schools — /report.
help-curator =
    <b>Curator</b>
    /programmes — the school's programmes, invitations, list upload
    /participants — participants and their consents, paper consents
    /pairs — pairs and groups: suggested mentors, the order, the programme's stage
    /plan — the pairs' development plans
    /meeting — log a pair's meeting from a paper diary, fix a record
    /surveys — questionnaires: entry and exit waves, the pulse, results and the comparison
    /report — files: the bases of mentors and mentees, the meetings log, questionnaire results
help-mentor = <b>Mentor</b>: I will write when the curator forms your pair; your pair is under «🤝 My pair» in the menu, the development plan — /plan, meetings — /meeting (log one in three taps, plan the next). Your data and consent — /mydata. Questionnaires — /survey.
help-mentee = { $young ->
    [yes] <b>Mentee</b>: I will write when the curator finds you a mentor; your pair is under «🤝 My pair» in the menu, your plan — /plan, meetings — /meeting. Your data and consent — /mydata. Questionnaires — /survey.
   *[other] <b>Mentee</b>: I will write when the curator finds you a mentor; your pair is under «🤝 My pair» in the menu, the development plan — /plan, meetings — /meeting. Your data and consent — /mydata. Questionnaires — /survey.
}
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
notice-btn-meeting-held = 📝 Log the meeting
notice-btn-meeting-ask = ✅ Answer about the meeting
notice-btn-survey = 📝 Start the questionnaire
notice-btn-pair = 🤝 Open «My pair»
notice-btn-pair-curator = 🤝 Open the pair
notice-btn-choice = 🗳 Choose a mentor
notice-btn-meeting-planned = 🗓 Plans
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
hint-language = Choose the language with a button below the message: “Русский” or “English”.
help-guardian = <b>Parent</b>: /mydata → “👪 Consent for my child” — see or withdraw the consent for your child.
start-role-admin = 🛠 You are an administrator: create municipalities and schools and invite coordinators and curators — /organisations.
start-role-coordinator = 🏛 You are a coordinator: the menu below shows a summary of your municipality's schools.
start-role-curator = 📋 You are a curator: create programmes, invite mentors and mentees by link or by a list and keep track of consents — /programmes and /participants.
start-role-mentor = 🤝 You are a mentor: the programme's curator will form the pairs — I will write when you have a mentee.
start-role-mentee = { $young ->
    [yes] 🙋 You are in the programme: the curator will find you a mentor — I will write when they do.
   *[other] 🙋 You are in the programme: the curator will find you a mentor — I will write when they do.
}
start-role-guardian = 👪 You confirmed consent for your child: you can see or withdraw it with the “👪 Consent for my child” button in the menu.
start-pending = ✍️ Your registration is not finished — continue it with the button in the menu.
start-no-role = To join a programme, open the invitation link from your school's curator.
button-to-menu = ◀️ To the menu
# A staff command from someone without the role. $command is the command, $roles the roles.
command-not-yours = /{ $command } is a command for: { $roles }. What you can do is in the menu below.
role-admin = Administrator
