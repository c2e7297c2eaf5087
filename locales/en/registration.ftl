role-curator = Curator
role-coordinator = Coordinator
registration-welcome = { $young ->
    [yes]
        <b>Hi!</b>
        You were invited to the mentoring programme of <b>{ $school }</b> as <b>{ $role_name }</b>.

        I will ask a few short questions, it takes a couple of minutes. You can switch the bot's language with the buttons below.
   *[other]
        <b>Welcome!</b>
        You were invited to <b>{ $school }</b> as <b>{ $role_name }</b>.

        Registration takes a couple of minutes. You can switch the bot's language with the buttons below.
}
registration-welcome-programme = Programme: <b>{ $programme }</b>
button-continue = Continue ▶️
button-next = Next ▶️
button-save = ✅ Save
answer-yes = yes
answer-no = no
answer-minor-yes = I am under 18
answer-minor-no = I am 18 or older
registration-ask-age = { $young ->
    [yes] First, tell me: are you 18 or older? If not, that's fine — a parent just needs to confirm that you may take part.
   *[other] Are you 18 or older? If not, a parent must confirm the consent — I will give you a link for them.
}
registration-ask-full-name = { $young ->
    [yes] Write your surname and first name, for example: <i>Ivanova Maria</i>.
   *[other] Write your surname, first name and patronymic (if any), for example: <i>Ivanova Maria Petrovna</i>.
}
registration-ask-class = Which class are you in? For example: <i>7B</i> or <i>10</i>.
registration-ask-subject = Which subject do you teach? (up to 100 characters)
registration-ask-years = How many years have you worked as a teacher? Write a number, for example <i>2</i>.
registration-ask-category = { $young ->
    [yes] What describes you best? Choose one.
   *[other] What describes you best? Choose one.
}
registration-ask-wishes = { $young ->
    [yes] Tell me in your own words what you would like help with or what you want to learn (up to 500 characters).
   *[other] What would you like your mentor's help with? In your own words (up to 500 characters).
}
registration-ask-competences = { $young ->
    [yes] What are you good at and can help with? For example: maths, chess, settling in at a new school (up to 500 characters).
   *[other] What are you good at and can help with? (up to 500 characters)
}
registration-ask-interests = { $young ->
    [yes] Your favourite subjects and hobbies (up to 500 characters).
   *[other] Your subject or interests (up to 500 characters).
}
registration-ask-ages = { $young ->
    [yes] Which age would you like to help? Tick one or more and press "Next".
   *[other] Mentees of which age suit you? Tick one or more and press "Next".
}
registration-ask-times = { $young ->
    [yes] When is it convenient for you to meet? Tick the options and press "Next".
   *[other] When is it convenient for you to meet? Tick the options and press "Next".
}
registration-ask-capacity = How many mentees can you take at once? Usually 3. The curator can change it later.
registration-ask-workplace = Where do you work? (organisation and position, up to 100 characters)
registration-confirm = { $young ->
    [yes] <b>Check that everything is right:</b>
   *[other] <b>Please check that everything is right:</b>
}
registration-done = { $young ->
    [yes] Done! You are registered as { $role_name }.
   *[other] Done! You are registered as { $role_name }.
}
age-band-10-12 = 10–12 years
age-band-13-15 = 13–15 years
age-band-16-18 = 16–18 years
age-band-adult = adults
meeting-time-weekday_morning = weekday mornings
meeting-time-weekday_day = weekday afternoons
meeting-time-weekday_evening = weekday evenings
meeting-time-weekend = weekends
field-full_name = Full name
field-is_minor = Under 18
field-school_class = Class
field-subject = Subject
field-years = Experience, years
field-category = Category
field-wishes = Wishes
field-competences = Competences
field-interests = Subject or interests
field-ages = Mentee ages
field-times = Convenient times
field-capacity = Mentees at once
field-workplace = Workplace
hint-choose-one = Tick at least one option.
error-full-name = Write your surname and first name separated by a space, letters only (up to 120 characters). For example: Ivanova Maria.
error-school-class = Write the class number from 1 to 11 and, if there is one, the letter: for example, 7B.
error-years = Write a number of years from 0 to 60, for example 2.
error-text-empty = Please write at least a couple of words.
error-text-too-long = That is too long: please shorten it to { $limit } characters.
error-consent-required = First you need to agree to the processing of your data.
error-invite-unknown = This invitation link was not found. Check that you copied all of it, or ask the curator for a new one.
error-invite-expired = This link has expired. Ask the curator for a new one.
error-invite-used = This link has already been used. Ask the curator for a new, personal one.
error-guardian-link-unknown = This parent link was not found or was already used by someone else.
error-guardian-link-expired = This parent link has expired. Ask your child to open the bot and get a new one.
error-guardian-self = Forward this link to your mum, dad or another adult who is responsible for you: you cannot confirm consent for yourself with it.
error-guardian-already-confirmed = Consent for this child has already been confirmed — there is nothing more to do.
already-member = You already take part as { $role_name }. Here is your menu:
menu-continue-registration = ✍️ Continue registration
menu-mydata = 🔐 My data
menu-guardian = 👪 Consent for my child
guardian-children = You confirmed consent for these children. To withdraw the consent for a child, choose them:
mydata-caption = This is everything the bot stores about you.
mydata-intro =
    <b>My data</b>
    The files above are everything the bot stores about you: a readable report and the same data as JSON.
mydata-withdraw = Withdraw consent
curator-participant-withdrew = Consent to data processing was withdrawn: { $name } ({ $school }). The data is anonymised; pairs ended: { $pairs }.
command-mydata = My data and consent
menu-role-line = • { $role_name }: { $organisation }, programme “{ $programme }”
menu-consent-waiting = ⏳ Waiting for a parent's consent or a paper consent — until then you cannot be put in a pair.
menu-coordinator-school = 🏫 { $school }: mentors — { $mentors }, mentees — { $mentees }
menu-role-line-org = • { $role_name }: { $organisation }
error-consent-incomplete = This participant’s consent is not complete yet: they cannot be put in a pair until it is.
role-mentor = Mentor
role-mentee = Mentee
registration-ask-help-topics = { $young ->
    [yes] What would you like help with? Tick everything that fits and press "Next". You can tick nothing and tell me in your own words on the next step.
   *[other] What would you like help with? Tick what fits and press "Next" — or tick nothing and tell me in your own words on the next step.
}
field-help_topics = { $young ->
    [yes] Help with
   *[other] Help with
}
registration-next-mentee = { $young ->
    [yes] What's next: the programme's curator will find you a mentor — I will write to you when they do.
   *[other] What's next: the programme's curator will find you a mentor — I will write to you when they do.
}
registration-next-mentor = What's next: the programme's curator will form the pairs — I will write to you when you have a mentee.
registration-next-curator = What's next: create a programme and invite participants — the “📋 Programmes” button in the menu or the /programmes command.
registration-next-coordinator = What's next: the menu shows a summary of your municipality's schools; it grows as the schools invite participants.
consent-summary-self =
    <b>Consent to personal data processing</b>

    To take part in the mentoring programme of { $school } we need your consent. In short:
    • we store your full name, your participant profile and your Telegram ID;
    • the programme's curator and your mentor or mentee see them; the municipality sees only totals;
    • you can withdraw the consent at any time with /mydata.

    The full text: the “📄 Full consent text” button.
consent-summary-minor =
    <b>What happens next</b>

    You will tell me a little about yourself, and the programme's curator will find you a mentor. Only the curator and your mentor will see your answers.

    You are under 18, so you can take part only if your parent agrees. At the end I will give you a link — forward it to your mum, dad or another adult who looks after you: everything is explained there for the parent.
consent-minor-agree-button = ✅ Got it, let's go on
consent-full-text-button = 📄 Full consent text
consent-given-short = { $young ->
    [yes] Great, let's go on!
   *[other] Thank you! Consent saved ✅
}
hint-welcome = Press “Continue ▶️” below the message — or choose a language.
hint-consent = { $young ->
    [yes] Press “Got it, let's go on” below — or “Decline”.
   *[other] Press “✅ I give consent” below — or “Decline”.
}
hint-age = Choose an answer with a button below: “I am under 18” or “I am 18 or older”.
hint-choose-button = Choose an option with a button below the message.
hint-tick-then-next = Tick options with the buttons below the message and press “Next ▶️”.
hint-confirm = If everything is right, press “✅ Save” below; to correct something, “◀️ Back”.
error-choice-unknown = There is no such option. Choose one with a button below the message.
error-choose-one = Tick at least one option.
error-profile-mismatch = These answers do not fit this programme. Please register again from the menu.
error-invite-not-for-you = This invitation link is meant for someone else: forward it to the participant. Nothing has changed — the link still works.
report-title = My data in the Nastavnik bot
report-intro = Everything the bot stores about you as of { $exported } (UTC). The same data is in the JSON file.
report-section-person = About me
report-full-name = Full name
report-language = Bot language
report-minor = Under 18
report-registered = First seen
report-last-seen = Last seen
report-section-roles = Taking part in programmes
report-role-title = { $role_name }: { $organisation }
report-status = Status
report-status-registering = registration not finished
report-status-active = taking part
report-status-withdrawn = consent withdrawn, data anonymised
report-since = Since
report-ended = Ended
report-field-category = Category (set by the curator)
report-section-consents = Consents to data processing
report-organisation = Organisation
report-programme = Programme
report-given-by = Given by
report-given-by-self = you
report-given-by-guardian = a parent or legal guardian
report-given-by-paper = on paper (marked by the curator)
report-given-at = Consent date
report-withdrawn-at = Withdrawn
report-section-parent-links = Links for a parent
report-parent-confirmed = Parent confirmed
report-section-children = Consent for children
report-child = Child
report-section-pairs = Mentoring pairs
report-pair-role = Role in the pair
report-pair-status-proposed = proposed
report-pair-status-active = working
report-pair-status-terminated = ended early
report-pair-status-completed = completed
report-section-questionnaires = My questionnaires
report-questionnaire-submitted = Submitted: { $at }
report-questionnaire-unsent = Not submitted yet (the answers are saved and can still be changed).
report-answer-scale = { $value } of { $max }
mydata-questionnaires = Your questionnaire answers ({ $questionnaires }) are in the file, under «My questionnaires». Only your own answers are there.
report-child-role = { $role_name }, { $programme }
report-section-meetings = Meetings
report-meeting-day = Date
report-meeting-kind = Meeting
report-meeting-format = Format
report-meeting-topic = Topic
report-meeting-outcome = Outcome
report-meeting-present = Present
report-meeting-confirmed = Meeting confirmed
report-meeting-rating = My rating of the meeting
report-meeting-comment = My comment
report-meeting-comment-shared = The mentor sees the comment
report-section-plan = Development plan
report-plan-due = Due
report-plan-mine = An item of my plan
report-plan-written-by-me = Written by me
report-section-fit = Does the mentor fit (the answer after the first meeting)
report-fit-answer = Answer
report-section-actions = Action log
report-actions = Entries about your actions in the log: { $count }. Details are in the JSON file.
mydata-report-caption = My data as a readable list. Open the file in a browser.
mydata-guardian = To see or withdraw the consent for your child, press “👪 Consent for my child”.
mydata-intro-young =
    <b>My data</b>
    The files above are everything the bot stores about you. You can withdraw the consent here: then your data will be deleted or anonymised and you will leave the programme.
consent-withdraw-confirm-self = { $young ->
    [yes]
        <b>Withdraw the consent to data processing?</b>

        What happens:
        • your data will be deleted or anonymised;
        • your mentoring pair, if you have one, will end;
        • the programme's curator will be notified.

        You can come back only with a new invitation.
   *[other]
        <b>Withdraw your consent to personal data processing?</b>

        What happens:
        • your personal data will be deleted or anonymised — reports keep only totals, without your name;
        • the mentoring pairs and groups you work in will end;
        • the programme's curator will be notified.

        You can come back only with a new invitation and a new consent.
}
consent-withdraw-confirm-child =
    <b>Withdraw the consent for your child: { $child }?</b>

    What happens:
    • your child's personal data will be deleted or anonymised — reports keep only totals, without the name;
    • your child's mentoring pair will end;
    • the programme's curator will be notified.

    Your own data is not affected. Your child can come back only with a new invitation and your new consent.
consent-withdrawn-for-child =
    The consent for your child was withdrawn: { $child }. The child's data is deleted or anonymised, the curator was notified.
consent-withdrawn-child-told =
    The consent for your taking part in the mentoring programme was withdrawn by your parent. Your data is deleted and your pair has ended.
    If you want to come back, ask the curator for a new invitation.
error-full-name-young = Write your surname and first name separated by a space, letters only. For example: Ivanova Maria.
error-school-class-young = Write the class number from 1 to 11 and, if there is one, the letter: for example, 7B.
error-text-empty-young = Please write at least a couple of words.
error-text-too-long-young = That is too long: please shorten it to { $limit } characters.
error-unknown-command-young = There is no such command here — the list of commands: /help. You can go on from the same place on this screen.
consent-summary-guardian =
    <b>A parent's consent to the processing of a child's personal data</b>

    { $child } wants to take part in the mentoring programme of { $school }. Participants under 18 need the consent of a parent or legal guardian. In short:
    • we store the child's full name, participant profile and Telegram ID; about you, only your Telegram ID;
    • the programme's curator and the child's mentor see them; the municipality sees only totals;
    • you can withdraw the consent at any time with /mydata.

    The full text: the “📄 Full consent text” button.
hint-consent-guardian = Press “✅ I give consent” below — or “Decline”. The full text is behind the “📄 Full consent text” button.
consent-declined-young =
    OK, without consent I will not save anything about you, and you cannot take part in the programme through the bot.
    If you change your mind, open the invitation link again or write to the programme's curator.
